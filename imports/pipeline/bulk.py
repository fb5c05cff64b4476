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
               empty: bool = False, columns: list[str] | None = None):
    """Around a write of ``rows`` rows to ``table`` (``empty``: known to be empty): yields
    whether its secondary indexes, unique keys and foreign keys (and with ``primary_key`` its
    primary key, and the foreign keys of other tables that point at it) were dropped for
    it, to be rebuilt after. With ``columns`` (an update of these columns only, in place on
    each row's page): only the indexes that read one of them are dropped, no key."""
    if connection.vendor != "postgresql" or rows < _BULK_ROWS:
        yield False
        return
    with connection.cursor() as cursor:
        existing = 0
        if not empty:  # the planner's estimate (ANALYZE's figure outlives a rolled-back load)
            existing = _estimated_rows(cursor, table)
        if rows * 4 < existing:  # a small share of a big table: maintaining the indexes is cheaper
            yield False
            return
        kinds = ["f", "u", "p"] if primary_key else ["f", "u"]
        cursor.execute(
            "SELECT %s, conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s::regclass AND contype = ANY(%s) ORDER BY contype = 'p' DESC",
            [table, table, kinds])
        constraints = cursor.fetchall() if columns is None else []
        if primary_key and columns is None:  # the keys that point at it go first and come back last
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
                " WHERE confrelid = %s::regclass AND contype = 'f' AND conrelid <> confrelid", [table])
            constraints = cursor.fetchall() + constraints
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s"
            " AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
            [table, table])
        indexes = cursor.fetchall()
        if columns is not None:  # an index reads a column as a key or in an expression or predicate
            cursor.execute(
                "SELECT DISTINCT i.relname FROM pg_depend d JOIN pg_class i ON i.oid = d.objid"
                " JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid"
                " WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass"
                " AND d.refobjid = %s::regclass AND i.relkind = 'i' AND a.attname = ANY(%s)"
                " UNION SELECT i.indexrelid::regclass::text FROM pg_index i JOIN pg_attribute a"
                " ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
                " WHERE i.indrelid = %s::regclass AND a.attname = ANY(%s)",
                [table, columns, table, columns])
            reading = {row[0] for row in cursor.fetchall()}
            indexes = [(name, definition) for name, definition in indexes if name in reading]
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
                # A partitioned table's index reads "ON ONLY" (the parent alone, as pg_dump attaches each
                # partition's after): made again on every partition (arrears.partitioning).
                cursor.execute(definition.replace(" ON ONLY ", " ON ", 1))
        for owner, name, definition in reversed(constraints):
            with _phase(f"rebuild of {name}"):
                cursor.execute(f'ALTER TABLE {owner} ADD CONSTRAINT "{name}" {definition}')
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's keys are all deferrable


def _estimated_rows(cursor, table: str) -> int:
    """The planner's estimate of the rows in ``table``: of its partitions, summed, when it is partitioned
    (arrears.partitioning: a partitioned table's own figure is -1 until it is analyzed as a whole)."""
    cursor.execute("SELECT COALESCE(SUM(GREATEST(c.reltuples, 0)), 0) FROM pg_class c"
                   " WHERE c.oid = %s::regclass AND c.relkind <> 'p'"
                   " OR c.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = %s::regclass)", [table, table])
    return int(cursor.fetchone()[0])


# The consumer columns a refresh of positions writes (arrears.ledger.positions_refresh).
_POSITION_COLUMNS = ["balance", "arrears", "oldest_due_date", "arrears_from", "arrears_until"]

# A bulk insert of consumers leaves this much of each page empty (the table's fillfactor during the
# insert only): room for each row's second version, which the refresh of positions after the ledger's
# load writes on the same page (a HOT update: no index entry written, no index rebuilt). The table
# ends as large as the refresh left it before, when every new version went to a new page at its end.
_CONSUMER_INSERT_FILLFACTOR = 45

# Share of the refreshed consumers whose page must have room for a HOT update of each of its rows.
_HOT_SHARE = 0.9


@contextmanager
def _roomy_inserts(rows: int, table: str = "arrears_consumer"):
    """Around a bulk insert of ``rows`` consumers: the new rows written with room on their pages for
    the refresh of their positions (_CONSUMER_INSERT_FILLFACTOR); the table's setting back after."""
    if connection.vendor != "postgresql" or rows < _BULK_ROWS:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} SET (fillfactor = {_CONSUMER_INSERT_FILLFACTOR})")
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} RESET (fillfactor)")


def _room_for_hot_updates(*, division_id: int | None) -> bool:
    """Whether the pages of the consumers to refresh have room for a second version of each of their
    rows (the first load's consumers do: _roomy_inserts). Each page's rows measured, a margin for the
    position values the new version adds (a NULL becoming a date, a zero becoming an amount): one scan
    of the consumers, against the minutes a wrong guess costs either way."""
    scope = "WHERE c.division_id = %s" if division_id is not None else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COALESCE(SUM(n) FILTER (WHERE 2 * bytes + 24 * n <= 8192 - 24), 0), COALESCE(SUM(n), 0)"
            f" FROM (SELECT COUNT(*) AS n, SUM(pg_column_size(c.*) + 4) AS bytes FROM arrears_consumer c {scope}"
            f" GROUP BY (CAST(CAST(c.ctid AS TEXT) AS point))[0]) pages",
            [division_id] if division_id is not None else [])
        roomy, rows = cursor.fetchone()
    return rows > 0 and int(roomy) >= _HOT_SHARE * int(rows)


def _refresh_all_positions(created: int, *, division_id: int | None, ledger_analyzed: bool = False) -> None:
    """After a load that is most of the ledger: every consumer (of ``division_id``, for an
    officer's import, which touches no other division's row) refreshed in one pass over it,
    cheaper than first finding which consumers the file touched.

    Where the consumers' pages have room (the first load: _roomy_inserts), only the indexes on
    the position columns are dropped for the refresh and rebuilt after; the rows' new versions
    are then HOT updates, and every other index (the search indexes among them: 18 s of rebuilds
    on 1M consumers) is left as it was. Otherwise every row moves, and all its indexes are
    rebuilt after (_bulk_load). ``ledger_analyzed``: the ledger's statistics are fresh already."""
    if not ledger_analyzed:
        _analyze_if_large(created, ["arrears_ledgerentry"])
    with connection.cursor() as cursor:
        if division_id is None:
            cursor.execute("SELECT COUNT(*) FROM arrears_consumer")
        else:
            cursor.execute("SELECT COUNT(*) FROM arrears_consumer WHERE division_id = %s", [division_id])
        consumers = cursor.fetchone()[0]
    columns = None
    if connection.vendor == "postgresql" and consumers >= _BULK_ROWS:
        with _phase("ledger import: room on the consumers' pages"):
            if _room_for_hot_updates(division_id=division_id):
                columns = _POSITION_COLUMNS
    with _bulk_load(consumers, "arrears_consumer", columns=columns), \
            _phase("ledger import: positions refresh (all consumers)"):
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
