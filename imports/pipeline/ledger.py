"""Imports ledger.csv (BILL, SURCHARGE, PAYMENT, ADJUSTMENT); (kind, reference) is the re-import key.

The file is staged and written with one INSERT … SELECT; on PostgreSQL a clean file is
checked as it is written, and only a file that fails names its bad lines with the
detailed checks. The first load into an empty ledger goes straight in (first_load.py).
The positions of the consumers touched are refreshed after. All-or-nothing: one
transaction per file; importing the same file twice changes nothing.
"""

import logging

from django.db import DataError, IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from arrears.ledger import positions_append
from arrears.signals import ledger_credited_send
from core.dates import india_today
from core.sql import sql_text
from imports.pipeline.bulk import _BULK_ROWS, _analyze_if_large, _bulk_load, _ledger_ids, _refresh_all_positions
from imports.pipeline.checks import (
    AMOUNT_RE,
    _as_date,
    _as_decimal,
    _collect,
    _duplicate_check,
    _is_date,
    _reason,
    _regex,
    _safe_date,
    _safe_decimal,
)
from imports.pipeline.first_load import _ledger_first_load
from imports.pipeline.reader import CONTROL_RE, LEDGER_COLUMNS, LEDGER_REQUIRED, ImportResult, Progress, RowErrors
from imports.pipeline.staging import Staged, _drop, _phase, _stage

logger = logging.getLogger(__name__)


def ledger_import(*, file, dry_run: bool = False, progress: Progress | None = None,
                  division_id: int | None = None, user_id: int | None = None, source: str = "import") -> ImportResult:
    """Imports ledger.csv (BILL, SURCHARGE, PAYMENT, ADJUSTMENT); (kind, reference) is the re-import key."""
    errors = RowErrors()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Money changes on these accounts wait for the import, so no payment can
            # slip between the new entries and the refresh of cached balances.
            with connection.cursor() as cursor:
                cursor.execute("LOCK TABLE arrears_ledgerentry IN SHARE ROW EXCLUSIVE MODE")
                # The duplicate check and the joins hash millions of rows: in memory, not spilled
                # to disk in 4 MB batches (the default). Only for this transaction.
                cursor.execute("SET LOCAL work_mem = '128MB'")
            if not dry_run:
                result = _ledger_first_load(file, division_id=division_id, user_id=user_id, source=source,
                                            progress=progress)
                if result is not None:
                    return result
        staged = _stage(file, LEDGER_COLUMNS, LEDGER_REQUIRED, errors, progress)
        t = staged.table
        params = [division_id] if division_id is not None else []
        result = None
        # Every ledger id above this one is this file's (for _credits_announce): the import holds the
        # ledger locked on PostgreSQL; on SQLite a write after another connection's commit fails.
        with connection.cursor() as cursor:
            cursor.execute("SELECT COALESCE(MAX(id), 0) FROM arrears_ledgerentry")
            after_id = cursor.fetchone()[0]
        if not dry_run and not errors and connection.vendor == "postgresql":
            # A clean file (the usual case) is checked as it is written: one scan, where a
            # bad value stops the write. Only then (or for a dry run) do the detailed
            # checks run, to name every bad line.
            result = _ledger_write_checked(staged, division_id=division_id, user_id=user_id, source=source)
        if result is None:
            with _phase("ledger import: detailed checks"):
                _collect(errors, _ledger_checks(t, division_id), params)
            errors.raise_if_any()
            result = _ledger_write(staged, dry_run=dry_run, division_id=division_id, user_id=user_id, source=source)
        if not dry_run and result.created:
            _credits_announce(staged, after_id=after_id, user_id=user_id, source=source)
        _drop(staged)
        if dry_run:
            transaction.set_rollback(True)
        return result


def _credits_announce(staged: Staged, *, after_id: int, user_id: int | None, source: str) -> None:
    """Tells the apps that care (drives: an online payment settles a stop) which consumers the file
    credited, through arrears.signals: imports may not import the apps above it. Only the credits this
    import wrote (ledger ids above ``after_id``) are named: a row already on the ledger (a re-import) was
    announced when it was first written. Read from the new rows by primary key, not by joining the file
    to every consumer. A bulk load names none (None: any consumer may have been credited) rather than
    read its millions of rows again."""
    consumer_ids = None
    if staged.rows < _BULK_ROWS:
        with connection.cursor() as cursor:
            cursor.execute("SELECT DISTINCT consumer_id FROM arrears_ledgerentry WHERE id > %s AND credit > 0",
                           [after_id])
            consumer_ids = [row[0] for row in cursor.fetchall()]
        if not consumer_ids:
            return
    ledger_credited_send(sender=ledger_import, consumer_ids=consumer_ids, user_id=user_id, source=source)


