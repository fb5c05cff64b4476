"""The broker path, proven once through a real worker and Redis (not eager mode)."""

import pytest

from kesco.celery import ping


@pytest.mark.needs_redis
def test_it_runs_a_task_through_redis_and_a_worker(real_worker):
    result = ping.delay()
    assert result.get(timeout=20) == "pong"
    assert result.status == "SUCCESS"
