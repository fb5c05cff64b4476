"""Part "daily": the import users run every day, into the loaded ledger.

After the full load (part "imports"), one day's billing file (bench.data.day_file: a
bill for every 30th consumer and a payment from every 29th, dated the day the loaded
figures are for; about 68,000 rows at full size) goes through ``manage.py
import_ledger`` as a user's file does: the staging path, not the first load. Timed as
a child process beside a plain COPY of the same file into an unindexed table, in the
same run. Then ``manage.py check_positions`` proves that every cached balance and
arrears still equals the ledger.

Run alone on a database that holds the loaded data set and not yet this day's file:
``python -m bench.daily --database kesco_bench_copy`` (a copy: the import changes it).
"""

import argparse
import datetime
import os
import sys

from bench.common import DEFAULT_SERVER, Context, Figure, import_steps, manage
from bench.data import SIZES, data_set, day_file
from bench.imports import copy_baseline, imported_counts

HEADING = "Daily import: one day's bills and payments into the loaded ledger"
TARGET_SECONDS = 10.0


def _loaded_day(ctx: Context) -> datetime.date:
    """The day the loaded consumers' cached figures are for (the import made them for its today)."""
    conn = ctx.connect()
    with conn, conn.cursor() as cursor:
        cursor.execute("SELECT MAX(arrears_from), EXISTS (SELECT 1 FROM arrears_ledgerentry) FROM arrears_consumer")
        day, loaded = cursor.fetchone()
    conn.close()
    if not loaded or day is None:
        raise RuntimeError('the daily import needs the loaded ledger: run it with the "imports" part')
    return day


def run(ctx: Context, *, day: datetime.date | None = None) -> list[Figure]:
    """``day``: the day of the file (default: the day the loaded figures are for); another day's file has
    references of its own, so a second run (bench.partitioned, on the partitioned ledger) imports new rows."""
    conn = ctx.connect()
    conn.autocommit = True
    with conn.cursor() as cursor:
        # A day's import finds the tables as autovacuum left them after the night, not
        # holding the dead row versions of the load's refresh of every consumer.
        cursor.execute("VACUUM (ANALYZE) arrears_consumer")
        cursor.execute("VACUUM (ANALYZE) arrears_ledgerentry")
    conn.close()
    before = imported_counts(ctx)
    day = day_file(ctx.data, day or _loaded_day(ctx))
    copy_seconds = copy_baseline(ctx, day.path)
    print(f"  plain COPY of {day.path.name}: {copy_seconds:.3f} s", flush=True)

    timed = manage(ctx, "import_ledger", str(day.path), "-v", "0")
    steps = import_steps(timed)
    print(f"  import_ledger {day.path.name}: {timed.seconds:.2f} s, {timed.peak_rss_mb:.0f} MB", flush=True)
    for step in steps:
        print("    " + step, flush=True)

    after = imported_counts(ctx)
    expected = dict(before, ledger_rows=before["ledger_rows"] + day.rows,
                    debit_paise=before["debit_paise"] + day.debit_paise,
                    balance_paise=before["balance_paise"] + day.debit_paise - day.credit_paise)
    if after != expected:
        raise RuntimeError(f"after the daily import {after}, expected {expected}")

    try:
        check = manage(ctx, "check_positions").stdout.strip()
        equal = True
    except RuntimeError as exc:  # the command exits 1 and names the consumers that differ
        check, equal = str(exc).strip().splitlines()[-1], False
    print(f"  check_positions: {check}", flush=True)

    rate = day.rows / timed.seconds
    return [
        Figure("day's file", f"{day.rows:,} rows ({day.bills:,} bills: every 30th consumer; {day.payments:,}"
               f" payments: every 29th) dated {day.day}, into a ledger of {before['ledger_rows']:,} rows"),
        Figure("daily import_ledger (the command, start to end)",
               f"{timed.seconds:.1f} s, {rate:,.0f} rows/s ({timed.seconds / copy_seconds:,.0f}× the COPY),"
               f" {timed.peak_rss_mb:.0f} MB",
               f"plain COPY of the file into an unindexed table: {copy_seconds:.2f} s,"
               f" {day.rows / copy_seconds:,.0f} rows/s",
               f"≤ {TARGET_SECONDS:.0f} s", timed.seconds <= TARGET_SECONDS),
        Figure("its steps (the import's log)", "; ".join(steps)),
        Figure("cached figures after it (check_positions)", check, "", "0 mismatches", equal),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="the daily-import part of the benchmark, alone (no docs)")
    parser.add_argument("--size", choices=sorted(SIZES), default="full")
    parser.add_argument("--server", default=os.environ.get("BENCH_SERVER", DEFAULT_SERVER))
    parser.add_argument("--database", required=True, help="holds the loaded data set; the import changes it")
    args = parser.parse_args(argv)

    from bench import run as runner

    ctx = Context(size=args.size, data=data_set(args.size), server=args.server, database=args.database)
    print(runner.table(run(ctx)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
