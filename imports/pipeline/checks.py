"""The checks of a staged file: set-based SQL that finds every bad value as (line, column,
reason), and the SQL dialect helpers they are written with (PostgreSQL and SQLite)."""

import re

from django.db import connection
from django.utils.translation import gettext as _

from core.sql import sql_text
from imports.pipeline.reader import CONTROL_RE, MAX_REPORTED_ERRORS, RowErrors


def _regex(column: str, pattern: str) -> str:
    op = "~" if connection.vendor == "postgresql" else "REGEXP"
    return f"({column} {op} {sql_text(pattern)})"


def _is_date(column: str) -> str:
    """True for a real calendar date in YYYY-MM-DD form (2026-02-30 is not)."""
    if connection.vendor == "postgresql":
        return (f"(CASE WHEN {_regex(column, DATE_RE)} "
                f"THEN CAST(substr({column}, 9, 2) AS int) <= CAST(EXTRACT(DAY FROM make_date("
                f"CAST(substr({column}, 1, 4) AS int), CAST(substr({column}, 6, 2) AS int), 1)"
                f" + interval '1 month - 1 day') AS int) ELSE false END)")
    return f"(length({column}) = 10 AND COALESCE(date({column}, '+0 days') = {column}, 0))"


# The grammar of account numbers, dates and amounts, in the syntax PostgreSQL and Python share.
ACCOUNT_RE = "^[0-9]{8,12}$"
DATE_RE = "^[12][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
AMOUNT_RE = "^-?[0-9]{1,12}([.][0-9]{1,2})?$"


def _as_decimal(column: str) -> str:
    return f"CAST({column} AS NUMERIC(14, 2))" if connection.vendor == "postgresql" else f"CAST({column} AS REAL)"


def _as_date(column: str) -> str:
    return f"CAST({column} AS DATE)" if connection.vendor == "postgresql" else column


def _safe_decimal(column: str) -> str:
    """The amount, or NULL where it is not one (SQL does not promise to filter before it casts)."""
    return f"(CASE WHEN {_regex(column, AMOUNT_RE)} THEN {_as_decimal(column)} END)"


def _safe_date(column: str) -> str:
    return f"(CASE WHEN {_is_date(column)} THEN {_as_date(column)} END)"


def _collect(errors: RowErrors, checks: list[str], params: list | None = None) -> None:
    """Runs each check (SELECT line, column, reason …) and adds what it finds, in line order:
    the first MAX_REPORTED_ERRORS, how many there are in all and on how many lines."""
    sql = " UNION ALL ".join(f"SELECT * FROM ({check}) AS c{i}" for i, check in enumerate(checks))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT line, col, reason, COUNT(*) OVER () FROM ({sql}) AS found"
                       f" ORDER BY line, col, reason LIMIT {MAX_REPORTED_ERRORS}", params or [])
        found = cursor.fetchall()
        total = found[0][3] if found else 0
        lines = None  # those of the values listed, when all are
        if total > len(found):
            # A line with three bad values is one line with three problems: count the lines apart.
            cursor.execute(f"SELECT COUNT(DISTINCT line) FROM ({sql}) AS found", params or [])
            lines = cursor.fetchone()[0]
    errors.merge([(line, column, reason) for line, column, reason, _total in found], total=total, lines=lines)


def _concat(*parts: str) -> str:
    return " || ".join(parts)


_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _reason(message: str, **columns: str) -> str:
    """A reason in the active language as an SQL expression: each ``%(name)s`` of the translated ``message``
    becomes the column ``name`` names, wherever the translation puts it:
    ``_reason(_("unknown account: %(value)s"), value="s.account_no")`` → ``'unknown account: ' || s.account_no``.
    A ``%`` of the text is doubled: the checks run with query parameters."""
    parts = []
    for index, piece in enumerate(_PLACEHOLDER.split(message)):
        if index % 2:
            parts.append(columns[piece])
        elif piece:
            parts.append(sql_text(piece.replace("%", "%%")))
    return _concat(*parts) if parts else sql_text("")


def _control_check(table: str, column: str, pattern: str = CONTROL_RE) -> str:
    """A free-text column's control characters (see CONTROL_RE). The other columns have a
    grammar (digits, codes, dates, amounts) that no control character passes."""
    return (f"SELECT line, {sql_text(column)} AS col, {_reason(_('control character'))} AS reason FROM {table}"
            f" WHERE {_regex(column, pattern)}")


def _duplicate_check(table: str, key: list[str], column: str) -> str:
    on = " AND ".join(f"d.{k} = s.{k}" for k in key)
    return (f"SELECT s.line, {sql_text(column)} AS col,"
            f" {_reason(_('duplicate of line %(line)s'), line='CAST(d.first_line AS TEXT)')} AS reason"
            f" FROM {table} s JOIN (SELECT {', '.join(key)}, MIN(line) AS first_line FROM {table}"
            f" GROUP BY {', '.join(key)} HAVING COUNT(*) > 1) d ON {on} WHERE s.line > d.first_line")
