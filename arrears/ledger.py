"""Balance and arrears: the one implementation of the rules of DESIGN.md.

    balance            = Σ debits − Σ credits (negative: an advance)
    arrears on day D   = max(0, Σ debits due before D − Σ credits dated on or before D)
    oldest unpaid due  = credits pay the oldest debits first; the due date of the
                         first debit (due before D) they do not cover

Written as one set-based SQL statement, so the same code refreshes one
consumer after a payment, a division after an import, and every consumer whose
cached figures expire overnight. It runs on PostgreSQL and SQLite alike.
"""

import uuid
from contextlib import contextmanager
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Case, DecimalField, Sum, Value, When

from arrears.models import Consumer, LedgerEntry
from core.dates import india_today
from core.models import MONEY

# Per-consumer figures from the ledger, for the consumers chosen by {scope}
# (SELECT id, as_of …), each as of its own date `as_of`. Two steps: one grouped
# aggregate over the scope's ledger rows (TOTALS_SQL) gives balance, what has fallen
# due, what has been paid and the next dates anything changes; then only the consumers
# who owe something (a few in a hundred) have their debits due before the day run
# through in due-date order (OLDEST_SQL, index ledger_consumer_due_on), a running sum
# finding the first one their credits do not cover: the oldest unpaid due date.
TOTALS_SQL = """
    SELECT l.consumer_id, MAX(s.as_of) AS as_of,
           SUM(l.debit) - SUM(l.credit) AS balance,
           SUM(CASE WHEN l.due_on < s.as_of THEN l.debit ELSE 0 END) AS due,
           SUM(CASE WHEN l.entry_date <= s.as_of THEN l.credit ELSE 0 END) AS paid,
           MIN(CASE WHEN l.debit > 0 AND l.due_on >= s.as_of THEN l.due_on END) AS next_due_on,
           MIN(CASE WHEN l.credit > 0 AND l.entry_date > s.as_of THEN l.entry_date END) AS next_credit_on
    FROM arrears_ledgerentry l JOIN {scope} s ON s.id = l.consumer_id
    GROUP BY l.consumer_id
"""
OLDEST_SQL = """
    SELECT consumer_id, MIN(CASE WHEN ROUND(running_due - paid, 2) > 0 THEN due_on END) AS oldest_due_date
    FROM (
        SELECT l.consumer_id, l.due_on, t.paid,
               SUM(l.debit) OVER (PARTITION BY l.consumer_id ORDER BY l.due_on) AS running_due
        FROM {totals} t JOIN arrears_ledgerentry l ON l.consumer_id = t.consumer_id
        WHERE ROUND(t.due - t.paid, 2) > 0 AND l.debit > 0 AND l.due_on < t.as_of
    ) owed
    GROUP BY consumer_id
"""
POSITIONS_SQL = """
WITH scope AS ({scope}),
totals AS ({totals}),
oldest AS ({oldest}),
positions AS (
    SELECT s.id AS consumer_id, s.as_of,
           ROUND(COALESCE(t.balance, 0), 2) AS balance,
           CASE WHEN ROUND(t.due - t.paid, 2) > 0 THEN ROUND(t.due - t.paid, 2) ELSE 0 END AS arrears,
           o.oldest_due_date, t.next_due_on, t.next_credit_on
    FROM scope s
    LEFT JOIN totals t ON t.consumer_id = s.id
    LEFT JOIN oldest o ON o.consumer_id = s.id
)
"""


def positions_sql(scope: str, *, totals: str | None = None, oldest: str | None = None) -> str:
    """WITH … positions: POSITIONS_SQL for ``scope``, its steps computed in place unless given."""
    return POSITIONS_SQL.format(scope=scope, totals=totals or TOTALS_SQL.format(scope="scope"),
                                oldest=oldest or OLDEST_SQL.format(totals="totals"))


# A debit due on day X counts from X + 1; a credit dated X counts from X.
_UNTIL = {
    "postgresql": "LEAST(p.next_due_on + 1, p.next_credit_on)",
    "sqlite": "MIN(COALESCE(date(p.next_due_on, '+1 day'), p.next_credit_on),"
              " COALESCE(p.next_credit_on, date(p.next_due_on, '+1 day')))",
}


