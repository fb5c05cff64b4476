"""Large loads: a table's secondary indexes and keys dropped for a write and rebuilt after
it, planner statistics refreshed, every consumer's position refreshed in one pass."""

from contextlib import contextmanager

from django.db import connection

from arrears.ledger import positions_refresh
from core.dates import india_today
from imports.pipeline.staging import _phase

_ANALYZE_AFTER = 100_000  # rows created by one import


# A load this large, and a good share of the ledger, is written without the ledger's
# secondary indexes and foreign keys, which are rebuilt after it: one sort per index
# and one join per foreign key, instead of 20M index insertions and 20M row-by-row
# checks at commit. All inside the import's transaction (DDL is transactional on
# PostgreSQL): a failed import leaves them as they were.
_BULK_ROWS = 200_000


@contextmanager
def _bulk_load(rows: int, table: str = "arrears_ledgerentry", *, primary_key: bool = False,
               empty: bool = False):
    """Around a write of ``rows`` rows to ``table`` (``empty``: known to be empty): yields
    whether its secondary indexes, unique keys and foreign keys (and with ``primary_key`` its
    primary key, and the foreign keys of other tables that point at it) were dropped for
    it, to be rebuilt after."""
    if connection.vendor != "postgresql" or rows < _BULK_ROWS:
        yield False
        return
    with connection.cursor() as cursor:
        existing = 0
        if not empty:  # the planner's estimate (ANALYZE's figure outlives a rolled-back load)
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
            existing = max(cursor.fetchone()[0], 0)
        if rows * 4 < existing:  # a small share of a big table: maintaining the indexes is cheaper
            yield False
            return
        kinds = ["f", "u", "p"] if primary_key else ["f", "u"]
        cursor.execute(
            "SELECT %s, conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s::regclass AND contype = ANY(%s) ORDER BY contype = 'p' DESC",
            [table, table, kinds])
        constraints = cursor.fetchall()
        if primary_key:  # the keys that point at it go first and come back last
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
                " WHERE confrelid = %s::regclass AND contype = 'f' AND conrelid <> confrelid", [table])
            constraints = cursor.fetchall() + constraints
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s"
            " AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
            [table, table])
        indexes = cursor.fetchall()
        # Foreign keys checked at commit must be checked now: a table with pending checks can't be altered.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for owner, name, _definition in constraints:
            cursor.execute(f'ALTER TABLE {owner} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    yield True
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for name, definition in indexes:
            with _phase(f"rebuild of {name}"):
                cursor.execute(definition)
        for owner, name, definition in reversed(constraints):
            with _phase(f"rebuild of {name}"):
                cursor.execute(f'ALTER TABLE {owner} ADD CONSTRAINT "{name}" {definition}')
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's keys are all deferrable


def _refresh_all_positions(created: int, *, division_id: int | None) -> None:
    """After a load that is most of the ledger: every consumer (of ``division_id``, for an
    officer's import, which touches no other division's row) refreshed in one pass over it,
    cheaper than first finding which consumers the file touched."""
    _analyze_if_large(created, ["arrears_ledgerentry"])
    with connection.cursor() as cursor:
        if division_id is None:
            cursor.execute("SELECT COUNT(*) FROM arrears_consumer")
        else:
            cursor.execute("SELECT COUNT(*) FROM arrears_consumer WHERE division_id = %s", [division_id])
        consumers = cursor.fetchone()[0]
    with _bulk_load(consumers, "arrears_consumer"), _phase("ledger import: positions refresh (all consumers)"):
        positions_refresh(as_of=india_today(), materialize=True, division_id=division_id)
    _analyze_if_large(created, ["arrears_consumer"])


def _analyze_if_large(created: int, tables: list[str]) -> None:
    """Fresh planner statistics after a large load: until autovacuum gets there, every query on
    the tables would be planned for their old size. ANALYZE samples, so it takes seconds."""
    if connection.vendor == "postgresql" and created >= _ANALYZE_AFTER:
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"ANALYZE {table}")


def _ledger_ids(cursor) -> tuple[str, int]:
    """(the ledger id sequence, the last id taken): a bulk load, holding the table locked and
    its primary key dropped, takes the ids after it and sets the sequence past them."""
    cursor.execute("SELECT pg_get_serial_sequence('arrears_ledgerentry', 'id')")
    sequence = cursor.fetchone()[0]
    cursor.execute(f"SELECT GREATEST((SELECT last_value FROM {sequence}),"
                   f" (SELECT COALESCE(MAX(id), 0) FROM arrears_ledgerentry))")
    return sequence, cursor.fetchone()[0]
