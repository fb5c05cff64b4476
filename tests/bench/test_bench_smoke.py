"""`make bench` at its small size, end to end: generate, import, count."""

import datetime

import pytest

from bench import daily, imports
from bench.data import day_file
from bench.run import table
from tests.bench.conftest import small_bench


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """(context, the imports part's figures, the counts right after it), once for this module."""
    ctx, figures = small_bench(tmp_path_factory, "smoke")
    return ctx, figures, imports.imported_counts(ctx)


@pytest.mark.needs_postgres
def test_it_imports_the_small_data_set_with_the_generated_counts(loaded):
    ctx, figures, counts = loaded
    data = ctx.data

    assert counts == {
        "divisions": 20, "consumers": 2_000, "ledger_rows": data.ledger_rows, "debit_paise": data.debit_paise,
        "balance_paise": data.debit_paise - data.credit_paise}
    assert data.ledger_rows > 40_000 and data.payments > 0.6 * data.bills
    assert "| import_ledger |" in table(figures)
    with ctx.connect() as conn, conn.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM arrears_consumer WHERE arrears > 10000")
        assert cursor.fetchone()[0] >= 20  # the 1 % defaulters, and some who skipped a large bill
    conn.close()


@pytest.mark.needs_postgres
def test_it_imports_a_day_after_the_load_and_the_cache_still_equals_the_ledger(loaded):
    ctx, _figures, counts = loaded

    figures = {f.name: f for f in daily.run(ctx)}

    day = day_file(ctx.data, daily._loaded_day(ctx))
    assert (day.bills, day.payments) == (2_000 // 30, 2_000 // 29)
    assert imports.imported_counts(ctx) == dict(
        counts, ledger_rows=counts["ledger_rows"] + day.rows, debit_paise=counts["debit_paise"] + day.debit_paise,
        balance_paise=counts["balance_paise"] + day.debit_paise - day.credit_paise)
    check = figures["cached figures after it (check_positions)"]
    assert check.ok and check.measured == "2000 consumers checked: all equal the ledger"
    assert figures["daily import_ledger (the command, start to end)"].baseline.startswith("plain COPY of the file")
    with ctx.connect() as conn, conn.cursor() as cursor:
        # The day's bills fall due in 15 days: their consumers' cached figures hold until then at most.
        cursor.execute("SELECT COUNT(*) FROM arrears_consumer WHERE account_no IN %s"
                       " AND (arrears_until IS NULL OR arrears_until > %s)",
                       [tuple(f"{i:08d}" for i in range(30, 2_001, 30)), day.day + datetime.timedelta(days=16)])
        assert cursor.fetchone()[0] == 0
    conn.close()
