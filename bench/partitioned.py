"""Part "partitioned" (opt-in: it rewrites the ledger): the nightly lists and the daily import on a natively
partitioned ledger (arrears.partitioning), beside the same figures on the plain ledger measured first, in the
same run, on the same database.

On a database the "imports" part loaded, in this order:

1. the plain ledger: DAILY_REPEAT days' files through the daily import (bench.daily, with its checks: the
   rows it adds, check_positions after each); then the nightly lists with 1 consumer in 30 rolled, in one
   process (the command) and on a worker's processes (the task path), REPEAT times each (bench.defaulters'
   measure; medians); the hand-written aggregate over the ledger;
2. ``manage.py ledger_partition --partitions N --scheme S``, timed as a child process (the conversion);
3. the partitioned ledger: the same nightly lists and aggregate, then the next days' files.

Checks: the lists find the same consumers and total on both ledgers, and the aggregate finds them too;
after each daily import every cached position equals the ledger (check_positions, in bench.daily).

Run it after the imports, on a database of its own (it is left partitioned):
``python -m bench.run --size full --parts imports,partitioned --database kesco_part_full``, or alone on a
database the imports part loaded (a copy: CREATE DATABASE x TEMPLATE kesco_bench):
``python -m bench.partitioned --database x [--size full] [--partitions 8] [--scheme hash] [--docs]``.
On a busy machine give it a second copy left plain, ``--baseline-database y``: the plain figures are then
measured there, alternating with the partitioned ones, and both ledgers import the same day's file.
"""

import argparse
import datetime
import os
import re
import statistics
import sys

from bench import daily, defaulters
from bench.common import DEFAULT_SERVER, Context, Figure, manage, part_alone
from bench.data import SIZES, data_set

HEADING = "Partitioned ledger: the nightly lists and the daily import, plain beside partitioned"
PARTITIONS = 8
SCHEME = "hash"
REPEAT = 3
DAILY_REPEAT = 2


def _vacuum(ctx: Context) -> None:
    conn = ctx.connect()
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) arrears_consumer")
        cursor.execute("VACUUM (ANALYZE) arrears_ledgerentry")
    conn.close()


def _ledger_size(ctx: Context) -> tuple[int, int]:
    """(bytes of the ledger with its indexes, and of the re-import key's table if there is one; partitions)."""
    conn = ctx.connect()
    with conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0), COUNT(*) FILTER (WHERE c.relispartition)"
            " FROM pg_class c WHERE c.relkind = 'r' AND (c.oid = to_regclass('arrears_ledgerentry')"
            " OR c.oid = to_regclass('arrears_ledgerkey') OR c.oid IN (SELECT inhrelid FROM pg_inherits"
            " WHERE inhparent = 'arrears_ledgerentry'::regclass))")
        size, partitions = cursor.fetchone()
    conn.close()
    return int(size), partitions


def _nightly(ctxs: list[Context], labels: list[str]) -> list[dict]:
    """The nightly lists on each ledger: REPEAT rolled builds in one process, then REPEAT on WORKERS processes
    (medians), then the hand-written aggregate; with two ledgers, their builds alternate, so a busy spell of the
    machine falls on both."""
    for ctx in ctxs:
        _vacuum(ctx)
    one = {ctx.database: [] for ctx in ctxs}
    pool = {ctx.database: [] for ctx in ctxs}
    for _ in range(REPEAT):
        for ctx in ctxs:
            one[ctx.database].append(defaulters._build(ctx, stale_every=defaulters.STALE_EVERY))
    for _ in range(REPEAT):
        for ctx in ctxs:
            pool[ctx.database].append(defaulters._build(ctx, stale_every=defaulters.STALE_EVERY,
                                                        workers=defaulters.WORKERS))
    results = []
    for ctx, label in zip(ctxs, labels, strict=True):
        first = one[ctx.database][0]
        seconds, count, total = defaulters._aggregate(ctx, as_of=first["as_of"], threshold=first["threshold"])
        builds = one[ctx.database] + pool[ctx.database]
        result = {"one": [r["seconds"] for r in one[ctx.database]], "pool": [r["seconds"] for r in pool[ctx.database]],
                  "aggregate": seconds, "found": {(r["count"], r["total"]) for r in builds},
                  "aggregate_found": (count, total), "rolled": first["rolled"]}
        print(f"  {label}: nightly lists, {result['rolled']:,} rolled: one process {_runs(result['one'])};"
              f" {defaulters.WORKERS} processes {_runs(result['pool'])}; aggregate {seconds:.2f} s;"
              f" found {sorted(result['found'])}", flush=True)
        results.append(result)
    return results


