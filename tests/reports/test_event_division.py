"""Each field event counts for the division its consumer was in when it was written (issue 21, item 11).

IT's imports redraw divisions: a consumer moved from Hanspuram into Ratanpur for a while is served, cut,
paid on the spot and reconnected there, and moved back; events are then changed and deleted. The day book
(reports.EventDay) must still equal the recount of the event tables, with no division counted down for
events it never had (the bench's negative count).
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import F

from arrears.models import Consumer
from core.dates import india_today
from core.models import Source
from drives.models import Disconnection, Notice, ReconnectionOrder, Stop
from drives.notices import notices_record_bulk
from drives.reconnections import reconnection_done
from drives.services import stop_outcome_log
from payments.models import Payment
from payments.services import payment_record
from reports.models import EventDay
from reports.selectors import event_days_mismatches, summary
from tests.drives.drive_data import build_list, defaulter, plan, served

pytestmark = pytest.mark.django_db


def _moved(consumer, division) -> None:
    """As IT's consumers import moves a consumer: the row's division changes, nothing else is told."""
    Consumer.objects.filter(pk=consumer.pk).update(division=division)
    consumer.refresh_from_db()


def _book(*divisions) -> dict:
    """{(division code, figure): total over every day} for the figures that are not zero."""
    found = {}
    for row in EventDay.objects.filter(division__in=divisions).select_related("division"):
        for figure in ("notices_served", "disconnections", "paid_on_spot_count", "reconnections"):
            if getattr(row, figure):
                key = (row.division.code, figure)
                found[key] = found.get(key, 0) + getattr(row, figure)
    return found


def test_it_keeps_events_in_the_division_they_happened_in_when_the_consumer_moves_and_back(
        rtp, hsp, officer, clerk, other_officer, md):
    today = india_today()
    moving = defaulter(hsp, "40000.00", account_no="20000001")
    staying = defaulter(rtp, "45000.00", account_no="10000001")
    early = served(other_officer, moving, on=today - timedelta(days=40))  # served while still in Hanspuram

    _moved(moving, rtp)
    # In Ratanpur: served, put on a drive, cut, paid on the spot, reconnected; and a batch of notices.
    served(officer, moving)
    served(officer, staying)
    build_list(rtp)
    drive = plan(officer, rtp, [clerk])
    stop = Stop.objects.get(drive=drive, consumer=moving)
    stop_outcome_log(user=clerk, stop=stop, outcome="disconnected", method="cable_removed")
    payment = payment_record(user=clerk, account_no=moving.account_no, amount="35000.00", mode="cash",
                             receipt_no="RTP-1", drive_stop_id=stop.pk)
    reconnection_done(user=clerk, order=payment.reconnection_order)
    batch = notices_record_bulk(user=officer, account_nos=[moving.account_no, staying.account_no], served_on=today,
                                mode="hand", source=Source.WEB)
    # Changed while the consumer is in Ratanpur: a notice's day of service corrected.
    Notice.objects.filter(pk=batch[0].pk).update(served_on=today - timedelta(days=1))

    _moved(moving, hsp)
    # Back in Hanspuram: a notice served there now, and the Ratanpur events changed and deleted.
    served(other_officer, moving, on=today)
    ReconnectionOrder.objects.filter(consumer=moving).update(done_at=F("done_at") - timedelta(hours=1))
    Notice.objects.filter(pk__in=[n.pk for n in batch]).delete()
    Payment.objects.filter(pk=payment.pk).update(amount=Decimal("34000.00"))

    # Every event kept the division it was written in.
    assert Notice.objects.get(pk=early.pk).division == hsp
    assert {n.division.code for n in Notice.objects.filter(consumer=moving, recorded_by=officer)} == {"RTP"}
    assert Disconnection.objects.get(consumer=moving).division == rtp
    assert Payment.objects.get(pk=payment.pk).division == rtp
    assert ReconnectionOrder.objects.get(consumer=moving).division == rtp

    # The day book equals the recount, and no division is counted down for what it never had.
    assert event_days_mismatches(today - timedelta(days=60), today) == []
    assert not EventDay.objects.filter(notices_served__lt=0).exists()
    assert _book(rtp, hsp) == {
        ("RTP", "notices_served"): 2, ("RTP", "disconnections"): 1, ("RTP", "paid_on_spot_count"): 1,
        ("RTP", "reconnections"): 1, ("HSP", "notices_served"): 2,
    }
    # The MD's summary of the range says the same, division by division.
    rows = {row.code: row for row in summary(md, date_from=today - timedelta(days=60), date_to=today).rows}
    assert (rows["RTP"].notices_served, rows["RTP"].disconnections, rows["RTP"].paid_on_spot_amount,
            rows["RTP"].reconnections) == (2, 1, Decimal("34000.00"), 1)
    assert (rows["HSP"].notices_served, rows["HSP"].disconnections, rows["HSP"].paid_on_spot_count) == (2, 0, 0)


def test_it_takes_the_consumers_division_of_the_moment_for_an_event_saved_without_one(rtp, hsp, officer):
    consumer = defaulter(rtp, account_no="10000002")
    notice = Notice.objects.create(consumer=consumer, served_on=india_today(), mode="hand",
                                   amount_demanded=Decimal("100.00"), recorded_by=officer, source=Source.WEB)
    _moved(consumer, hsp)
    notice.refresh_from_db()
    notice.mode = "post"
    notice.save()  # a later save (the admin's) keeps it where it was written
    assert Notice.objects.get(pk=notice.pk).division == rtp
    assert _book(rtp, hsp) == {("RTP", "notices_served"): 1}
    assert event_days_mismatches(india_today(), india_today()) == []


def test_it_reports_an_event_whose_book_day_is_in_another_division(rtp, hsp, officer):
    consumer = defaulter(rtp, account_no="10000003")
    served(officer, consumer, on=india_today())
    # As the old triggers left it: the notice counted in Ratanpur, taken out of Hanspuram.
    EventDay.objects.filter(division=rtp).update(notices_served=0)
    EventDay.objects.create(division=hsp, day=india_today(), notices_served=-1)
    assert sorted((division_id, figure, book, recount) for division_id, _day, figure, book, recount
                  in event_days_mismatches(india_today(), india_today())) == [
        (rtp.pk, "notices_served", 0, 1), (hsp.pk, "notices_served", -1, 0)]
