"""Scenes for the payment-and-reconnection tests: a defaulter on an open stop, a cut consumer."""

from datetime import date, timedelta

from django.utils import timezone

from arrears.models import ConnectionStatus
from core.dates import india_today
from drives.models import Disconnection, Drive, Notice, Stop
from tests.factories import add_entry, make_consumer


def defaulter(division, *, account_no: str, owes: str = "40000.00", **fields):
    """A consumer owing ``owes`` since a bill that fell due in January."""
    consumer = make_consumer(division, account_no=account_no, **fields)
    add_entry(consumer, "BILL", owes, date(2026, 1, 1), due_date=date(2026, 1, 15))
    return consumer


def on_drive(consumer, *, officer, clerk) -> Stop:
    """An open stop at ``consumer`` on today's drive of the consumer's division, walked by ``clerk``."""
    drive = Drive.objects.create(division=consumer.division, date=india_today(), name="Morning drive", officer=officer,
                                 min_arrears="10000.00", max_stops=10, source="web")
    drive.clerks.add(clerk)
    return Stop.objects.create(drive=drive, consumer=consumer, clerk=clerk, sequence=1, arrears=consumer.arrears,
                               rank=1)


def cut(consumer, *, by) -> Disconnection:
    """``consumer`` disconnected an hour ago on their arrears then (written directly: the cut's own rules are
    tested with stop_outcome_log in tests/drives). An hour back, so every credit of the test comes after."""
    notice = Notice.objects.create(consumer=consumer, served_on=india_today() - timedelta(days=30), mode="hand",
                                   amount_demanded=consumer.arrears, recorded_by=by, source="web")
    disconnection = Disconnection.objects.create(
        consumer=consumer, notice=notice, method="cable_removed", disconnected_at=timezone.now() - timedelta(hours=1),
        arrears_at_disconnection=consumer.arrears, by=by, source="web")
    consumer.status = ConnectionStatus.DISCONNECTED
    consumer.save(update_fields=["status"])
    return disconnection
