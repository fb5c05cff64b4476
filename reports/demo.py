"""Demo history for `make run`: the drives of the last few working days, so the MD's summary of yesterday
and the 30-day charts have a story to tell (cuts, payments on the spot, reconnections).

Each past drive goes through the same services as a real day: planned from the division's list, its
outcomes logged at that day's hours, payments taken at the stops (dated that day, by the officer with the
reason, as a receipt book entered afterwards would be) and reconnections done. Only the drive's date is
set back after planning: a drive is never planned for a past day. The days are worked oldest first, as
they happened: a consumer cut, paid and reconnected on one day may be cut again on a later day, never on
an earlier one (a cut before the consumer's last reconnection is refused, 409 before_reconnection, and
would leave the consumer cut with their payment already spent). Idempotent: a division with a drive on
a day is left alone for that day.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import ROUND_UP, Decimal

from django.conf import settings
from django.utils import timezone

from accounts.demo import DEMO_DIVISIONS
from accounts.models import Division, User
from arrears.models import Consumer
from core.dates import india_today
from core.errors import DomainError
from core.models import Source
from defaulters.models import DefaulterList, DefaulterTrigger
from defaulters.selectors import defaulter_entries, defaulter_list_latest
from defaulters.services import defaulter_list_build_division
from drives.demo import demo_owing_on
from drives.models import Drive, Stop
from drives.notices import notices_record_bulk
from drives.reconnections import reconnection_done, stop_paid_needs
from drives.services import drive_close, drive_plan, stop_outcome_log
from payments.services import payment_record

HISTORY_DAYS = 3  # working days before today, yesterday first
STOPS_PER_DAY = 3  # the demo's divisions have some 15 defaulters each: most are left for today's drive
NOTICE_DAYS_BEFORE = 30  # before today: lawful for every past day of the history
BIG_ARREARS = Decimal("200000.00")  # above this a consumer in the demo does not pay on the spot: cut


@dataclass
class DemoHistory:
    drives: int = 0
    disconnections: int = 0
    payments: int = 0
    reconnections: int = 0


def _past_working_days(today, count: int) -> list:
    days, day = [], today
    while len(days) < count:
        day -= timedelta(days=1)
        if day.weekday() != 6:  # no drives on Sundays
            days.append(day)
    return days


def _at(day, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def demo_history_seed() -> DemoHistory:
    today = india_today()
    result = DemoHistory()
    receipts = 0
    for code, _name, _hi in DEMO_DIVISIONS:
        division = Division.objects.get(code=code)
        officer = User.objects.get(username=f"officer_{code.lower()}")
        clerk = User.objects.get(username=f"clerk_{code.lower()}")
        defaulters = defaulter_list_latest(officer, division)
        if defaulters is None:
            continue
        served_on = today - timedelta(days=NOTICE_DAYS_BEFORE)
        entries = [e for e in defaulter_entries(defaulters) if not e.is_protected][:STOPS_PER_DAY * HISTORY_DAYS]
        accounts = demo_owing_on(entries, on=served_on)
        if accounts:
            # Back-dated: entered by the officer with a reason and the proof's reference, as the rules ask.
            notices_record_bulk(user=officer, account_nos=accounts, mode="hand", served_on=served_on,
                                reason="entered from the dispatch register after the demo's service round",
                                proof_ref=f"DR-{code}-{served_on:%Y%m%d}", source=Source.COMMAND)
        # Oldest first (day_index still counts back from yesterday, so each day keeps its mix of outcomes).
        for day_index, day in reversed(list(enumerate(_past_working_days(today, HISTORY_DAYS)))):
            if Drive.objects.filter(division=division, date=day).exists():
                continue
            if not DefaulterList.objects.filter(division=division, as_of=day).exists():
                # That night's list, so a summary of the day has its defaulters and arrears.
                defaulter_list_build_division(division_id=division.pk, as_of=day, trigger=DefaulterTrigger.COMMAND)
            try:
                drive = drive_plan(user=officer, division=division, date=today,
                                   name=f"{division.name}: {day:%d-%m} drive", min_arrears=settings.DEFAULTER_THRESHOLD,
                                   max_stops=STOPS_PER_DAY, clerks=[clerk], source=Source.COMMAND)
            except DomainError:
                continue
            Drive.objects.filter(pk=drive.pk).update(date=day)
            result.drives += 1
            stops = list(Stop.objects.filter(drive=drive).select_related("consumer").order_by("sequence"))
            for index, stop in enumerate(stops):
                at = _at(day, 10 + index // 2, (index * 17) % 60)
                plan = (index + day_index) % 3
                if plan in (0, 2) and stop.consumer.arrears > BIG_ARREARS:
                    plan = 1  # a quarter of a big defaulter's arrears is not found on the doorstep: cut, not paid
                if plan in (0, 1):
                    try:
                        stop_outcome_log(user=clerk, stop=stop, outcome="disconnected", method="cable_removed",
                                         at=at, source=Source.COMMAND)
                    except DomainError:
                        stop_outcome_log(user=clerk, stop=stop, outcome="premises_locked", at=at, source=Source.COMMAND)
                        continue
                    result.disconnections += 1
                if plan in (0, 2):
                    consumer = Consumer.objects.get(pk=stop.consumer_id)
                    # A cut consumer pays the reconnection minimum (a quarter of the arrears) to be reconnected;
                    # one not cut pays what closes the stop as paid on the spot (stop_paid_needs: the minimum on
                    # the arrears, or down to the threshold if that is less), in whole rupees up: a smaller sum
                    # would leave the stop part-paid and open, to be cut.
                    if plan == 0:
                        amount = max(settings.RECONNECTION_MIN_AMOUNT, (consumer.arrears * Decimal("0.25")).quantize(
                            Decimal("1"), rounding=ROUND_UP))
                    else:
                        amount = stop_paid_needs(stop=stop, consumer=consumer).quantize(Decimal("1"),
                                                                                         rounding=ROUND_UP)
                    if amount <= 0:
                        continue
                    receipts += 1
                    payment = payment_record(
                        user=officer, account_no=consumer.account_no, amount=amount,
                        mode="cash" if index % 3 else "upi",
                        instrument_no="" if index % 3 else f"UPI{day:%m%d}{receipts:04d}",
                        receipt_no=f"DEMO-{code}-{day:%Y%m%d}-{receipts:04d}", paid_at=at + timedelta(minutes=20),
                        drive_stop_id=stop.pk, backdate_reason="demo: entered from the field receipt book",
                        source=Source.COMMAND)
                    result.payments += 1
                    if payment.reconnection_order_id:
                        reconnection_done(user=clerk, order=payment.reconnection_order,
                                          reconnected_at=at + timedelta(hours=2), source=Source.COMMAND)
                        result.reconnections += 1
            drive_close(user=officer, drive=Drive.objects.get(pk=drive.pk), source=Source.COMMAND)
    return result
