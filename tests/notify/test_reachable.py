"""The officer's home: the share of the division's defaulters whose number is verified (a message delivered)."""

from datetime import date

from django.core.management import call_command
from django.utils import timezone

from notify.models import Message
from tests.factories import add_entry, make_consumer


def _message(consumer, *, status: str, phone: str | None = None):
    return Message.objects.create(consumer=consumer, phone=phone or consumer.phone, channel="sms", template="notice",
                                  language="hi", text="…", belongs_to_kind="notice", belongs_to_id=1, status=status,
                                  delivered_at=timezone.now() if status == "delivered" else None)


def test_it_shows_the_share_of_defaulters_with_a_verified_number(client, officer, rtp):
    consumers = []
    for n in range(4):
        consumer = make_consumer(rtp, account_no=f"0005000{n}", phone=f"98390{n:05d}")
        add_entry(consumer, "BILL", "20000.00", date(2026, 1, 1), due_date=date(2026, 1, 15))
        consumers.append(consumer)
    _message(consumers[0], status="delivered")
    _message(consumers[1], status="sent")  # sent is not delivered
    _message(consumers[2], status="delivered", phone="9000000000")  # delivered to a number since changed
    call_command("build_defaulter_lists", verbosity=0)

    client.force_login(officer)
    page = client.get("/").content.decode()

    assert 'data-figure="defaulters_verified_pct">25.0%' in page
    assert "1 of 4: a message to their number was delivered" in page
