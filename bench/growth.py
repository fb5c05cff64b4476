"""How each figure grows from the full size (1M consumers) to 3M: the table of time and memory against size.

`make bench` writes each part's table into docs/BENCHMARKS.md (size full) or docs/BENCHMARKS-3M.md (size 3m),
with a "run" section of the whole run's wall time and database size. After a run of either size, when both files
hold a run, this module reads the two and writes the section "Growth" of docs/BENCHMARKS.md: every figure present
in both, its value at 1M and at 3M, and the ratio of the two where they are the same kind of number (seconds,
milliseconds, megabytes, a rate). Alone: ``python -m bench.growth`` rewrites the section from the two files.
"""

import re
import sys
from pathlib import Path

SECTION = re.compile(r"<!-- bench:(?P<key>[\w-]+) -->\n## (?P<heading>[^\n]*)\n(?P<body>.*?)<!-- /bench:(?P=key) -->",
                     re.S)
ROW = re.compile(r"^\| (?P<name>.+?) \| (?P<measured>.*?) \| (?P<baseline>.*?) \| (?P<target>.*?) \|$", re.M)
# The first quantity of a measured cell: "p95 54 ms" → 54 ms, "129.3 s = 7.3× …" → 129.3 s, "57.7 req/s" → 57.7 req/s.
QUANTITY = re.compile(r"(?<![\w.])(?P<number>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>ms|s|MB|GB|kB|req/s|rows/s|/s|×|%)?(?!\w)")
PERCENTILE = re.compile(r"\bp\d{2,3}\b")
GROWTH_KEY = "growth"
HEADING = "Growth: 1M → 3M consumers (time and memory against size)"


def sections(text: str) -> dict[str, tuple[str, str]]:
    """Every part's section of a benchmarks file: key → (heading, body)."""
    return {m["key"]: (m["heading"], m["body"]) for m in SECTION.finditer(text)}


def figures(body: str) -> dict[str, str]:
    """The measured cell of every row of a section's table, by the figure's name."""
    return {m["name"]: m["measured"] for m in ROW.finditer(body)
            if m["name"] not in ("figure", "---") and not m["name"].startswith("---")}


def quantity(measured: str) -> tuple[float, str] | None:
    """The first number of a measured cell with its unit, percentiles' names skipped; None where there is none."""
    found = QUANTITY.search(PERCENTILE.sub(" ", measured))
    if not found:
        return None
    return float(found["number"].replace(",", "")), found["unit"] or ""


def ratio(small: str, large: str) -> str:
    """"×3.1" where both cells are the same kind of quantity, else ""."""
    a, b = quantity(small), quantity(large)
    if not a or not b or a[1] != b[1] or a[1] in ("×", "%") or a[0] == 0:
        return ""
    return f"×{b[0] / a[0]:.2f}"


def table(small_text: str, large_text: str) -> str:
    """The growth table from the two files' text: one row per figure found in both, in the 3M file's order."""
    small, large = sections(small_text), sections(large_text)
    rows = ["| part | figure | at 1M | at 3M | 3M ÷ 1M |", "|---|---|---|---|---|"]
    for key, (heading, body) in large.items():
        if key == GROWTH_KEY or key not in small:
            continue
        before = figures(small[key][1])
        for name, measured in figures(body).items():
            if name in before:
                rows.append(f"| {heading.split(':')[0]} | {name} | {before[name]} | {measured} |"
                            f" {ratio(before[name], measured)} |")
    return "\n".join(rows)


def write(small_path: Path, large_path: Path) -> bool:
    """Writes the growth section into ``small_path`` (docs/BENCHMARKS.md) when both files hold a run."""
    from bench.run import docs_write

    if not small_path.exists() or not large_path.exists():
        return False
    small_text, large_text = small_path.read_text(), large_path.read_text()
    small, large = sections(small_text), sections(large_text)
    if not set(small) & set(large) - {GROWTH_KEY}:
        return False

    def said(found: dict) -> str:
        # The run's own line (its first: when, commit, size, parts); a run stopped before its end wrote none.
        return found["run"][1].strip().splitlines()[0] if "run" in found else "(the run's summary was not written)"

    body = (f"Each figure of the 3M run (`make bench BENCH_SIZE=3m`, tables in {large_path.name}) beside the same"
            f" figure of the full run above, with the ratio where both are the same kind of number. What grows with"
            f" the data: the files imported, the consumers the nightly roll rewrites (one in 30) and the day's file (a"
            f" thirtieth billed, a twenty-ninth paying); what does not: the parts' fixed workloads (5,000 stops,"
            f" 50,000 settlements, 16 payment clients), run on more data. A figure whose name holds a count (the"
            f" consumers rolled) is not matched. The two runs:\n\n- 1M: {said(small)}\n- 3M: {said(large)}\n\n"
            f"{table(small_text, large_text)}\n")
    docs_write(GROWTH_KEY, HEADING, body, small_path)
    return True


if __name__ == "__main__":
    from bench.run import DOCS, DOCS_3M

    sys.exit(0 if write(DOCS, DOCS_3M) else 1)
