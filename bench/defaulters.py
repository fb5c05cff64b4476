"""Part "defaulters": the nightly defaulter lists of every division, beside one
hand-written SQL aggregate over the whole ledger that finds the same consumers.

The build runs in a child process with Django set up (``python -m bench.defaulters
measure``), timed around the service call alone, one division after another as
``manage.py build_defaulter_lists`` does (the Celery fan-out runs them in parallel).
Three builds on the imported data: a night with nothing to roll, a rebuild of the
same day (replacing the lists), and a night when a thirtieth of the consumers' cached
arrears expire (a day's bills falling due: they are recomputed from the ledger).

Run alone on a database that already holds the data set:
``python -m bench.defaulters --database kesco_bench`` (add ``--docs`` to record it).
"""

import argparse
import json
import os
import sys
import time

from bench.common import DEFAULT_SERVER, Context, Figure, run_timed

TARGET_SECONDS = 3.0
TARGET_RATIO = 0.25
STALE_EVERY = 30  # one consumer in 30: about one day's share of a monthly billing cycle
WORKERS = os.cpu_count() or 2  # a Celery worker's default concurrency

# Straight from the rule of DESIGN.md over every ledger row, without the cache:
# arrears on D = Σ debits due before D − Σ credits dated on or before D.
AGGREGATE_SQL = """
SELECT COUNT(*), COALESCE(SUM(arrears), 0) FROM (
    SELECT l.consumer_id,
           SUM(CASE WHEN l.due_on < %(as_of)s THEN l.debit ELSE 0 END)
         - SUM(CASE WHEN l.entry_date <= %(as_of)s THEN l.credit ELSE 0 END) AS arrears
    FROM arrears_ledgerentry l
    GROUP BY l.consumer_id
) per_consumer
WHERE arrears > %(threshold)s
"""


def _build_one(division_id: int, as_of: str) -> int:
    """In a worker process: one division's build, as the nightly task's per-division task runs it."""
    from datetime import date

    from defaulters.services import defaulter_list_build_division

    return defaulter_list_build_division(division_id=division_id, as_of=date.fromisoformat(as_of),
                                         trigger="beat").pk


