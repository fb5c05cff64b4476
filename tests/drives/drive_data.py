"""Scenes for the drives tests: defaulters on a built list, notices, a planned drive."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from core.dates import india_today
from core.models import Source
from defaulters.services import defaulter_list_build_division
from drives.notices import notice_record
from drives.services import drive_plan
from tests.defaulters.defaulter_data import owe
from tests.factories import make_consumer


def defaulter(division, amount: str = "50000.00", *, days_overdue: int = 60, address: str = "7 Lal Bangla, Kanpur",
              **fields):
    consumer = make_consumer(division, address=address, **fields)
    owe(consumer, amount, days_overdue=days_overdue)
    consumer.refresh_from_db()
    return consumer


def build_list(division):
    return defaulter_list_build_division(division_id=division.pk, as_of=india_today(), trigger="command")


def served(officer, consumer, on: date | None = None, *, amount=None):
    """A notice served long enough ago to permit a cut today (30 days back unless ``on``), demanding
    ``amount`` or the consumer's arrears now: entered by the officer later, as the rules ask of a back-dated
    notice, with a reason and the proof of service's reference."""
    return notice_record(user=officer, account_no=consumer.account_no, served_on=on or india_today() - timedelta(30),
                         mode="hand", amount_demanded=amount or consumer.arrears, source=Source.WEB,
                         reason="entered from the signed acknowledgement", proof_ref=f"ACK-{consumer.account_no}")


def plan(officer, division, clerks, **fields):
    fields = {"date": india_today(), "name": "Drive", "min_arrears": Decimal("0"), "max_stops": 100,
              "source": Source.WEB, **fields}
    return drive_plan(user=officer, division=division, clerks=clerks, **fields)


def noon(day: date) -> datetime:
    """Midday on ``day`` in India (the project's time zone)."""
    return timezone.make_aware(datetime.combine(day, time(12, 0)))