def _ledger_row_rules() -> list[tuple[str, str, str]]:
    """(column, reason, condition) for the checks that read one staged row alone."""
    amount_ok = _regex("amount", AMOUNT_RE)
    return [
        ("entry_date", _reason(_("not a date in YYYY-MM-DD form: %(value)s"), value="entry_date"),
         f"NOT {_is_date('entry_date')}"),
        ("kind", _reason(_("must be BILL, SURCHARGE, PAYMENT or ADJUSTMENT: %(value)s"), value="kind"),
         "kind NOT IN ('BILL', 'SURCHARGE', 'PAYMENT', 'ADJUSTMENT')"),
        ("amount", _reason(_("not an amount with at most 2 decimal places: %(value)s"), value="amount"),
         f"NOT {amount_ok}"),
        ("amount", _reason(_("must be more than zero for %(kind)s"), kind="kind"),
         f"kind IN ('BILL', 'SURCHARGE', 'PAYMENT') AND {_safe_decimal('amount')} <= 0"),
        ("amount", _reason(_("an adjustment must not be zero")),
         f"kind = 'ADJUSTMENT' AND {_safe_decimal('amount')} = 0"),
        ("due_date", _reason(_("required for a BILL")), "kind = 'BILL' AND due_date = ''"),
        ("due_date", _reason(_("not a date in YYYY-MM-DD form: %(value)s"), value="due_date"),
         f"kind = 'BILL' AND due_date <> '' AND NOT {_is_date('due_date')}"),
        ("due_date", _reason(_("only a BILL has a due date")),
         "kind IN ('SURCHARGE', 'PAYMENT', 'ADJUSTMENT') AND due_date <> ''"),
        ("reference", _reason(_("must not be blank")), "reference = ''"),
        ("reference", _reason(_("longer than %(n)s characters") % {"n": 40}), "length(reference) > 40"),
        ("reference", _reason(_("control character")), _regex("reference", CONTROL_RE)),
    ]


def _ledger_checks(t: str, division_id: int | None) -> list[str]:
    """The detailed checks of a ledger file: every bad value of every line, named."""
    checks = [f"SELECT line, {sql_text(column)} AS col, {reason} AS reason FROM {t} WHERE {condition}"
              for column, reason, condition in _ledger_row_rules()]
    checks.append(_duplicate_check(t, ["kind", "reference"], "reference"))
    if division_id is None:
        checks.append(
            f"SELECT s.line, 'account_no' AS col, {_reason(_('unknown account: %(value)s'), value='s.account_no')}"
            f" AS reason"
            f" FROM {t} s LEFT JOIN arrears_consumer c ON c.account_no = s.account_no WHERE c.id IS NULL")
    else:
        # For an officer one answer whether the account is another division's or no one's:
        # the import is no way to learn which accounts exist elsewhere.
        checks.append(
            f"SELECT s.line, 'account_no' AS col, {_reason(_('outside your division'))} AS reason FROM {t} s"
            f" WHERE NOT EXISTS"
            f" (SELECT 1 FROM arrears_consumer c WHERE c.account_no = s.account_no AND c.division_id = %s)")
    checks += [
        # Already on the ledger with other values: the ledger is append-only.
        f"SELECT s.line, 'reference' AS col,"
        f" {_reason(_('already imported with other values: %(value)s'), value='s.reference')} AS reason"
        f" FROM {t} s JOIN arrears_ledgerentry l ON l.kind = s.kind AND l.reference = s.reference"
        f" JOIN arrears_consumer c ON c.id = l.consumer_id"
        f" WHERE c.account_no <> s.account_no OR l.entry_date <> {_safe_date('s.entry_date')}"
        f" OR l.amount <> {_safe_decimal('s.amount')}"
        f" OR COALESCE(CAST(l.due_date AS TEXT), '') <> s.due_date",
    ]
    return checks


