"""`make bench`'s pages part at the small size: consumer search, a consumer, the defaulters page and the
home page timed as an officer and as the MD on the loaded data set, each beside its baseline."""

import pytest

from bench import pages
from bench.run import PARTS, table
from tests.bench.conftest import small_bench


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    return small_bench(tmp_path_factory, "pages")[0]


@pytest.mark.needs_postgres
def test_it_times_every_page_as_the_officer_and_the_md_beside_a_baseline(loaded):
    figures = pages.run(loaded)

    check = next(f for f in figures if f.name.startswith("searches checked"))
    assert check.ok and check.measured == "all found"
    timed = [f for f in figures if f.target == "p95 ≤ 100 ms"]
    # Every page as each role, but the officer's own working pages (reconnections, notices, theft cases) as the
    # officer only.
    assert len(timed) == 2 * len(pages.LABELS) - len(pages.OFFICER_PAGES)
    assert all(f.measured.startswith("p95 ") and f.ok is not None for f in timed)
    for role, pages_of_role in (("as the officer of ", len(pages.LABELS)),
                                ("as the MD (", len(pages.LABELS) - len(pages.OFFICER_PAGES))):
        mine = [f for f in timed if role in f.name]
        assert len(mine) == pages_of_role
        assert all(f.baseline.startswith(("before the search indexes", "the first page without")) for f in mine
                   if "search" in f.name or "consumers list" in f.name or "?q=" in f.name)
    assert any("without consumer_arrears" in f.baseline for f in timed)
    assert "| search by an exact 8-digit account number, as the MD" in table(figures)
    officer_pages = [f for f in timed if "as the officer of " in f.name]
    for path in ("GET /reconnections/", "GET /drives/{id}/notices/", "GET /theft-cases/ ", "GET /theft-cases/{id}/"):
        assert any(path in f.name for f in officer_pages), path
    keys = [key for key, _h, _r in PARTS]
    assert keys.index("pages") == keys.index("reports") + 1
