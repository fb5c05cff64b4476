"""`make bench` fails a part whose figures differ from their recount (issue 21, item 11); a slow figure is
only marked missed."""

from types import SimpleNamespace

from bench import run
from bench.common import Figure


def _parts(*figures: Figure) -> list:
    return [(f"part{n}", f"Part {n}", lambda _ctx, figure=figure: [figure]) for n, figure in enumerate(figures)]


def _bench(monkeypatch, parts) -> int:
    monkeypatch.setattr(run, "data_set", lambda size: SimpleNamespace(directory="bench-data/small"))
    monkeypatch.setattr(run, "database_recreate", lambda ctx: None)
    monkeypatch.setattr(run, "machine", lambda ctx: "a test machine")
    monkeypatch.setattr(run, "database_bytes", lambda ctx: 512 * 2**20)
    monkeypatch.setattr(run, "PARTS", parts)
    return run.main(["--size", "small", "--no-docs"])


SLOW = Figure(name="a page", measured="p95 180 ms", target="p95 ≤ 100 ms", ok=False)
EQUAL = Figure(name="day book", measured="no difference", target="no difference", ok=True, check=True)
DIFFERS = Figure(name="day book", measured="2 differ: (4, 2026-11-16, notices_served, 24, 2)",
                 target="no difference", ok=False, check=True)


def test_it_fails_the_run_and_names_the_part_whose_recount_differs(monkeypatch, capsys):
    assert _bench(monkeypatch, _parts(SLOW, DIFFERS)) == 1
    out, err = capsys.readouterr()
    assert "| day book | 2 differ: (4, 2026-11-16, notices_served, 24, 2) |  | no difference ✗ (FAILED) |" in out
    assert "!!! part part1 FAILED: day book: 2 differ" in err and "bench FAILED: 1 check(s) missed" in err
    assert "part0" not in err  # a slow page is marked missed in its table, and fails nothing


def test_it_passes_a_run_whose_recounts_agree_however_slow(monkeypatch, capsys):
    assert _bench(monkeypatch, _parts(SLOW, EQUAL)) == 0
    out, err = capsys.readouterr()
    assert "p95 ≤ 100 ms ✗ (missed)" in out and "no difference ✓" in out and "FAILED" not in out + err
