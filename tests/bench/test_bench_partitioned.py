"""The opt-in "partitioned" part at the small size: plain figures, the conversion, the same figures partitioned."""

import pytest

from bench import imports, partitioned, run
from bench.data import day_file
from tests.bench.conftest import small_bench


@pytest.mark.needs_postgres
def test_it_converts_the_loaded_ledger_and_measures_both_with_the_same_defaulters(tmp_path_factory, monkeypatch):
    ctx, _figures = small_bench(tmp_path_factory, "partitioned")
    before = imports.imported_counts(ctx)
    monkeypatch.setattr(partitioned, "REPEAT", 1)  # one build of each kind and one day's file are enough here
    monkeypatch.setattr(partitioned, "DAILY_REPEAT", 1)

    figures = {f.name: f for f in partitioned.run(ctx, partitions=4)}

    assert not [f.name for f in figures.values() if f.failed]
    found = figures["defaulters found, plain and partitioned (every build) and by the aggregate"]
    assert found.ok and found.measured == found.baseline.split(";")[0].removeprefix("plain: ") != "[]"
    assert figures["cached figures after each daily import (check_positions)"].measured == (
        "2000 consumers checked: all equal the ledger")
    assert "arrears_payment.ledger_entry_id: constraint trigger" in figures[
        "keys into the ledger (payments, drives, settlements) became"].measured
    assert "rows copied (INSERT … SELECT)" in figures[
        "conversion (manage.py ledger_partition --partitions 4 --scheme hash)"].measured
    assert figures["ledger"].measured.startswith("HASH (consumer_id), 4 partitions")
    # Two days' files went in, one into each ledger, and the ledger is partitioned now.
    first = day_file(ctx.data, partitioned.daily._loaded_day(ctx))
    assert imports.imported_counts(ctx)["ledger_rows"] == before["ledger_rows"] + 2 * first.rows
    with ctx.connect() as conn, conn.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE relname = 'arrears_ledgerentry'")
        assert cursor.fetchone()[0] == "p"
    conn.close()


def test_it_runs_only_when_named(monkeypatch):
    assert "partitioned" not in [key for key, _h, _r in run.PARTS]
    assert [key for key, _h, _r in run.OPT_IN] == ["partitioned"]
    with pytest.raises(SystemExit):
        run.main(["--parts", "imports,partitiond", "--no-docs"])  # a misspelt part is refused, not skipped