def _size(size: int) -> str:
    return f"{size / 2**30:.1f} GB" if size >= 2**30 else f"{size / 2**20:.0f} MB"


def _runs(samples: list[float]) -> str:
    return f"median {statistics.median(samples):.2f} s (runs {', '.join(f'{s:.2f}' for s in samples)})"


def _next_day(ctxs: list[Context]) -> datetime.date:
    """The first day whose file is new to every one of these ledgers: the day the loaded figures are for, or
    the day after the last day's file an earlier run imported."""
    days = []
    for ctx in ctxs:
        conn = ctx.connect()
        with conn, conn.cursor() as cursor:
            cursor.execute("SELECT MAX(entry_date) FROM arrears_ledgerentry")
            last = cursor.fetchone()[0]
        conn.close()
        days.append(max(daily._loaded_day(ctx), last + datetime.timedelta(days=1)))
    return max(days)


def _imports(ctxs: list[Context], labels: list[str]) -> list[dict]:
    """DAILY_REPEAT days' files into each ledger (bench.daily: timed, counted, check_positions after each); with
    two ledgers they alternate, each day's file into both."""
    day = _next_day(ctxs)
    runs = {ctx.database: [] for ctx in ctxs}
    for _ in range(DAILY_REPEAT):
        for ctx in ctxs:
            runs[ctx.database].append({figure.name: figure for figure in daily.run(ctx, day=day)})
        day += datetime.timedelta(days=1)
    results = []
    for ctx, label in zip(ctxs, labels, strict=True):
        figures = runs[ctx.database]
        seconds = [float(f[_IMPORT].measured.split(" s,")[0]) for f in figures]
        results.append({"seconds": seconds, "days": [f["day's file"].measured.split(" dated ")[1].split(",")[0]
                                                      for f in figures],
                        "steps": figures[-1][_STEPS].measured, "checks": [f[_CHECK].measured for f in figures],
                        "ok": all(f[_CHECK].ok for f in figures)})
        print(f"  {label}: daily imports {_runs(seconds)}", flush=True)
    return results


def _partitioned(ctx: Context) -> str | None:
    """How the ledger is partitioned ("HASH (consumer_id)"), or None."""
    conn = ctx.connect()
    with conn, conn.cursor() as cursor:
        cursor.execute("SELECT pg_get_partkeydef('arrears_ledgerentry'::regclass)")
        key = cursor.fetchone()[0]
    conn.close()
    return key


def _convert(ctx: Context, *, partitions: int, scheme: str) -> list[Figure]:
    """manage.py ledger_partition, timed: its figures."""
    conversion = manage(ctx, "ledger_partition", "--partitions", str(partitions), "--scheme", scheme, "-v", "2")
    lines = [line.strip() for line in conversion.stdout.splitlines() if line.startswith("  ")]
    steps = [line for line in lines if re.search(r": [0-9.]+ s$", line)]
    keys = [line for line in lines if "constraint trigger" in line or ": foreign key" in line]
    print(f"  ledger_partition: {conversion.seconds:.1f} s\n    " + "\n    ".join(lines), flush=True)
    return [
        Figure(f"conversion (manage.py ledger_partition --partitions {partitions} --scheme {scheme})",
               f"{conversion.seconds:.1f} s, the ledger locked: " + "; ".join(steps)),
        Figure("keys into the ledger (payments, drives, settlements) became",
               "; ".join(f"{line.split(': ')[0]}: {line.split(': ')[1].split(' (')[0].rsplit(' ', 1)[0]}"
                         for line in keys)),
    ]


_IMPORT = "daily import_ledger (the command, start to end)"
_STEPS = "its steps (the import's log)"
_CHECK = "cached figures after it (check_positions)"


