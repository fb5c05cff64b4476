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
    """A CSV file had bad rows; nothing was written. ``rows`` are the first of its problems as (line, column,
    reason), ``more`` counts those not listed; ``lines`` counts the lines with a problem, a line with three bad
    values being one line and three problems (all the listed rows' lines when not given)."""

    def __init__(self, rows: list[tuple[int, str, str]], *, more: int = 0, lines: int | None = None):
        self.rows, self.more = list(rows), more
        self.lines = len({line for line, _column, _reason in self.rows}) if lines is None else lines
        super().__init__(f"{self.lines} line{'' if self.lines == 1 else 's'} with problems, {self.problems} "
                         f"problem{'' if self.problems == 1 else 's'}; nothing was written")

    @property
    def problems(self) -> int:
        return len(self.rows) + self.more

    @property
    def errors(self) -> list[str]:
        """`line N: column: reason` per problem, then "… and N more problems not shown" if any were left out."""
        errors = [f"line {line}: {column}: {reason}" for line, column, reason in self.rows]
        if self.more:
            errors.append(f"… and {self.more} more problem{'' if self.more == 1 else 's'} not shown")
        return errors
