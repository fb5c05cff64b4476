"""No test depends on the hour it runs at: the dated tests run, each in a pytest of its own with the whole process's
clock moved (KESCO_TEST_CLOCK, tests/conftest.py), at 00:30 India time (the India day is a day ahead of UTC's),
07:00 (a morning, before any "today at noon") and 23:50 (the India day ends within the run), and all pass.

The dated tests are every test module of the apps that count days (DATED_APPS), and every other module that reads the
clock or uses a helper that does (CLOCK): a new module that reads the date cannot be left out. Not here: the browser
journeys (Chromium keeps the real clock) and the bench (a database of its own); nor the tests that start a real
Celery worker on Redis (needs_redis): the same code runs eagerly in the tests run here.
"""

import ast
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.conftest import clock_moment

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
HOURS = ["00:30", "07:00", "23:50"]
DATED_APPS = {"arrears", "defaulters", "drives", "imports", "payments", "reports"}
NOT_HERE = {"browser", "bench"}
CLOCK = re.compile(r"india_today|yesterday\(|timezone\.now|localdate|localtime|date\.today|datetime\.now|"
                   r"\bnow\(|CURRENT_(DATE|TIMESTAMP)")


def _helpers(path: Path) -> list[Path]:
    """The modules of tests/ that ``path`` imports."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("tests."):
            helper = ROOT / (node.module.replace(".", "/") + ".py")
            if helper.exists() and helper.name != "conftest.py":
                found.append(helper)
    return found


def reads_the_clock(path: Path, seen: frozenset = frozenset()) -> bool:
    if CLOCK.search(path.read_text(encoding="utf-8")):
        return True
    return any(reads_the_clock(helper, seen | {path}) for helper in _helpers(path) if helper not in seen)


def dated_tests() -> list[str]:
    modules = []
    for path in sorted(TESTS.rglob("test_*.py")):
        place = path.relative_to(TESTS).parts
        if place[0] in NOT_HERE or path.name == Path(__file__).name:
            continue
        if place[0] in DATED_APPS or reads_the_clock(path):
            modules.append(str(path.relative_to(ROOT)))
    return modules


def test_it_counts_every_module_that_reads_the_clock_as_dated(tmp_path):
    dated = set(dated_tests())
    assert {"tests/drives/test_rules.py", "tests/test_permissions.py", "tests/api/test_it_amounts.py"} <= dated
    assert not any(module.startswith(("tests/browser/", "tests/bench/")) for module in dated)
    helper = tmp_path / "helper.py"
    helper.write_text("from core.dates import india_today\n")
    module = tmp_path / "test_thing.py"
    module.write_text("from tests.drives.drive_data import plan\n")
    assert reads_the_clock(module) and reads_the_clock(helper)
    module.write_text("from tests.factories import make_user\n")
    assert not reads_the_clock(module)


def test_it_reads_the_test_clock_as_india_time_today():
    from datetime import UTC, datetime

    at = clock_moment("00:30", now=datetime(2026, 12, 6, 19, 5, tzinfo=UTC))  # 00:35 on the 7th in India
    assert at.isoformat() == "2026-12-07T00:30:00+05:30"
    assert clock_moment("2026-03-01T23:50").isoformat() == "2026-03-01T23:50:00+05:30"


def database_url(url: str, suffix: str) -> str:
    """``url`` with its database name suffixed: a test database of its own, beside the parent's."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"{parts.path}_{suffix}"))


def test_it_gives_each_hour_a_database_of_its_own():
    assert database_url("postgres://postgres@127.0.0.1:5432/kesco?sslmode=disable", "0030") == (
        "postgres://postgres@127.0.0.1:5432/kesco_0030?sslmode=disable")


@pytest.mark.needs_postgres
def test_the_dated_tests_pass_at_every_hour(tmp_path):
    """The three runs side by side (the machine's cores are shared with the database's work): each on a database of
    its own, its output in a file."""
    runs = {}
    for hour in HOURS:
        env = {**os.environ, "KESCO_TEST_CLOCK": hour,
               "DATABASE_URL": database_url(os.environ["DATABASE_URL"], hour.replace(":", ""))}
        output = (tmp_path / f"{hour.replace(':', '')}.txt").open("w+", encoding="utf-8")
        process = subprocess.Popen(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--create-db",
             "-m", "not needs_redis and not needs_browser", *dated_tests()],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, text=True)
        runs[hour] = (process, output)
    failed = []
    for hour, (process, output) in runs.items():
        try:
            code = process.wait(timeout=1800)
        except subprocess.TimeoutExpired:
            process.kill()
            code = "timeout"
        output.seek(0)
        text = output.read()
        output.close()
        if code != 0:
            failed.append(f"at {hour} India time (exit {code}):\n{text[-6000:]}")
    assert not failed, "\n\n".join(failed)