def run(ctx: Context, *, partitions: int = PARTITIONS, scheme: str = SCHEME,
        baseline: Context | None = None) -> list[Figure]:
    """``baseline``: another database loaded the same way, left plain: the plain figures are measured there,
    alternating with the partitioned ones, each day's file imported into both. Without it the plain figures
    come first on ``ctx``, before its ledger is converted. A ``ctx`` partitioned by an earlier run (with a
    baseline) is measured again without converting it."""
    if ctx.data is None:
        raise RuntimeError("the partitioned part needs the data set (the daily files are made from it)")
    plain_size, _ = _ledger_size(baseline or ctx)
    parted_label = "partitioned ledger"
    converted: list[Figure] = []
    if baseline is None:
        if _partitioned(ctx):
            raise RuntimeError(f"{ctx.database}'s ledger is partitioned already: name a plain baseline database")
        [plain_days] = _imports([ctx], ["plain ledger"])
        [plain] = _nightly([ctx], ["plain ledger"])
        converted = _convert(ctx, partitions=partitions, scheme=scheme)
        [parted] = _nightly([ctx], [parted_label])
        [parted_days] = _imports([ctx], [parted_label])
    else:
        if _partitioned(ctx):
            converted = [Figure("conversion", "not converted again: partitioned by an earlier run")]
        else:
            converted = _convert(ctx, partitions=partitions, scheme=scheme)
        labels = [f"plain ledger ({baseline.database})", parted_label]
        plain_days, parted_days = _imports([baseline, ctx], labels)
        plain, parted = _nightly([baseline, ctx], labels)
    parted_size, parts = _ledger_size(ctx)

    def versus(name: str, key: str) -> Figure:
        ratio = statistics.median(parted[key]) / statistics.median(plain[key])
        return Figure(name, f"{_runs(parted[key])}, {ratio:.2f}× the plain ledger",
                      f"plain ledger: {_runs(plain[key])}")

    same = len(plain["found"] | parted["found"]) == 1 and plain["found"] == {plain["aggregate_found"]} == {
        parted["aggregate_found"]}
    daily_ratio = statistics.median(parted_days["seconds"]) / statistics.median(plain_days["seconds"])
    return [
        Figure("ledger", f"{_partitioned(ctx)}, {parts} partitions: {_size(parted_size)} with its indexes and the"
                         f" key table; plain: {_size(plain_size)}"),
        *converted,
        versus(f"nightly lists, 1 consumer in {defaulters.STALE_EVERY} rolled ({plain['rolled']:,}),"
               f" one process (the command)", "one"),
        versus(f"nightly lists, the same on {defaulters.WORKERS} processes (the task path)", "pool"),
        Figure("hand-written aggregate over the ledger (parallel query as configured)",
               f"{parted['aggregate']:.2f} s ({parted['aggregate'] / plain['aggregate']:.2f}× the plain ledger)",
               f"plain ledger: {plain['aggregate']:.2f} s"),
        Figure("defaulters found, plain and partitioned (every build) and by the aggregate",
               f"{sorted(parted['found'])}", f"plain: {sorted(plain['found'])}; aggregate"
               f" {parted['aggregate_found']}", "the same set", same, check=True),
        Figure(f"daily import_ledger (the command), days {', '.join(parted_days['days'])} into the partitioned ledger",
               f"{_runs(parted_days['seconds'])}, {daily_ratio:.2f}× the plain ledger",
               f"days {', '.join(plain_days['days'])} into the plain ledger: {_runs(plain_days['seconds'])}"),
        Figure("its steps, the last day, partitioned", parted_days["steps"], f"plain: {plain_days['steps']}"),
        Figure("cached figures after each daily import (check_positions)", "; ".join(parted_days["checks"]),
               f"plain: {'; '.join(plain_days['checks'])}", "0 mismatches", parted_days["ok"] and plain_days["ok"],
               check=True),
    ]


NOTES = """With a baseline database (a second copy of the loaded data, left plain) the plain and partitioned
builds alternate and both ledgers import the same day's file; without one the plain figures are measured
first on the same database, then the ledger is converted and measured again, and the two daily imports are
two days' files of the same shape (a bill from every 30th consumer, a payment from every 29th). The machine
has 2 cores shared with other work: compare the two columns of one run, not runs with each other."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="the partitioned-ledger part of the benchmark, alone")
    parser.add_argument("--size", choices=sorted(SIZES), default="full")
    parser.add_argument("--server", default=os.environ.get("BENCH_SERVER", DEFAULT_SERVER))
    parser.add_argument("--database", required=True, help="holds the loaded data set; its ledger is converted")
    parser.add_argument("--baseline-database", default=None,
                        help="a second copy of the loaded data set, left plain: measured alternately with --database")
    parser.add_argument("--partitions", type=int, default=PARTITIONS)
    parser.add_argument("--scheme", choices=("hash", "range"), default=SCHEME)
    parser.add_argument("--docs", action="store_true", help="record the figures in docs/BENCHMARKS.md")
    args = parser.parse_args(argv)
    data = data_set(args.size)
    ctx = Context(size=args.size, data=data, server=args.server, database=args.database)
    baseline = args.baseline_database and Context(size=args.size, data=data, server=args.server,
                                                  database=args.baseline_database)
    loaded = "data set after the imports part" + (f"; plain baseline on {baseline.database}" if baseline else "")
    return part_alone(ctx, "partitioned", HEADING,
                      lambda c: run(c, partitions=args.partitions, scheme=args.scheme, baseline=baseline or None),
                      docs=args.docs, loaded=loaded, notes=NOTES)


if __name__ == "__main__":
    sys.exit(main())
