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
    """A CSV file had bad rows; nothing was written. ``rows`` are the first of them as (line, column,
    reason), ``more`` counts those not listed; ``errors`` is their text as the contract writes it."""

    def __init__(self, rows: list[tuple[int, str, str]], *, more: int = 0):
        super().__init__(f"{len(rows) + more} bad row(s); nothing was written")
        self.rows, self.more = list(rows), more

    @property
    def errors(self) -> list[str]:
        """`line N: column: reason` per row, then "… and N more bad rows not shown" if any were left out."""
        errors = [f"line {line}: {column}: {reason}" for line, column, reason in self.rows]
        if self.more:
            errors.append(f"… and {self.more} more bad row{'' if self.more == 1 else 's'} not shown")
        return errors