# The ledger's rows from a staged file, each value cast once (OFFSET 0 keeps the planner
# from copying the casts into every expression that uses them) and checked on the way:
# a value the detailed checks would refuse becomes NULL (a NOT NULL column refuses it)
# or an error, and the database's own constraints refuse the rest (a BILL without a due
# date, a zero amount, a reference too long, a key twice). Dates and amounts must read
# back exactly as written (DateStyle ISO), which is as strict as the detailed checks'
# patterns and much cheaper than a regular expression. {reference}: the one free-text
# value, checked for control characters only in a file that may hold one. {division}:
# an officer's import finds only the division's consumers (another's row has none: NULL).
_ROWS_CHECKED_AS_CAST = """
SELECT c.id AS consumer_id, c.division_id, v.kind, v.reference,
       CASE WHEN CAST(v.entry_date AS TEXT) = v.entry_text AND v.entry_text >= '1000' AND v.entry_text < '3'
            THEN v.entry_date END AS entry_date,
       CASE WHEN CAST(v.amount AS TEXT) = v.amount_text AND scale(v.amount) <= 2
                 AND v.amount > -1e12 AND v.amount < 1e12
            THEN CAST(v.amount AS NUMERIC(14, 2)) END AS amount,
       CASE WHEN v.due_text = '' THEN NULL
            WHEN CAST(v.due_date AS TEXT) = v.due_text AND v.due_text >= '1000' AND v.due_text < '3'
            THEN v.due_date ELSE CAST('not a date: ' || v.due_text AS DATE) END AS due_date
FROM (
    SELECT s.account_no, CASE WHEN s.kind IN ('BILL', 'SURCHARGE', 'PAYMENT', 'ADJUSTMENT') THEN s.kind END
           AS kind, {reference} AS reference,
           CAST(s.entry_date AS DATE) AS entry_date, s.entry_date AS entry_text,
           CAST(s.amount AS NUMERIC) AS amount, s.amount AS amount_text,
           CAST(NULLIF(s.due_date, '') AS DATE) AS due_date, s.due_date AS due_text
    FROM {table} s OFFSET 0
) v LEFT JOIN arrears_consumer c ON c.account_no = v.account_no {division}
"""

# A file the detailed checks passed: its rows, cast (any database). {division} as above.
_ROWS_OF_A_CHECKED_FILE = """
SELECT c.id AS consumer_id, c.division_id, s.kind, s.reference, {entry_date} AS entry_date, {amount} AS amount,
       CASE WHEN s.kind = 'BILL' THEN {due_date} END AS due_date
FROM {table} s JOIN arrears_consumer c ON c.account_no = s.account_no {division}
"""

# The new rows of either source (the database derives their debit, credit and due_on:
# generated columns). A row whose (kind, reference) is already on the ledger is skipped:
# the same row, the checks made sure. {fence} (PostgreSQL: OFFSET 0) keeps each
# source's casts computed once.
_NEW_LEDGER_ROWS = """
FROM ({rows}{fence}) r
WHERE NOT EXISTS (SELECT 1 FROM arrears_ledgerentry l WHERE l.kind = r.kind AND l.reference = r.reference)
"""

_LEDGER_INSERT = """
INSERT INTO arrears_ledgerentry (/*id*/consumer_id, division_id, entry_date, kind, amount, reference, due_date,
                                 created_by_id, source)
SELECT /*new id*/r.consumer_id, r.division_id, r.entry_date, r.kind, r.amount, r.reference, r.due_date, %s, %s
""" + _NEW_LEDGER_ROWS


