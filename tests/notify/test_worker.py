"""Messages through a real worker and Redis (not eager mode): queued on commit, sent by the worker, retried
through the broker when the gateway is down for a moment."""

import time
from datetime import date

import pytest
from django.db import transaction

from core.dates import india_today
from drives.notices import notice_record
from notify.models import Message
from tests.factories import add_entry, make_consumer


def _wait_for(condition, seconds: float = 20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.needs_redis
@pytest.mark.django_db(transaction=True)
def test_it_sends_a_notice_sms_through_the_worker_retrying_the_gateway(rtp, clerk, gateway, real_worker):
    consumer = make_consumer(rtp, account_no="00012345", phone="9839012345")
    add_entry(consumer, "BILL", "20000.00", date(2026, 1, 1), due_date=date(2026, 1, 15))
    gateway.failures = [503]  # down for the first try: the worker retries through the broker (backoff 1 s)

    with transaction.atomic():
        notice_record(user=clerk, account_no="00012345", served_on=india_today(), mode="sms",
                      amount_demanded="20000.00")
        assert Message.objects.get().status == "queued"

    assert _wait_for(lambda: Message.objects.get().status == "sent"), Message.objects.get().last_error
    message = Message.objects.get()
    assert message.attempts == 2 and len(gateway.requests) == 2
