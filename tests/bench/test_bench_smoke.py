"""`make bench` at its small size, end to end: generate, import, count."""

import pytest
from django.conf import settings

from bench import imports
from bench.common import Context, database_recreate
from bench.data import data_set
from bench.run import table


@pytest.mark.needs_postgres
def test_it_imports_the_small_data_set_with_the_generated_counts(tmp_path):
    db = settings.DATABASES["default"]
    server = f"postgres://{db['USER']}{':' + db['PASSWORD'] if db.get('PASSWORD') else ''}@{db['HOST']}:{db['PORT']}"
    data = data_set("small", root=tmp_path)
    ctx = Context(size="small", data=data, server=server, database="kesco_bench_smoke")
    database_recreate(ctx)

    figures = imports.run(ctx)

    assert imports.imported_counts(ctx) == {
        "divisions": 20, "consumers": 2_000, "ledger_rows": data.ledger_rows, "debit_paise": data.debit_paise,
        "balance_paise": data.debit_paise - data.credit_paise}
    assert data.ledger_rows > 40_000 and data.payments > 0.6 * data.bills
    assert "| import_ledger |" in table(figures)
    with ctx.connect() as conn, conn.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM arrears_consumer WHERE arrears > 10000")
        assert cursor.fetchone()[0] >= 20  # the 1 % defaulters, and some who skipped a large bill
    conn.close()
