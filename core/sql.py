"""SQL dialect helpers for the set-based SQL the apps write by hand (PostgreSQL and SQLite)."""


def sql_text(value: str) -> str:
    """``value`` as an SQL string literal: in single quotes, each single quote doubled. The
    standard's one escape, read alike by SQLite and PostgreSQL (standard_conforming_strings
    is on: a backslash is a backslash). For text the code chose (a reason, a column name, a
    pattern); a user's value goes in as a query parameter."""
    if "\x00" in value:
        raise ValueError("an SQL string literal can't hold a NUL character")
    return "'" + value.replace("'", "''") + "'"