def _ledger_write_checked(staged: Staged, *, division_id: int | None, user_id: int | None,
                          source: str) -> ImportResult | None:
    """PostgreSQL: writes a clean file with its checks in the same scan; None (and nothing
    written) when a row would fail them, for the detailed checks to say which."""
    division = "AND c.division_id = %s" if division_id is not None else ""
    reference = "NULLIF(s.reference, '')"
    if staged.controls:
        reference = f"CASE WHEN {_regex('s.reference', CONTROL_RE)} THEN NULL ELSE {reference} END"
    rows = _ROWS_CHECKED_AS_CAST.format(table=staged.table, division=division, reference=reference)
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL DateStyle = 'ISO, YMD'")
                with _phase("ledger import: keys already on the ledger"):
                    # Rows already imported must be the same rows: the ledger is append-only.
                    cursor.execute(
                        f"SELECT EXISTS (SELECT 1 FROM ({rows}) r"
                        f" JOIN arrears_ledgerentry l ON l.kind = r.kind AND l.reference = r.reference"
                        f" WHERE l.consumer_id IS DISTINCT FROM r.consumer_id"
                        f" OR l.entry_date IS DISTINCT FROM r.entry_date OR l.amount IS DISTINCT FROM r.amount"
                        f" OR l.due_date IS DISTINCT FROM r.due_date)",
                        [division_id] if division_id is not None else [])
                    if cursor.fetchone()[0]:
                        return None
            return _ledger_insert(staged, sql=_LEDGER_INSERT.format(rows=rows, fence=" OFFSET 0"),
                                  params=[user_id, source] + ([division_id] if division_id is not None else []),
                                  division_id=division_id)
    except (IntegrityError, DataError) as exc:
        logger.info("ledger import: a row failed the checks (%s); naming the lines", str(exc).splitlines()[0])
        return None


def _ledger_write(staged: Staged, *, dry_run: bool, division_id: int | None, user_id: int | None,
                  source: str) -> ImportResult:
    """Writes a file that passed the detailed checks (or counts what it would write)."""
    scope = [division_id] if division_id is not None else []
    rows = _ROWS_OF_A_CHECKED_FILE.format(table=staged.table, entry_date=_as_date("s.entry_date"),
                                          amount=_as_decimal("s.amount"), due_date=_as_date("s.due_date"),
                                          division="AND c.division_id = %s" if scope else "")
    fence = " OFFSET 0" if connection.vendor == "postgresql" else ""
    if dry_run:
        result = ImportResult(rows=staged.rows, dry_run=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) " + _NEW_LEDGER_ROWS.format(rows=rows, fence=fence), scope)
            result.created = cursor.fetchone()[0]
        result.unchanged = staged.rows - result.created
        return result
    return _ledger_insert(staged, sql=_LEDGER_INSERT.format(rows=rows, fence=fence), params=[user_id, source, *scope],
                          division_id=division_id)




def _ledger_insert(staged: Staged, *, sql: str, params: list, division_id: int | None) -> ImportResult:
    """Runs the INSERT … SELECT of new ledger rows (``sql`` marks where a bulk load puts
    the ids: /*id*/ and /*new id*/), then brings up to date the cached figures of the
    consumers it wrote to (of ``division_id`` only, for an officer: the rows are), as of today."""
    result = ImportResult(rows=staged.rows)
    with _bulk_load(staged.rows, primary_key=True) as bulk, connection.cursor() as cursor:
        if bulk:
            # Without its primary key index the table takes ids from a block reserved
            # here, not one sequence call per row. The import holds the table locked.
            sequence, base = _ledger_ids(cursor)
            cursor.execute("SELECT setval(%s, %s)", [sequence, base + staged.rows])
            sql = sql.replace("/*id*/", "id, ").replace("/*new id*/", "%s + ROW_NUMBER() OVER (), ")
            params = [base, *params]
        else:
            # Every id above this one is this import's: it holds the ledger locked (PostgreSQL;
            # SQLite's transactions are serializable, a write after another's commit fails).
            cursor.execute("SELECT COALESCE(MAX(id), 0) FROM arrears_ledgerentry")
            after_id = cursor.fetchone()[0]
        with _phase("ledger import: INSERT … SELECT"):
            cursor.execute(sql, params)
        result.created = cursor.rowcount
        result.unchanged = staged.rows - result.created
    if not result.created:
        return result
    if bulk:
        _refresh_all_positions(result.created, division_id=division_id)
        return result
    # Before the refresh reads the new rows: planned for the ledger's old size, it nests loops.
    _analyze_if_large(result.created, ["arrears_ledgerentry"])
    with _phase("ledger import: positions of the consumers written to"):
        # From each one's cached figures and its new entries; its whole ledger only when an
        # entry is due before the day the cache was made for (positions_append).
        positions_append(as_of=india_today(), after_id=after_id)
    _analyze_if_large(result.created, ["arrears_consumer"])
    return result
