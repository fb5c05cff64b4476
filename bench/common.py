"""What every part of the benchmark shares: the database, child processes, figures."""

import math
import os
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2

from bench.data import DataSet

PROJECT = Path(__file__).resolve().parent.parent
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432"


@dataclass
class Figure:
    """One row of the results table. ``ok`` is None where there is no target to meet. ``check``: the figure
    is a check of correctness (figures against a recount), not of speed: a missed one fails the part, and
    `make bench` exits non-zero after the last part (a slow figure is only marked missed)."""

    name: str
    measured: str
    baseline: str = ""
    target: str = ""
    ok: bool | None = None
    check: bool = False

    @property
    def failed(self) -> bool:
        return self.check and self.ok is False


def failures(key: str, figures: list[Figure]) -> list[str]:
    """The part's failed checks, each printed loudly: "part drives FAILED: <figure>: <measured>"."""
    found = [f"part {key} FAILED: {figure.name}: {figure.measured}" for figure in figures if figure.failed]
    for line in found:
        print(f"!!! {line}", file=sys.stderr, flush=True)
    return found


@dataclass
class Context:
    """One run: the data set and the database every part works on, in PARTS order."""

    size: str
    data: DataSet
    server: str  # postgres://user@host:port, without a database name
    database: str
    notes: list[str] = field(default_factory=list)

    @property
    def database_url(self) -> str:
        return f"{self.server}/{self.database}"

    def env(self) -> dict[str, str]:
        env = dict(os.environ, DATABASE_URL=self.database_url, DJANGO_SETTINGS_MODULE="kesco.settings")
        env.pop("KESCO_REQUIRE_SERVICES", None)
        env.pop("DATABASE_REPLICA_URL", None)  # the tests' (.ci/run): a replica of another database than the bench's
        return env

    def connect(self):
        return psycopg2.connect(self.database_url)


@dataclass
class Timed:
    seconds: float
    peak_rss_mb: float
    stdout: str
    stderr: str = ""


def run_timed(args: list[str], *, env: dict[str, str], stdin=None) -> Timed:
    """Runs a child process to the end; its own wall time and peak RSS (os.wait4 gives one child's usage)."""
    start = time.perf_counter()
    child = subprocess.Popen(args, cwd=PROJECT, env=env, stdin=stdin, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    out, err = _drain(child)
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise RuntimeError(f"{' '.join(args)} failed ({child.returncode}):\n{out[-2000:]}\n{err[-4000:]}")
    return Timed(seconds=seconds, peak_rss_mb=usage.ru_maxrss / 1024, stdout=out, stderr=err)


def _drain(child: subprocess.Popen) -> tuple[str, str]:
    """Reads both pipes to EOF without reaping the child, so os.wait4 can still collect its usage."""
    chunks: dict[str, str] = {}

    def read(name, pipe):
        chunks[name] = pipe.read()
        pipe.close()

    threads = [threading.Thread(target=read, args=(n, p)) for n, p in (("out", child.stdout), ("err", child.stderr))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return chunks["out"], chunks["err"]


def manage(ctx: Context, *args: str) -> Timed:
    return run_timed([sys.executable, "manage.py", *args], env=ctx.env())


# A line of an import's own log of its steps (imports.pipeline and its modules, INFO).
_STEP_LINE = re.compile(r" INFO imports\.pipeline\S* (.*)$")


def import_steps(timed: Timed) -> list[str]:
    """The steps an import logged ("ledger import: INSERT … SELECT: 5.7 s"), in order."""
    return [found.group(1) for line in timed.stderr.splitlines() if (found := _STEP_LINE.search(line))]


def database_recreate(ctx: Context) -> None:
    """Drops and recreates the benchmark's own database, then migrates it."""
    admin = psycopg2.connect(f"{ctx.server}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{ctx.database}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{ctx.database}"')
    admin.close()
    manage(ctx, "migrate", "--noinput", "-v", "0")


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def timed_get(client, paths: list[str]) -> list[float]:
    """Seconds each GET took through Django's test client, the whole body read; any answer but 200 stops."""
    samples = []
    for path in paths:
        started = time.perf_counter()
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"GET {path}: {response.status_code}\n{response.content[:2000]!r}")
        len(response.content)  # the whole body, as a client reads it
        samples.append(time.perf_counter() - started)
    return samples


def part_alone(ctx: Context, key: str, heading: str, run, *, docs: bool, loaded: str, notes: str) -> int:
    """A part run alone on a loaded database (``python -m bench.<part>``): its table printed and, with
    ``docs`` at full size, its section of docs/BENCHMARKS.md written; ``loaded`` says what the database holds."""
    import datetime

    from bench import run as runner

    figures = run(ctx)
    body = runner.table(figures)
    print(body)
    failed = failures(key, figures)
    if docs and runner.docs_path(ctx.size):
        when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                                cwd=runner.PROJECT).stdout.strip()
        runner.docs_write(key, heading, f"Run {when} at commit {commit} on database {ctx.database} ({loaded}).\n"
                                        f"Machine: {runner.machine(ctx)}.\n\n{body}\n\n{notes}\n",
                          runner.docs_path(ctx.size))
    return 1 if failed else 0
