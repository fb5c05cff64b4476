"""`make bench`'s recovery part at the small size: cuts generated on the loaded data set, the nightly marking timed
the first night and the next, the consumers marked equal to a recount; the database as it was after the part."""

import pytest

from bench import recovery
from bench.run import PARTS, table
from tests.bench.conftest import small_bench


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    return small_bench(tmp_path_factory, "recovery")[0]


@pytest.mark.needs_postgres
def test_it_times_the_nightly_marking_and_marks_whom_a_recount_finds(loaded):
    figures = recovery.run(loaded)
    text = table(figures)
    print(text)
    assert not [f for f in figures if f.failed], text
    assert "one in ten cut here" in figures[0].name
    marked = figures[2].measured.split(";")[0]
    assert marked != "0" and figures[2].ok
    # Again on the same database: the part's writes were rolled back, so it cuts and marks the same again.
    assert recovery.run(loaded)[2].measured == figures[2].measured
    assert "recovery" in [key for key, _h, _r in PARTS]
