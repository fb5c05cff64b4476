"""SQL dialect helpers for the set-based SQL the apps write by hand (PostgreSQL and SQLite)."""

from contextlib import contextmanager

from django.db import connections, transaction

from core.replica import reads_alias


def sql_text(value: str) -> str:
    """``value`` as an SQL string literal: in single quotes, each single quote doubled. The
    standard's one escape, read alike by SQLite and PostgreSQL (standard_conforming_strings
    is on: a backslash is a backslash). For text the code chose (a reason, a column name, a
    pattern); a user's value goes in as a query parameter."""
    if "\x00" in value:
        raise ValueError("an SQL string literal can't hold a NUL character")
    return "'" + value.replace("'", "''") + "'"


@contextmanager
def without_jit():
    """Reads inside run with PostgreSQL's JIT compilation off (``SET LOCAL jit = off`` in a transaction of their
    own; nothing elsewhere). For a read the planner costs high, correlated sums per row of a few thousand, that
    runs in tens of milliseconds: compiling it would take ten times that. SQLite has no JIT: nothing is set."""
    alias = reads_alias()  # where the reads inside go: the replica's connection in a report (core.replica)
    if connections[alias].vendor != "postgresql":
        yield
        return
    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        yield
