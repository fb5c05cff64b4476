"""The growth table (issue 23): every figure of a 3M run beside the full run's, with the ratio where both are the
same kind of number; the run's own time and database size part by part are figures like the others."""

from types import SimpleNamespace

from bench import growth, run
from bench.common import Figure


def _section(key: str, heading: str, rows: list[tuple[str, str]]) -> str:
    table = run.table([Figure(name, measured) for name, measured in rows])
    return run.section(key, heading, f"Run 2026-12-08 00:00 UTC at commit abc, size x.\n\n{table}\n")


def test_it_reads_the_first_quantity_of_a_cell_past_a_percentile_name():
    assert growth.quantity("p95 54 ms (2,000 requests)") == (54.0, "ms")
    assert growth.quantity("129.3 s = 7.3× the COPY") == (129.3, "s")
    assert growth.quantity("57.7 req/s = 0.31×") == (57.7, "req/s")
    assert growth.quantity("12,345 MB") == (12345.0, "MB")
    assert growth.quantity("no difference") is None


def test_it_sets_each_figure_of_the_3m_run_beside_the_full_run_with_their_ratio(tmp_path, monkeypatch):
    small, large = tmp_path / "BENCHMARKS.md", tmp_path / "BENCHMARKS-3M.md"
    small.write_text("# Benchmarks\n\n" + _section("imports", "Imports: the first load", [
        ("import_ledger", "120.0 s, 300 MB"), ("search p95", "p95 40 ms"), ("positions", "no difference")])
        + "\n" + _section("run", "The run", [("all parts", "1500 s")]))
    large.write_text("# Benchmarks\n\n" + _section("imports", "Imports: the first load", [
        ("import_ledger", "390.0 s, 880 MB"), ("search p95", "p95 50 ms"), ("positions", "no difference"),
        ("only at 3M", "1 s")]) + "\n" + _section("run", "The run", [("all parts", "4500 s")]))

    assert growth.write(small, large)

    text = small.read_text()
    assert "| Imports | import_ledger | 120.0 s, 300 MB | 390.0 s, 880 MB | ×3.25 |" in text
    assert "| Imports | search p95 | p95 40 ms | p95 50 ms | ×1.25 |" in text
    assert "| Imports | positions | no difference | no difference |  |" in text
    assert "| The run | all parts | 1500 s | 4500 s | ×3.00 |" in text
    assert "only at 3M" not in text  # a figure measured at one size only has nothing to grow from
    # Written again, the section is replaced, not appended.
    growth.write(small, large)
    assert small.read_text().count("<!-- bench:growth -->") == 1


def test_it_writes_nothing_until_both_sizes_have_run(tmp_path):
    small, large = tmp_path / "BENCHMARKS.md", tmp_path / "BENCHMARKS-3M.md"
    small.write_text("# Benchmarks\n")
    assert not growth.write(small, large)
    large.write_text("# Benchmarks\n\n" + _section("imports", "Imports", [("import_ledger", "390.0 s")]))
    assert not growth.write(small, large)  # nothing measured at both sizes yet
    assert small.read_text() == "# Benchmarks\n"


def test_a_run_stopped_before_its_summary_still_has_its_parts_compared(tmp_path):
    small, large = tmp_path / "BENCHMARKS.md", tmp_path / "BENCHMARKS-3M.md"
    small.write_text("# Benchmarks\n\n" + _section("imports", "Imports", [("import_ledger", "100.0 s")])
                     + "\n" + _section("run", "The run", [("all parts", "232 s")]))
    large.write_text("# Benchmarks\n\n" + _section("imports", "Imports", [("import_ledger", "330.0 s")]))
    assert growth.write(small, large)
    text = small.read_text()
    assert "| Imports | import_ledger | 100.0 s | 330.0 s | ×3.30 |" in text
    assert "- 3M: (the run's summary was not written)" in text


def test_a_run_records_each_part_s_time_and_the_database_after_it(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(run, "data_set", lambda size: SimpleNamespace(directory="bench-data/3m", consumers=3_000_000,
                                                                      ledger_rows=63_000_000))
    monkeypatch.setattr(run, "database_recreate", lambda ctx: None)
    monkeypatch.setattr(run, "machine", lambda ctx: "a test machine")
    monkeypatch.setattr(run, "database_bytes", lambda ctx: 3 * 2**30)
    monkeypatch.setattr(run, "DOCS_3M", tmp_path / "BENCHMARKS-3M.md")
    monkeypatch.setattr(run, "DOCS", tmp_path / "BENCHMARKS.md")
    monkeypatch.setattr(run, "PARTS", [("one", "Part one: a thing", lambda _ctx: [Figure("a page", "p95 9 ms")])])

    assert run.main(["--size", "3m"]) == 0

    text = (tmp_path / "BENCHMARKS-3M.md").read_text()
    assert "| a page | p95 9 ms |" in text and "--size 3m" in text
    assert "3,000,000 consumers, 63,000,000 ledger rows" in text
    assert "| part one: wall time |" in text and "| database after part one | 3,072 MB |" in text
    assert not (tmp_path / "BENCHMARKS.md").exists()  # a 3M run leaves the full run's file alone
