"""`make bench`'s payments part at the small size: gunicorn serving the loaded data set with production settings,
clients paying through the API beside the no-op call, and the check that every answered payment is on the
database once, with the consumers' cached positions equal to their ledger."""

import pytest

from bench import payments
from bench.run import PARTS, table
from tests.bench.conftest import small_bench


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    return small_bench(tmp_path_factory, "payments")[0]


@pytest.mark.needs_postgres
def test_it_times_payments_under_load_beside_the_no_op_and_finds_each_once(loaded):
    figures = payments.run(loaded)
    text = table(figures)
    print(text)

    clients, noops, per_client = payments.SIZES["small"]
    assert not [f for f in figures if f.failed], text
    noop, one, spread, logged, held = figures
    assert logged.ok and logged.measured == "0", text
    assert noop.measured.endswith("ms)") and "req/s" in noop.measured
    for run in (one, spread):
        assert "× the no-op" in run.measured and run.measured.endswith(", 0 errors"), text
    assert held.ok, text
    paid = int(held.measured.split()[0].replace(",", ""))
    assert 0 < paid <= 2 * clients * per_client and held.baseline == f"{paid:,} answered 2xx"

    # Again: the receipts of a second run are numbered apart, so it pays again rather than meet duplicates.
    again = payments.run(loaded)
    assert again[4].ok and again[1].measured.endswith(", 0 errors"), table(again)
    assert [key for key, _h, _r in PARTS].index("payments") < [key for key, _h, _r in PARTS].index("settlements")
