"""Data for the recovery tests: consumers cut on a given day, written directly (the cut's rules are tested in
tests/drives)."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from core.dates import india_today
from tests.factories import add_entry, make_consumer


def cut(consumer, *, on: date, at: time = time(11, 0), by):
    """A notice and a cut of ``consumer`` at ``at`` India time on ``on``; the consumer disconnected."""
    from arrears.models import Consumer
    from drives.models import Disconnection, Notice

    notice = Notice.objects.create(consumer=consumer, served_on=on - timedelta(days=20), mode="hand",
                                   amount_demanded="1000.00", recorded_by=by, source="web")
    moment = datetime.combine(on, at, tzinfo=timezone.get_default_timezone())
    disconnection = Disconnection.objects.create(consumer=consumer, notice=notice, method="cable_removed",
                                                 disconnected_at=moment, arrears_at_disconnection=consumer.arrears,
                                                 by=by, source="web")
    Consumer.objects.filter(pk=consumer.pk).update(status="disconnected")
    consumer.refresh_from_db()
    return disconnection


def defaulter_cut_long_ago(division, *, by, account_no: str | None = None, days: int = 400):
    """A consumer owing ₹15,000 principal and ₹1,200 surcharge, cut ``days`` ago and never reconnected."""
    today = india_today()
    consumer = make_consumer(division, account_no=account_no, name="Shyam Lal")
    add_entry(consumer, "BILL", "15000.00", today - timedelta(days=days + 90),
              due_date=today - timedelta(days=days + 75))
    add_entry(consumer, "SURCHARGE", "1200.00", today - timedelta(days=days + 30))
    cut(consumer, on=today - timedelta(days=days), by=by)
    return consumer
