"""The nightly build on more than one worker: the per-division tasks go to the lists queue (CELERY_TASK_ROUTES), and
two worker processes shaped as docker-compose.yml runs them (`worker`: every queue; `worker-lists`: the lists queue
alone) share them out. Real processes on Redis and PostgreSQL, as on two machines: each its own Django, its own
connections to the test database."""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from defaulters.models import DefaulterList, DefaulterRun
from tests.defaulters.defaulter_data import owe
from tests.factories import make_consumer, make_division

ROOT = Path(__file__).resolve().parents[2]
DIVISIONS = ["RTP", "HSP", "HRG", "KDW", "BBR", "SMN"]
SUCCEEDED = re.compile(r"Task arrears\.defaulter_list_build_division\[[\w-]+\] succeeded in [\d.]+s: \{'run': (\d+)")


def test_the_division_builds_are_routed_to_the_lists_queue():
    from kesco.celery import app

    queue = settings.DEFAULTER_LISTS_QUEUE
    assert app.amqp.router.route({}, "arrears.defaulter_list_build_division")["queue"].name == queue
    assert app.amqp.router.route({}, "arrears.defaulter_lists_build_nightly")["queue"].name == "celery"
    # A worker started without -Q (`make worker`, one machine) consumes both: no list is left waiting on it.
    assert {"celery", queue} <= set(app.amqp.queues)


def _database_url() -> str:
    """The test database as a URL, for a worker process of its own."""
    s = connection.settings_dict
    password = f":{quote(s['PASSWORD'], safe='')}" if s["PASSWORD"] else ""
    return f"postgres://{quote(s['USER'] or '', safe='')}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/" \
           f"{s['NAME']}"


def _start_worker(name: str, queues: list[str], log: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": _database_url(), "REDIS_URL": settings.REDIS_URL,
           "DJANGO_SETTINGS_MODULE": "kesco.settings"}
    env.pop("DATABASE_REPLICA_URL", None)
    # One task at a time (solo pool, prefetch 1, acks late): what a worker takes, the other cannot.
    command = [sys.executable, "-m", "celery", "-A", "kesco", "worker", "--pool", "solo", "--loglevel", "info",
               "-n", name, "-Q", ",".join(queues), "--without-gossip", "--without-mingle", "--without-heartbeat"]
    with log.open("w") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)


def _stop(workers: list[subprocess.Popen]):
    for worker in workers:
        worker.send_signal(signal.SIGTERM)  # a warm shutdown, as `docker stop` asks
    for worker in workers:
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)


@pytest.fixture
def two_workers(transactional_db, tmp_path):
    """{node name: its log}: `worker` on both queues and `worker-lists` on the lists queue, listening."""
    from kesco.celery import app

    if not settings.REDIS_URL:
        pytest.fail("needs Redis: set REDIS_URL")  # (the needs_redis marker has said so first)
    app.conf.task_always_eager = False
    app.conf.broker_url = settings.REDIS_URL
    app.conf.result_backend = settings.REDIS_URL
    app.control.purge()  # empty queues: tasks earlier tests published and nobody ran are not this test's
    names = {f"worker-{os.getpid()}@test": ["celery", settings.DEFAULTER_LISTS_QUEUE],
             f"lists-{os.getpid()}@test": [settings.DEFAULTER_LISTS_QUEUE]}
    logs = {name: tmp_path / f"{name.split('@')[0]}.log" for name in names}
    workers = [_start_worker(name, queues, logs[name]) for name, queues in names.items()]
    try:
        deadline = time.monotonic() + 90
        answered: set[str] = set()
        while answered != set(names):
            for worker, name in zip(workers, names, strict=True):
                assert worker.poll() is None, f"{name} exited at start-up:\n{logs[name].read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"no answer to a ping from {set(names) - answered}"
            for reply in app.control.ping(destination=list(names), timeout=1.0):
                answered |= set(reply)
        yield logs
    finally:
        _stop(workers)


@pytest.mark.needs_redis
@pytest.mark.needs_postgres
def test_it_spreads_the_nightly_lists_over_two_worker_processes(two_workers):
    from defaulters.tasks import defaulter_lists_build_nightly_task

    for n, code in enumerate(DIVISIONS):
        owe(make_consumer(make_division(code, f"Division {code}")), f"{50000 + 1000 * n}.00", days_overdue=40)

    sent = defaulter_lists_build_nightly_task.delay()
    assert sent.get(timeout=60)["divisions"] == len(DIVISIONS)
    deadline = time.monotonic() + 60
    while DefaulterRun.objects.filter(status="done").count() < len(DIVISIONS) and time.monotonic() < deadline:
        time.sleep(0.2)

    assert sorted(DefaulterList.objects.values_list("division__code", "consumer_count")) == sorted(
        (code, 1) for code in DIVISIONS)
    # Each worker's log names the runs it built: together every division's, once; each worker some.
    built = {name: [int(run) for run in SUCCEEDED.findall(log.read_text())] for name, log in two_workers.items()}
    assert sorted(run for runs in built.values() for run in runs) == sorted(
        DefaulterRun.objects.values_list("pk", flat=True))
    assert all(built.values()), f"one worker built every list: {built}"