def _as_of_sql() -> str:
    # SQLite keeps dates as ISO text; a CAST there would turn them into numbers.
    return "CAST(%s AS DATE)" if connection.vendor == "postgresql" else "%s"


def _update_sql() -> str:
    """The UPDATE of the cached figures from the ``positions`` of POSITIONS_SQL."""
    return f"""
    UPDATE arrears_consumer AS c SET balance = p.balance, arrears = p.arrears,
           oldest_due_date = p.oldest_due_date, arrears_from = p.as_of, arrears_until = {_UNTIL[connection.vendor]}
    FROM positions p WHERE c.id = p.consumer_id"""


# The cached figures of a consumer, as positions_refresh writes them.
POSITION_FIELDS = ("balance", "arrears", "oldest_due_date", "arrears_from", "arrears_until")


def position_refresh(consumer: Consumer, *, as_of: date) -> None:
    """positions_refresh of one consumer whose row the caller holds locked (after a payment or an adjustment),
    the new figures set on ``consumer`` too: on PostgreSQL read back by the UPDATE itself (RETURNING), without a
    second statement on every payment."""
    if connection.vendor != "postgresql":
        positions_refresh(as_of=as_of, consumer_ids=[consumer.pk])
        consumer.refresh_from_db(fields=POSITION_FIELDS)
        return
    scope = f"SELECT c.id, {_as_of_sql()} AS as_of FROM arrears_consumer c WHERE c.id = %s"
    returning = ", ".join(f"c.{field}" for field in POSITION_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(f"{positions_sql(scope)}{_update_sql()} RETURNING {returning}", [as_of, consumer.pk])
        row = cursor.fetchone()
    for field, value in zip(POSITION_FIELDS, row, strict=True):
        setattr(consumer, field, value)


def positions_refresh(*, as_of: date, consumer_ids=None, division_id=None, in_table: str | None = None,
                      only_stale: bool = False, materialize: bool = False) -> int:
    """Recomputes the cached balance, arrears and oldest due date from the ledger.

    Choose the consumers by ids, by division, by a table of ``consumer_id``s
    (``in_table``, an import's), or none of these for all; ``only_stale``
    keeps those whose cached arrears do not hold on ``as_of`` (the nightly roll of
    bills falling due). Call inside the transaction that wrote the ledger, with the
    consumers locked. ``materialize``: for most of the consumers at once (after a bulk
    import), the steps are computed on all cores. Returns the number of consumers refreshed.
    """
    where, params = [], [as_of]
    if consumer_ids is not None:
        ids = sorted(set(consumer_ids)) or [0]
        where.append(f"c.id IN ({', '.join(['%s'] * len(ids))})")
        params.extend(ids)
    if division_id is not None:
        where.append("c.division_id = %s")
        params.append(division_id)
    if in_table is not None:
        where.append(f"c.id IN (SELECT consumer_id FROM {in_table})")
    if only_stale:
        # Cached figures that do not hold on the day asked for (per division: consumer_division_from/_until).
        where.append("(c.arrears_from IS NULL OR c.arrears_from > %s OR c.arrears_until <= %s)")
        params.extend([as_of, as_of])
    scope = f"SELECT c.id, {_as_of_sql()} AS as_of FROM arrears_consumer c"
    if where:
        scope += " WHERE " + " AND ".join(where)
    update = _update_sql()
    steps = {}
    materialize = materialize and connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if materialize:
            # Each step a table of its own first: PostgreSQL runs a CREATE TABLE … AS on all
            # cores, where the one UPDATE statement would run on one. Unlogged scratch tables
            # (not temporary ones, which the other cores can't read), gone with the transaction.
            name = f"positions_{uuid.uuid4().hex[:12]}"
            cursor.execute(f"CREATE UNLOGGED TABLE {name}_totals AS {TOTALS_SQL.format(scope=f'({scope})')}",
                           params)
            cursor.execute(f"CREATE UNLOGGED TABLE {name}_oldest AS {OLDEST_SQL.format(totals=f'{name}_totals')}")
            steps = {"totals": f"SELECT * FROM {name}_totals", "oldest": f"SELECT * FROM {name}_oldest"}
        cursor.execute(positions_sql(scope, **steps) + update, params)
        count = cursor.rowcount
        if materialize:
            cursor.execute(f"DROP TABLE {name}_totals, {name}_oldest")
        if count < 0:  # Python's sqlite3 gives no count for a statement that starts with WITH
            cursor.execute("SELECT changes()")
            return cursor.fetchone()[0]
        return count


# The roll of cached figures forward, from the consumer's cached row and its ledger
# *tail* alone: the entries due on or after the day the cache was made for (P =
# arrears_from; a credit's due_on is its entry date, so the tail holds every credit
# dated after P too). With balance exact, for the day D asked for:
#   U(D) = Σdebit − Σcredit[dated ≤ D] − Σdebit[due ≥ D]
#        = balance − Σtail debit[due ≥ D] + Σtail credit[dated > D]     (arrears = max(0, U))
# and, T being the tail's debits due before D, the oldest unpaid due date is the
# first date x of T where Σ T[due ≤ x] > ΣT − U. When ΣT − U < 0 the oldest unpaid
# debit is older than the tail, R = U − ΣT of the debits due before P being unpaid:
# the cached date, unless a credit the cache did not count (dated in (P, D], or {new}:
# written since) paid some of R; then the debits due before P are walked back (older),
# the first x where Σ[due ≤ x] > Σ − R. Nightly (positions_roll) the tail is the
# entries due since the cache was made; after an import (positions_append), the
# import's entries too, when none of them is due before P (it changes no past).
# {rolling}: (id, balance with any new entries, oldest_due_date, arrears_from) of the
# consumers rolled; {new}: whether a tail entry (entry_id) was written since the cache;
# {tail_of_r} and {before_tail_of_o}: their ledger entries due from / before arrears_from
# (_ledger_rows, by index ledger_consumer_due_on).
ROLL_SQL = """
WITH rolling AS ({rolling}),
tail AS (
    SELECT l.consumer_id, l.id AS entry_id, l.debit, l.credit, l.due_on, l.entry_date, r.arrears_from,
           SUM(CASE WHEN l.due_on < {as_of} THEN l.debit ELSE 0 END)
               OVER (PARTITION BY l.consumer_id ORDER BY l.due_on) AS running,
           SUM(CASE WHEN l.due_on < {as_of} THEN l.debit ELSE 0 END)
               OVER (PARTITION BY l.consumer_id) AS due_in_tail,
           r.balance
               - SUM(CASE WHEN l.due_on >= {as_of} THEN l.debit ELSE 0 END) OVER (PARTITION BY l.consumer_id)
               + SUM(CASE WHEN l.entry_date > {as_of} THEN l.credit ELSE 0 END) OVER (PARTITION BY l.consumer_id)
               AS unpaid
    FROM rolling r {tail_of_r}
),
totals AS (
    SELECT consumer_id, MAX(unpaid) AS unpaid, MAX(due_in_tail) AS due_in_tail,
           MIN(CASE WHEN debit > 0 AND due_on < {as_of} AND ROUND(running - (due_in_tail - unpaid), 2) > 0
                    THEN due_on END) AS oldest_in_tail,
           MAX(CASE WHEN credit > 0 AND entry_date <= {as_of} AND (entry_date > arrears_from OR {new})
                    THEN 1 ELSE 0 END) AS paid_since,
           MIN(CASE WHEN debit > 0 AND due_on >= {as_of} THEN due_on END) AS next_due_on,
           MIN(CASE WHEN credit > 0 AND entry_date > {as_of} THEN entry_date END) AS next_credit_on
    FROM tail GROUP BY consumer_id
),
rolled AS (
    SELECT r.id AS consumer_id, r.arrears_from, ROUND(r.balance, 2) AS balance,
           ROUND(COALESCE(t.unpaid, r.balance), 2) AS unpaid,
           ROUND(COALESCE(t.due_in_tail, 0) - COALESCE(t.unpaid, r.balance), 2) AS paid_in_tail,
           COALESCE(t.paid_since, 0) AS paid_since, t.oldest_in_tail, r.oldest_due_date AS cached_oldest,
           t.next_due_on, t.next_credit_on
    FROM rolling r LEFT JOIN totals t ON t.consumer_id = r.id
),
older AS (
    SELECT consumer_id, MIN(CASE WHEN ROUND(running - (owed_before - unpaid_before), 2) > 0 THEN due_on END)
           AS oldest_due_date
    FROM (
        SELECT l.consumer_id, l.due_on, -o.paid_in_tail AS unpaid_before,
               SUM(l.debit) OVER (PARTITION BY l.consumer_id ORDER BY l.due_on) AS running,
               SUM(l.debit) OVER (PARTITION BY l.consumer_id) AS owed_before
        FROM rolled o {before_tail_of_o}
        WHERE o.unpaid > 0 AND o.paid_in_tail < 0 AND o.paid_since = 1 AND l.debit > 0
    ) before_tail
    GROUP BY consumer_id
),
p AS (
    SELECT r.consumer_id, r.balance, CASE WHEN r.unpaid > 0 THEN r.unpaid ELSE 0 END AS arrears,
           CASE WHEN r.unpaid <= 0 THEN NULL WHEN r.paid_in_tail >= 0 THEN r.oldest_in_tail
                WHEN r.paid_since = 1 THEN o.oldest_due_date ELSE r.cached_oldest END AS oldest_due_date,
           r.next_due_on, r.next_credit_on
    FROM rolled r LEFT JOIN older o ON o.consumer_id = r.consumer_id
)
SELECT * FROM p ORDER BY consumer_id
"""
# The rolled figures written, from a table of their own: with the planner's estimate of
# it right, the consumers' rows are updated in their order on disk, not the hash's.
ROLLED_UPDATE = """
UPDATE arrears_consumer AS c SET balance = p.balance, arrears = p.arrears, oldest_due_date = p.oldest_due_date,
       arrears_from = {as_of}, arrears_until = {until}
FROM {rolled} p WHERE c.id = p.consumer_id
"""


def _ledger_rows(consumer_id: str, arrears_from: str, due_on: str) -> str:
    """The join of each consumer (its ``consumer_id`` and ``arrears_from`` columns) to its
    ledger entries whose due_on is ``due_on`` arrears_from (">=": the tail; "<": before it), as ``l``.
    PostgreSQL: a LATERAL subquery (OFFSET 0 keeps it one), an index range scan of
    ledger_consumer_due_on per consumer. The planner can't know a tail holds a few of a
    consumer's rows and, left to choose, merges the whole 21M-row index with the consumers
    (25 s where the range scans take a fraction of one)."""
    condition = f"l.consumer_id = {consumer_id} AND l.due_on {due_on} {arrears_from}"
    if connection.vendor != "postgresql":
        return f"JOIN arrears_ledgerentry l ON {condition}"
    return (f"CROSS JOIN LATERAL (SELECT l.consumer_id, l.id, l.debit, l.credit, l.due_on, l.entry_date"
            f" FROM arrears_ledgerentry l WHERE {condition} OFFSET 0) l")


def _roll(cursor, *, as_of: date, rolling: str, params: list, new: str = "1 = 0") -> int:
    """Runs ROLL_SQL on the consumers of ``rolling`` (its parameters ``params``, then one
    ``as_of`` for each {as_of} in it) and writes what it finds; returns how many it rolled."""
    name = f"rolled_{uuid.uuid4().hex[:12]}"
    sql = ROLL_SQL.format(rolling=rolling, new=new, as_of="{as_of}",
                          tail_of_r=_ledger_rows("r.id", "r.arrears_from", ">="),
                          before_tail_of_o=_ledger_rows("o.consumer_id", "o.arrears_from", "<"))
    with _without_jit(cursor):
        # Each {as_of} is one parameter, in the order they appear after the rolling query's own.
        pieces = sql.split("{as_of}")
        cursor.execute(f"CREATE TEMP TABLE {name} AS {_as_of_sql().join(pieces)}",
                       params + [as_of] * (len(pieces) - 1))
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {name}")
        cursor.execute(ROLLED_UPDATE.format(rolled=name, as_of=_as_of_sql(), until=_UNTIL[connection.vendor]),
                       [as_of])
        rolled = cursor.rowcount
        # Scratch tables go with a failed statement's rollback, and here on success.
        cursor.execute(f"DROP TABLE {name}")
    return rolled


@contextmanager
def _without_jit(cursor):
    """PostgreSQL: no JIT compilation for the statements inside (in this transaction). Priced
    by the planner's row estimates, a roll of 66,000 consumers spent 6 s compiling a plan
    that then ran in a fraction of that."""
    if connection.vendor != "postgresql":
        yield
        return
    cursor.execute("SELECT current_setting('jit'), set_config('jit', 'off', true)")
    jit = cursor.fetchone()[0]
    yield
    cursor.execute("SELECT set_config('jit', %s, true)", [jit])  # not after an error: the rollback restores it


def positions_roll(*, as_of: date, division_id: int | None = None) -> int:
    """Rolls the cached figures of the consumers whose cache expired by ``as_of`` (bills
    fell due) forward to ``as_of``, reading only their ledger tails (ROLL_SQL), then
    recomputes from the whole ledger those whose cache was never made. Same result as
    ``positions_refresh(only_stale=True)``, the consumers locked as for it.
    Returns the number of consumers rolled or refreshed.
    """
    where, params = "1 = 1", []
    if division_id is not None:
        where, params = "c.division_id = %s", [division_id]
    rolling = ("SELECT c.id, c.balance, c.oldest_due_date, c.arrears_from FROM arrears_consumer c"
               f" WHERE {where} AND c.arrears_from <= {{as_of}} AND c.arrears_until <= {{as_of}}")
    with connection.cursor() as cursor:
        rolled = _roll(cursor, as_of=as_of, rolling=rolling, params=params)
    return rolled + positions_refresh(as_of=as_of, division_id=division_id, only_stale=True)


def positions_append(*, as_of: date, after_id: int) -> int:
    """After entries were added to the ledger (an import's, with ids above ``after_id``, all
    written under its lock): the cached figures of the consumers they belong to, as of
    ``as_of``. Each is rolled from its cached row, the sum of its new entries and its ledger
    tail (ROLL_SQL), without reading its whole ledger, when none of its new entries is due
    before the day its cache was made for (the daily file: today's bills and payments); the
    others (a late entry changes the past the cache summed up, or no cache yet) are
    recomputed from the whole ledger. Same result as ``positions_refresh`` of those
    consumers, locked as for it. Returns the number of consumers refreshed.
    """
    after_id = int(after_id)
    name = f"appended_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        # The new entries by the primary key's range, summed per consumer, beside its cached
        # row; whole = 1 where the roll can't take them (see above).
        cursor.execute(
            f"CREATE TEMP TABLE {name} AS"
            f" SELECT c.id, c.balance + a.added AS balance, c.oldest_due_date, c.arrears_from,"
            f"        CASE WHEN c.arrears_from <= {_as_of_sql()} AND a.first_due_on >= c.arrears_from"
            f"             THEN 0 ELSE 1 END AS whole"
            f" FROM (SELECT consumer_id, SUM(debit) - SUM(credit) AS added, MIN(due_on) AS first_due_on"
            f"       FROM arrears_ledgerentry WHERE id > {after_id} GROUP BY consumer_id) a"
            f" JOIN arrears_consumer c ON c.id = a.consumer_id", [as_of])
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {name}")  # a temporary table has no statistics until then
        cursor.execute(f"SELECT COUNT(*), COALESCE(SUM(whole), 0) FROM {name}")
        appended, whole = cursor.fetchone()
        rolled = refreshed = 0
        if appended > whole:
            rolled = _roll(cursor, as_of=as_of, new=f"entry_id > {after_id}", params=[],
                           rolling=f"SELECT id, balance, oldest_due_date, arrears_from FROM {name} WHERE whole = 0")
        if whole:
            cursor.execute(f"CREATE TEMP TABLE {name}_whole AS SELECT id AS consumer_id FROM {name} WHERE whole = 1")
            refreshed = positions_refresh(as_of=as_of, in_table=f"{name}_whole")
            cursor.execute(f"DROP TABLE {name}_whole")
        cursor.execute(f"DROP TABLE {name}")
    return rolled + refreshed


def _rupees(value) -> str:
    # SQLite hands sums back as floats; show every amount as rupees with 2 places.
    return f"{Decimal(str(value)):.2f}"


def positions_mismatches(*, limit: int = 100) -> tuple[int, int, list[dict]]:
    """Compares every consumer's cached figures with the ledger, as of the day the cache is for.

    Returns (consumers checked, mismatches, the first ``limit`` mismatches).
    """
    # One never computed (arrears_from NULL) as of India's today: CURRENT_DATE is UTC's date on the connection.
    scope = f"SELECT c.id, COALESCE(c.arrears_from, {_as_of_sql()}) AS as_of FROM arrears_consumer c"
    sql = positions_sql(scope) + """
    SELECT c.account_no, c.balance, p.balance, c.arrears, p.arrears, c.oldest_due_date, p.oldest_due_date
    FROM arrears_consumer c JOIN positions p ON p.consumer_id = c.id
    WHERE ROUND(c.balance - p.balance, 2) <> 0 OR ROUND(c.arrears - p.arrears, 2) <> 0
       OR COALESCE(c.oldest_due_date, '1900-01-01') <> COALESCE(p.oldest_due_date, '1900-01-01')
    ORDER BY c.account_no"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [india_today()])
        rows = cursor.fetchall()
    checked = Consumer.objects.count()
    details = [
        {"account_no": r[0], "cached_balance": _rupees(r[1]), "ledger_balance": _rupees(r[2]),
         "cached_arrears": _rupees(r[3]), "ledger_arrears": _rupees(r[4]),
         "cached_oldest_due_date": str(r[5] or ""), "ledger_oldest_due_date": str(r[6] or "")}
        for r in rows[:limit]
    ]
    return checked, len(rows), details


def positions_select_sql(*, where: str = "") -> str:
    """A SELECT of (consumer_id, as_of, balance, arrears, oldest_due_date) computed from the
    ledger, not the cache, for the consumers ``c`` of arrears_consumer matching ``where``.

    Its first parameter is the as-of date, then those of ``where``. Reads only; usable as a
    subquery, e.g. to build a defaulter list for a day the cached figures no longer cover.
    """
    scope = f"SELECT c.id, {_as_of_sql()} AS as_of FROM arrears_consumer c"
    if where:
        scope += f" WHERE {where}"
    return (positions_sql(scope)
            + "SELECT consumer_id, as_of, balance, arrears, oldest_due_date FROM positions")


_DAY_BOOK_FROM_LEDGER = """
    SELECT e.division_id, e.entry_date AS day, e.kind, COUNT(*) AS entries, SUM(e.amount) AS amount
    FROM arrears_ledgerentry e
    GROUP BY e.division_id, e.entry_date, e.kind
"""


def day_book_pause() -> None:
    """Before a load that writes the whole ledger at once (the first load into an empty ledger), in its
    transaction: the day book's insert trigger off, so the load is not slowed by it; day_book_rebuild
    after the load. On 21M rows the trigger's transition table cost the COPY 38 s (96 s to 135 s);
    the rebuild's grouped pass takes a fraction of that. PostgreSQL only, as the first load is; after
    an error the rollback turns the trigger back on."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE arrears_ledgerentry DISABLE TRIGGER ledger_day_book_insert")


