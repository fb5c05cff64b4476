"""`make bench`: python -m bench.run --size full|small.

Generates (or reuses) the data set, recreates the benchmark database, then runs
every part in PARTS in order on it; each part returns its figures, printed as a
table and written to docs/BENCHMARKS.md under the part's own heading. Later
parts run on the database the earlier ones loaded ("imports" loads the data set).

To add a part: a module with ``run(ctx) -> list[Figure]`` and a line in PARTS.

OPT_IN parts run only when --parts names them (after the default ones, in their own order): "partitioned"
converts the ledger into a partitioned table, so it runs last, on a database of its own:
``python -m bench.run --size full --parts imports,partitioned --database kesco_part_full``.
"""

import argparse
import datetime
import os
import platform
import re
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench import (
    daily,
    defaulters,
    drives,
    growth,
    imports,
    pages,
    partitioned,
    payments,
    recovery,
    reports,
    settlements,
)
from bench.common import DEFAULT_SERVER, PROJECT, Context, Figure, database_recreate, failures
from bench.data import SIZES, data_set

# (key, heading in docs/BENCHMARKS.md, run): run in this order on one database.
PARTS: list[tuple[str, str, Callable[[Context], list[Figure]]]] = [
    ("imports", "Imports: the data set's consumers and ledger (1M and 21M rows at full size)", imports.run),
    ("defaulters", defaulters.HEADING, defaulters.run),
    ("daily", daily.HEADING, daily.run),
    ("drives", drives.HEADING, drives.run),
    ("reports", reports.HEADING, reports.run),
    ("pages", pages.HEADING, pages.run),
    ("payments", payments.HEADING, payments.run),
    ("recovery", recovery.HEADING, recovery.run),
    ("settlements", settlements.HEADING, settlements.run),
]
# Not in `make bench`: named in --parts only (see above).
OPT_IN: list[tuple[str, str, Callable[[Context], list[Figure]]]] = [
    ("partitioned", partitioned.HEADING, partitioned.run),
]

DOCS = PROJECT / "docs" / "BENCHMARKS.md"
DOCS_3M = PROJECT / "docs" / "BENCHMARKS-3M.md"
DOCS_INTRO = """# Benchmarks

Written by `make bench` (`python -m bench.run --size full`), which generates the
data set of DESIGN.md "Scale and speed" into ./bench-data/, loads it into a
database of its own on PostgreSQL and measures each figure beside its
baseline, measured in the same run. Each section is replaced by its own part
of the benchmark; the figures are from the run named in it.
"""


def machine(ctx: Context) -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    ram_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    conn = ctx.connect()
    with conn, conn.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        cursor.execute("SELECT current_setting('shared_buffers'), current_setting('work_mem'),"
                       " current_setting('max_wal_size')")
        shared_buffers, work_mem, max_wal = cursor.fetchone()
    conn.close()
    return (f"{os.cpu_count()} cores ({cpu}), {ram_kb / 1024 / 1024:.0f} GB RAM, PostgreSQL {version}"
            f" (shared_buffers {shared_buffers}, work_mem {work_mem}, max_wal_size {max_wal}),"
            f" Python {platform.python_version()}")


def docs_path(size: str) -> Path | None:
    """Where a run of this size writes its tables: the full size in BENCHMARKS.md, 3M beside it; small nowhere."""
    return {"full": DOCS, "3m": DOCS_3M}.get(size)


def database_bytes(ctx: Context) -> int:
    conn = ctx.connect()
    with conn, conn.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        size = cursor.fetchone()[0]
    conn.close()
    return size


def table(figures: list[Figure]) -> str:
    def verdict(figure: Figure) -> str:
        if figure.failed:
            return " ✗ (FAILED)"
        return {True: " ✓", False: " ✗ (missed)", None: ""}[figure.ok]

    rows = ["| figure | measured | baseline | target |", "|---|---|---|---|"]
    rows += [f"| {f.name} | {f.measured} | {f.baseline} | {f.target}{verdict(f)} |" for f in figures]
    return "\n".join(rows)


