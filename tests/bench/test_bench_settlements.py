"""`make bench`'s settlements part at the small size: live registrations generated on the loaded data set, the
quote timed, the nightly default check defaulting exactly those left unpaid, registrations beside the payments'
rate; the database as it was after the part (its writes rolled back)."""

import pytest

from bench import settlements
from bench.run import PARTS, table
from tests.bench.conftest import small_bench


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    return small_bench(tmp_path_factory, "settlements")[0]


@pytest.mark.needs_postgres
def test_it_times_the_quote_the_default_check_and_registrations(loaded):
    figures = settlements.run(loaded)
    text = table(figures)
    print(text)

    live, registrations, quotes = settlements.SIZES["small"]
    assert figures[0].measured == f"{live:,}"
    assert not [f for f in figures if f.failed], text
    default_check = next(f for f in figures if f.name.startswith("the default check defaults"))
    assert default_check.ok and default_check.measured != "0 defaulted"
    quote = next(f for f in figures if f.name.startswith("the quote"))
    assert quote.measured.startswith("p95 ") and quote.ok is not None and f"{quote.target}" == "p95 ≤ 100 ms"
    assert next(f for f in figures if f.name.startswith(f"registering {registrations} consumers"))
    assert "payments/s" in text and "registrations/s" in text

    # Again on the same database: nothing generated, the same registrations live (the part's writes rolled back).
    again = settlements.run(loaded)
    assert again[0].measured == f"{live:,}" and "generated this run: 0" in again[0].name
    assert [key for key, _h, _r in PARTS][-1] == "settlements"