def _measure(stale_every: int, workers: int = 1) -> dict:
    """In the child: one full build of every division's list, timed around the service;
    with ``workers`` > 1, the divisions shared out among that many processes, as the nightly
    task's Celery group is among a worker's processes (one per core by default)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesco.settings")
    django.setup()
    from django.conf import settings
    from django.db import connection

    from core.dates import india_today
    from defaulters.services import defaulter_lists_build

    as_of = india_today()
    rolled = 0
    if stale_every:
        # Expire the cached window of every n-th consumer, as a day's bills falling due would.
        with connection.cursor() as cursor:
            # A hash of the account spreads them over every division (ids are dealt out in turn).
            cursor.execute("UPDATE arrears_consumer SET arrears_until = %s WHERE abs(hashtext(account_no)) %% %s = 0",
                           [as_of, stale_every])
            rolled = cursor.rowcount
        # What expires overnight is a date, not a write: by 01:00 the day's writes are on disk
        # and vacuumed. Leave the marks in that state, so the build is not timed paying for
        # this UPDATE's dirty pages and dead row versions.
        with connection.cursor() as cursor:  # Django's connection commits each statement here
            cursor.execute("VACUUM arrears_consumer")
            cursor.execute("CHECKPOINT")
    if workers > 1:
        import multiprocessing

        from defaulters.models import DefaulterRun
        from defaulters.services import defaulter_divisions

        divisions = list(defaulter_divisions().values_list("pk", flat=True))
        connection.close()  # each process opens its own
        started = time.perf_counter()
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            run_ids = pool.starmap(_build_one, [(d, as_of.isoformat()) for d in divisions], chunksize=1)
        seconds = time.perf_counter() - started
        runs = list(DefaulterRun.objects.filter(pk__in=run_ids).select_related("division"))
    else:
        started = time.perf_counter()
        runs = defaulter_lists_build(as_of=as_of, trigger="command")
        seconds = time.perf_counter() - started
    failed = [r.division.code for r in runs if r.status != "done"]
    if failed:
        raise SystemExit(f"the build failed for {failed}")
    return {"seconds": seconds, "as_of": as_of.isoformat(), "threshold": str(settings.DEFAULTER_THRESHOLD),
            "divisions": len(runs), "count": sum(r.consumer_count for r in runs),
            "total": str(sum(r.total_arrears for r in runs)), "rolled": rolled,
            "slowest": max((r.duration.total_seconds(), r.division.code) for r in runs)}


def _build(ctx: Context, *, stale_every: int = 0, workers: int = 1) -> dict:
    timed = run_timed([sys.executable, "-m", "bench.defaulters", "measure", "--stale-every", str(stale_every),
                       "--workers", str(workers)], env=ctx.env())
    return json.loads(timed.stdout.strip().splitlines()[-1])


def _aggregate(ctx: Context, *, as_of: str, threshold: str) -> tuple[float, int, str]:
    conn = ctx.connect()
    try:
        with conn.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(AGGREGATE_SQL, {"as_of": as_of, "threshold": threshold})
            count, total = cursor.fetchone()
            seconds = time.perf_counter() - started
    finally:
        conn.close()
    return seconds, count, f"{total:.2f}"


def run(ctx: Context) -> list[Figure]:
    conn = ctx.connect()
    conn.autocommit = True
    with conn.cursor() as cursor:
        # By 01:00 autovacuum has been through the tables after the day's import and
        # payments; the bench comes right after the import (or an earlier run of itself).
        cursor.execute("VACUUM (ANALYZE) arrears_consumer")
        cursor.execute("VACUUM (ANALYZE) arrears_ledgerentry")
    conn.close()
    fresh = _build(ctx)
    print(f"  nightly build, nothing to roll: {fresh['seconds']:.2f} s "
          f"({fresh['count']} defaulters, ₹{fresh['total']}; slowest division {fresh['slowest']})", flush=True)
    rebuilt = _build(ctx)
    print(f"  rebuild of the same day: {rebuilt['seconds']:.2f} s", flush=True)
    rolled = _build(ctx, stale_every=STALE_EVERY)
    print(f"  nightly build, {rolled['rolled']} consumers rolled: {rolled['seconds']:.2f} s", flush=True)
    fanned = _build(ctx, stale_every=STALE_EVERY, workers=WORKERS)
    print(f"  the same on {WORKERS} processes: {fanned['seconds']:.2f} s", flush=True)
    aggregate_seconds, count, total = _aggregate(ctx, as_of=fresh["as_of"], threshold=fresh["threshold"])
    print(f"  hand-written aggregate over the ledger: {aggregate_seconds:.2f} s ({count} consumers, ₹{total})",
          flush=True)
    same = (count, total) == (fresh["count"], fresh["total"]) == (rolled["count"], rolled["total"]) == (
        fanned["count"], fanned["total"])

    def vs_aggregate(seconds: float) -> tuple[float, bool]:
        ratio = seconds / aggregate_seconds
        return ratio, seconds <= TARGET_SECONDS and ratio <= TARGET_RATIO

    figures = []
    for label, result in [("nothing to roll", fresh),
                          ("rebuild of the same day (replaces the lists)", rebuilt),
                          (f"1 consumer in {STALE_EVERY} rolled ({rolled['rolled']:,}), one division after"
                           f" another in one process (the command)", rolled),
                          (f"1 consumer in {STALE_EVERY} rolled, divisions on {WORKERS} processes as the nightly"
                           f" task's group runs on a worker (one process per core)", fanned)]:
        ratio, ok = vs_aggregate(result["seconds"])
        figures.append(Figure(
            name=f"nightly defaulter lists, all {result['divisions']} divisions: {label}",
            measured=f"{result['seconds']:.2f} s ({ratio:.2f}× the aggregate)",
            baseline=f"hand-written aggregate over the ledger: {aggregate_seconds:.2f} s",
            target=f"≤ {TARGET_SECONDS:g} s and ≤ {TARGET_RATIO}×", ok=ok))
    figures.append(Figure(
        name="defaulters found (arrears above the threshold today)",
        measured=f"{fresh['count']:,} consumers, ₹{fresh['total']}",
        baseline=f"aggregate: {count:,} consumers, ₹{total}", target="the same set", ok=same))
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="the defaulter-lists part of the benchmark, alone")
    sub = parser.add_subparsers(dest="mode")
    measure = sub.add_parser("measure", help="(child) build every list once and print the timing as JSON")
    measure.add_argument("--stale-every", type=int, default=0)
    measure.add_argument("--workers", type=int, default=1)
    parser.add_argument("--server", default=os.environ.get("BENCH_SERVER", DEFAULT_SERVER))
    parser.add_argument("--database", default="kesco_bench")
    parser.add_argument("--docs", action="store_true", help="record the figures in docs/BENCHMARKS.md")
    args = parser.parse_args(argv)
    if args.mode == "measure":
        print(json.dumps(_measure(args.stale_every, args.workers)))
        return 0

    from bench import run as runner

    ctx = Context(size="full", data=None, server=args.server, database=args.database)
    figures = run(ctx)
    body = runner.table(figures)
    print(body)
    if args.docs:
        import datetime
        import subprocess

        when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                                cwd=runner.PROJECT).stdout.strip()
        runner.docs_write("defaulters", HEADING, f"Run {when} at commit {commit} on database {args.database}"
                                                 f" (data set after the imports part).\n"
                                                 f"Machine: {runner.machine(ctx)}.\n\n{body}\n\n{NOTES}\n")
    return 0


HEADING = "Nightly defaulter lists: all divisions, beside a hand-written aggregate over the ledger"
NOTES = """One division after another in one process (the command), and the same divisions
shared among a Celery worker's processes (one per core), as the nightly task's group
runs. When nothing rolls, each division costs one index range scan
(consumer_division_stale: the consumers whose cached window has ended) and one ranked
INSERT … SELECT over consumer_division_arrears. When consumers roll, each is rolled
forward from its cached row and its ledger tail (arrears/ledger.py ROLL_SQL): most of
the time is rewriting those consumer rows and their index entries."""

if __name__ == "__main__":
    sys.exit(main())
