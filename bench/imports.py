"""Part "imports": the import commands on the benchmark files, beside their baselines.

Each command runs as a child process (``manage.py import_divisions`` …), timed
with its own wall time and peak RSS. Baselines measured in the same run: a
plain COPY of ledger.csv into an unindexed table (the floor), and a per-row ORM
import of a sample (bench/orm_baseline.py, the naive way).
"""

import os
import sys
from pathlib import Path

from bench.common import Context, Figure, import_steps, manage, run_timed

TARGET_SECONDS = 120
TARGET_MB = 500
SAMPLE_ROWS = {"full": 10_000, "small": 500}

_COPY_TABLE = "bench_ledger_copy"


def copy_baseline(ctx: Context, path: Path | None = None) -> float:
    """A plain COPY of a ledger file (ledger.csv unless given) into an unindexed table of the same
    columns (psql \\copy), in seconds."""
    create = (f"CREATE TABLE {_COPY_TABLE} (account_no text, entry_date date, kind text, amount numeric(14, 2),"
              f" reference text, due_date date)")
    copy = f"\\copy {_COPY_TABLE} FROM '{path or ctx.data.path('ledger')}' WITH (FORMAT csv, HEADER)"
    psql = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", ctx.database_url]
    run_timed([*psql, "-c", f"DROP TABLE IF EXISTS {_COPY_TABLE}", "-c", create], env=ctx.env())
    timed = run_timed([*psql, "-c", copy], env=ctx.env())
    run_timed([*psql, "-c", f"DROP TABLE {_COPY_TABLE}"], env=ctx.env())
    return timed.seconds


def ledger_sample(ctx: Context, rows: int) -> Path:
    """About ``rows`` lines spread evenly over ledger.csv, with references of their own ("ORM-…")."""
    source = ctx.data.path("ledger")
    target = Path(ctx.data.directory) / f"orm-sample-{rows}.csv"
    size = os.path.getsize(source)
    picked = []
    with open(source, "rb") as fh:
        header = fh.readline()
        for k in range(rows):
            fh.seek(len(header) + size * k // rows)
            fh.readline()  # the rest of a line cut in two
            line = fh.readline()
            if line:
                picked.append(line)
    with open(target, "wb") as out:
        out.write(header)
        for line in picked:
            values = line.split(b",")
            values[4] = b"ORM-" + values[4]
            out.write(b",".join(values))
    return target


def run(ctx: Context) -> list[Figure]:
    data = ctx.data
    copy_seconds = copy_baseline(ctx)
    print(f"  plain COPY of ledger.csv: {copy_seconds:.1f} s", flush=True)

    divisions = _import(ctx, "import_divisions", data.path("divisions"))
    consumers = _import(ctx, "import_consumers", data.path("consumers"))
    ledger = _import(ctx, "import_ledger", data.path("ledger"))
    _check_counts(ctx)

    sample = ledger_sample(ctx, SAMPLE_ROWS.get(ctx.size, SAMPLE_ROWS["full"]))  # 3m: the full size's sample
    orm = run_timed([sys.executable, "-m", "bench.orm_baseline", str(sample)], env=ctx.env())
    orm_rows, orm_seconds = orm.stdout.split()[-2:]
    orm_rate = int(orm_rows) / float(orm_seconds)
    print(f"  per-row ORM import: {orm_rows} rows in {float(orm_seconds):.1f} s", flush=True)

    total = consumers.seconds + ledger.seconds
    peak = max(divisions.peak_rss_mb, consumers.peak_rss_mb, ledger.peak_rss_mb)
    ledger_rate = data.ledger_rows / ledger.seconds
    copy_rate = data.ledger_rows / copy_seconds
    rows = data.consumers + data.ledger_rows
    return [
        Figure("data set", f"{data.consumers:,} consumers, {data.divisions} divisions, {data.ledger_rows:,} ledger rows"
               f" ({data.bills:,} bills, {data.payments:,} payments)"),
        Figure("import_divisions", f"{divisions.seconds:.1f} s, {divisions.peak_rss_mb:.0f} MB"),
        Figure("import_consumers", f"{consumers.seconds:.1f} s, {consumers.peak_rss_mb:.0f} MB,"
               f" {data.consumers / consumers.seconds:,.0f} rows/s"),
        Figure("import_ledger", f"{ledger.seconds:.1f} s, {ledger.peak_rss_mb:.0f} MB, {ledger_rate:,.0f} rows/s",
               f"plain COPY into an unindexed table: {copy_seconds:.1f} s, {copy_rate:,.0f} rows/s",
               "", None),
        Figure("import consumers + ledger", f"{total:.1f} s ({rows / total:,.0f} rows/s)",
               f"COPY of ledger.csv alone: {copy_seconds:.1f} s ({total / copy_seconds:.1f}× that)",
               f"≤ {TARGET_SECONDS} s", total <= TARGET_SECONDS),
        Figure("import peak memory (RSS of the command)", f"{peak:.0f} MB", "", f"≤ {TARGET_MB} MB",
               peak <= TARGET_MB),
        Figure("ledger rows/s vs per-row ORM import", f"{ledger_rate:,.0f} rows/s ({ledger_rate / orm_rate:,.0f}×)",
               f"per-row ORM, {int(orm_rows):,}-row sample: {orm_rate:,.0f} rows/s", "", None),
    ]


def _import(ctx: Context, command: str, path: Path):
    timed = manage(ctx, command, str(path), "-v", "0")
    print(f"  {command}: {timed.seconds:.1f} s, {timed.peak_rss_mb:.0f} MB", flush=True)
    for step in import_steps(timed):
        print("    " + step, flush=True)
    return timed


def _check_counts(ctx: Context) -> None:
    """The import must end with what the generator wrote, or its time means nothing."""
    found = imported_counts(ctx)
    expected = {"divisions": ctx.data.divisions, "consumers": ctx.data.consumers,
                "ledger_rows": ctx.data.ledger_rows, "debit_paise": ctx.data.debit_paise,
                "balance_paise": ctx.data.debit_paise - ctx.data.credit_paise}
    if found != expected:
        raise RuntimeError(f"imported {found}, generated {expected}")


def imported_counts(ctx: Context) -> dict[str, int]:
    conn = ctx.connect()
    with conn, conn.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM accounts_division")
        divisions = cursor.fetchone()[0]
        cursor.execute("SELECT COUNT(*), CAST(SUM(balance) * 100 AS bigint) FROM arrears_consumer")
        consumers, balance = cursor.fetchone()
        cursor.execute("SELECT COUNT(*), CAST(SUM(debit) * 100 AS bigint) FROM arrears_ledgerentry")
        ledger_rows, debit = cursor.fetchone()
    conn.close()
    return {"divisions": divisions, "consumers": consumers, "ledger_rows": ledger_rows, "debit_paise": debit or 0,
            "balance_paise": balance or 0}