def day_book_rebuild() -> None:
    """The day book recounted from the ledger in one grouped pass, and its insert trigger back on.

    The pass is a table of its own first (an unlogged scratch table, gone with the transaction, as in
    positions_refresh): PostgreSQL runs a CREATE TABLE … AS on all cores, an INSERT … SELECT on one
    (21M rows: 4.1 s against 9.7 s); the few thousand (division, day, kind) rows are then copied."""
    name = f"day_book_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE arrears_ledgerentry ENABLE TRIGGER ledger_day_book_insert")
        cursor.execute("DELETE FROM arrears_ledgerday")
        cursor.execute(f"CREATE UNLOGGED TABLE {name} AS {_DAY_BOOK_FROM_LEDGER}")
        cursor.execute(f"INSERT INTO arrears_ledgerday (division_id, day, kind, entries, amount)"
                       f" SELECT division_id, day, kind, entries, amount FROM {name}")
        cursor.execute(f"DROP TABLE {name}")


def ledger_days_mismatches() -> list[tuple]:
    """The day book (LedgerDay) recounted from the ledger, each entry in the division written on it (the
    consumer's when it was written, as the book's triggers count it): each (division, day, kind) whose
    entries or amount differ, as (division_id, day, kind, book entries, book amount, ledger
    entries, ledger amount); empty when the triggers kept it. A full scan: for checks."""
    with connection.cursor() as cursor:
        cursor.execute("""
            WITH ledger AS (
                SELECT e.division_id, e.entry_date AS day, e.kind, COUNT(*) AS entries, SUM(e.amount) AS amount
                FROM arrears_ledgerentry e
                GROUP BY e.division_id, e.entry_date, e.kind
            ), book AS (
                SELECT division_id, day, kind, entries, amount FROM arrears_ledgerday
                WHERE entries <> 0 OR amount <> 0
            )
            SELECT COALESCE(l.division_id, b.division_id), COALESCE(l.day, b.day), COALESCE(l.kind, b.kind),
                   b.entries, b.amount, l.entries, l.amount
            FROM ledger l FULL OUTER JOIN book b
              ON b.division_id = l.division_id AND b.day = l.day AND b.kind = l.kind
            WHERE l.entries IS DISTINCT FROM b.entries OR l.amount IS DISTINCT FROM b.amount
            ORDER BY 1, 2, 3
        """)
        return cursor.fetchall()