def section(key: str, heading: str, body: str) -> str:
    return f"<!-- bench:{key} -->\n## {heading}\n\n{body.strip()}\n<!-- /bench:{key} -->\n"


def docs_write(key: str, heading: str, body: str, path: Path = DOCS) -> None:
    """Replaces this part's section of docs/BENCHMARKS.md (or appends it), leaving the others alone."""
    text = path.read_text() if path.exists() else DOCS_INTRO.replace("--size full", f"--size {_size_of(path)}")
    new = section(key, heading, body)
    pattern = re.compile(rf"<!-- bench:{re.escape(key)} -->.*?<!-- /bench:{re.escape(key)} -->\n", re.S)
    text = pattern.sub(lambda _m: new, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + new
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def _size_of(path: Path) -> str:
    return "3m" if path == DOCS_3M else "full"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="full")
    parser.add_argument("--server", default=os.environ.get("BENCH_SERVER", DEFAULT_SERVER),
                        help="PostgreSQL server URL without a database name")
    parser.add_argument("--database", default=None, help="dropped and recreated (default kesco_bench[_small])")
    parser.add_argument("--parts", default=",".join(key for key, _h, _r in PARTS))
    parser.add_argument("--no-docs", action="store_true", help="do not write docs/BENCHMARKS.md")
    args = parser.parse_args(argv)
    wanted = args.parts.split(",")
    unknown = set(wanted) - {key for key, _h, _r in PARTS + OPT_IN}
    if unknown:
        parser.error(f"unknown part(s) {', '.join(sorted(unknown))}")
    database = args.database or ("kesco_bench" if args.size == "full" else f"kesco_bench_{args.size}")

    started = time.perf_counter()
    data = data_set(args.size)
    print(f"data set ({args.size}) in {data.directory}: ready after {time.perf_counter() - started:.1f} s",
          flush=True)
    ctx = Context(size=args.size, data=data, server=args.server, database=database)
    database_recreate(ctx)
    about = machine(ctx)
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT, capture_output=True,
                            text=True).stdout.strip()
    docs = None if args.no_docs else docs_path(args.size)
    failed: list[str] = []
    # The whole run's time and memory, part by part: what the growth table sets against size.
    spent = [Figure("data set ready", f"{time.perf_counter() - started:.1f} s"),
             Figure("database after the migrations", f"{database_bytes(ctx) / 2**20:,.0f} MB")]
    for key, heading, run in PARTS + OPT_IN:
        if key not in wanted:
            continue
        print(f"\n== {heading} ==", flush=True)
        part_started = time.perf_counter()
        figures = run(ctx)
        spent += [Figure(f"part {key}: wall time", f"{time.perf_counter() - part_started:.1f} s"),
                  Figure(f"database after part {key}", f"{database_bytes(ctx) / 2**20:,.0f} MB")]
        body = table(figures)
        print(body, flush=True)
        failed += failures(key, figures)
        if docs:
            docs_write(key, heading, f"Run {when} at commit {commit}, size {args.size}.\n"
                                     f"Machine: {about}.\n\n{body}\n", docs)
    total = time.perf_counter() - started
    # The largest child process of the run (the imports, the measuring children, gunicorn's workers).
    largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    spent += [Figure("all parts", f"{total:.0f} s"), Figure("largest child process (peak RSS)", f"{largest:.0f} MB")]
    print(f"\n== the run ==\n{table(spent)}", flush=True)
    if docs:
        ran = ",".join(key for key, _h, _r in PARTS + OPT_IN if key in wanted)
        docs_write("run", "The run: time and memory part by part",
                   f"Run {when} at commit {commit}, size {args.size} ({ctx.data.consumers:,} consumers,"
                   f" {ctx.data.ledger_rows:,} ledger rows), parts {ran}."
                   f"\n\n{table(spent)}\n", docs)
        if growth.write(DOCS, DOCS_3M):
            print(f"growth table written to {DOCS.name}", flush=True)
    print(f"\nmachine: {about}\nall parts in {total:.0f} s")
    if failed:
        # The figures of a part whose recount differs are wrong, however fast: the run fails.
        print("\n".join(["", f"bench FAILED: {len(failed)} check(s) missed", *failed]), file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
