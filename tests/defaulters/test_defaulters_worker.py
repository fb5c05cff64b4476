"""The nightly build through a real Celery worker and Redis, on PostgreSQL: the parent
task fans out one task per division and each commits its list where the web sees it."""

import time

import pytest

from core.dates import india_today
from defaulters.models import DefaulterList, DefaulterRun
from tests.defaulters.defaulter_data import owe
from tests.factories import make_consumer, make_division


@pytest.mark.needs_redis
@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_it_builds_every_divisions_list_through_a_worker(real_worker):
    from defaulters.tasks import defaulter_lists_build_nightly_task

    rtp, hsp = make_division("RTP", "Ratanpur"), make_division("HSP", "Hanspuram")
    owe(make_consumer(rtp), "50000.00", days_overdue=10)
    owe(make_consumer(hsp), "70000.00", days_overdue=10)
    owe(make_consumer(hsp), "80000.00", days_overdue=100)

    result = defaulter_lists_build_nightly_task.delay()
    assert result.get(timeout=30) == {"as_of": india_today().isoformat(), "divisions": 2}

    deadline = time.monotonic() + 30
    while DefaulterRun.objects.filter(status="done").count() < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert {(dl.division.code, dl.consumer_count) for dl in DefaulterList.objects.select_related("division")} == {
        ("RTP", 1), ("HSP", 2)}
    assert set(DefaulterRun.objects.values_list("trigger", "status")) == {("beat", "done")}