# --- Section 56(2): the time-barred part of the arrears ----------------------------------------------------

# Section 56(2): no sum is recoverable after two years from when it first fell due,
# unless shown continuously as arrears. The officer checks that part before demanding it.
TIME_BAR_YEARS = 2
CHUNK = 500  # consumers per query when figures are read for a whole drive


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _paise(value) -> Decimal:
    # SQLite hands sums back as floats.
    return Decimal(str(value or 0)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def time_barred_amounts(*, consumer_ids, on: date) -> dict[int, Decimal]:
    """time_barred_amount for many consumers in a few grouped queries (a drive's stops):
    consumer id → amount, for those with any. Index ledger_consumer_due_on."""
    cutoff = years_before(on, TIME_BAR_YEARS)
    zero = Value(Decimal("0"), output_field=DecimalField(**MONEY))
    amounts = {}
    ids = sorted(set(consumer_ids))
    for start in range(0, len(ids), CHUNK):
        # order_by(): the ledger's default ordering (consumer's account number) would join every consumer row.
        rows = (LedgerEntry.objects.filter(consumer_id__in=ids[start:start + CHUNK]).order_by()
                .values("consumer_id")
                .annotate(old=Sum(Case(When(due_on__lt=cutoff, then="debit"), default=zero)),
                          paid=Sum(Case(When(entry_date__lte=on, then="credit"), default=zero))))
        for row in rows:
            # Credits pay the oldest debits first (as arrears.ledger does): what they leave
            # unpaid of the debits due before the cutoff is the time-barred part. It can't
            # pass the arrears, which count those debits and every later one.
            unpaid = _paise(row["old"]) - _paise(row["paid"])
            if unpaid > 0:
                amounts[row["consumer_id"]] = unpaid
    return amounts


def time_barred_amount(*, consumer: Consumer, on: date) -> Decimal:
    """Section 56(2): the part of the consumer's arrears on ``on`` first due more than two
    years before ``on``, credits applied to the oldest debits first."""
    return time_barred_amounts(consumer_ids=[consumer.pk], on=on).get(consumer.pk, Decimal("0.00"))


# --- A consumer's position on a past day ----------------------------------------------------------------------

def positions_on(*, consumer_ids, on: date) -> dict[int, tuple[Decimal, Decimal]]:
    """Consumer id → (balance, arrears) as the ledger stood on ``on``, read from the ledger, not the cache
    (which holds today's): balance = debits − credits dated on or before ``on``; arrears = max(0, debits due
    before ``on`` − credits dated on or before it). A consumer with no entries is left out (owes nothing).
    A notice's demand is bounded by them on its day of service. Index ledger_consumer_due_on."""
    zero = Value(Decimal("0"), output_field=DecimalField(**MONEY))
    positions = {}
    ids = sorted(set(consumer_ids))
    for start in range(0, len(ids), CHUNK):
        rows = (LedgerEntry.objects.filter(consumer_id__in=ids[start:start + CHUNK]).order_by()
                .values("consumer_id")
                .annotate(debited=Sum(Case(When(entry_date__lte=on, then="debit"), default=zero)),
                          due=Sum(Case(When(due_on__lt=on, then="debit"), default=zero)),
                          paid=Sum(Case(When(entry_date__lte=on, then="credit"), default=zero))))
        for row in rows:
            paid = _paise(row["paid"])
            positions[row["consumer_id"]] = (_paise(row["debited"]) - paid, max(Decimal("0.00"),
                                                                                _paise(row["due"]) - paid))
    return positions

