"""Domain errors: a business rule said no.

Each carries a stable ``code`` that the API returns with HTTP 409 and that a
web page shows as a form error. Views never invent their own refusals.
"""


class DomainError(Exception):
    """A refusal: ``detail`` says why, ``field`` names the input it is about (None: the request as a whole).

    ``str(exc)`` is the whole sentence, "amount: must be more than zero", for logs, commands and the API.
    """

    code = "domain_error"

    def __init__(self, detail: str, *, code: str | None = None, field: str | None = None):
        self.detail, self.field = detail, field
        super().__init__(f"{field}: {detail}" if field else detail)
        if code is not None:
            self.code = code


class ImportFailed(Exception):
    """A CSV file had bad rows; nothing was written. ``errors`` are `line N: column: reason`."""

    def __init__(self, errors: list[str]):
        super().__init__(f"{len(errors)} bad row(s); nothing was written")
        self.errors = errors
