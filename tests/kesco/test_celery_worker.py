"""The broker path, proven once through a real worker and Redis (not eager mode)."""

import pytest
from celery.contrib.testing.worker import start_worker

from kesco.celery import app, ping


@pytest.fixture
def real_worker(settings):
    app.conf.task_always_eager = False
    app.conf.broker_url = settings.REDIS_URL
    app.conf.result_backend = settings.REDIS_URL
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield
    app.conf.task_always_eager = True


@pytest.mark.needs_redis
def test_it_runs_a_task_through_redis_and_a_worker(real_worker):
    result = ping.delay()
    assert result.get(timeout=20) == "pong"
    assert result.status == "SUCCESS"
