"""The live drive page's "Settled by a payment" (issue 21, item 6): it counts every stop a payment closed, the one
paid at the door (outcome paid) as well as the one settled by a payment taken elsewhere, never a stop that was
cut or merely part-paid. The page once said 0 while a stop it listed stood at ₹0."""

import re
from decimal import Decimal

import pytest

from drives.models import Stop, StopStatus
from drives.selectors import drive_progress
from payments.services import payment_record
from tests.drives.reconnection_data import defaulter, on_drive

pytestmark = pytest.mark.django_db


def pay(user, consumer, amount: str, receipt_no: str, *, stop=None):
    return payment_record(user=user, account_no=consumer.account_no, amount=Decimal(amount), mode="cash",
                          receipt_no=receipt_no, drive_stop_id=stop.pk if stop else None)


@pytest.fixture
def stops(rtp, officer, clerk):
    """Today's drive with four open stops, in order."""
    first = on_drive(defaulter(rtp, account_no="00019042", owes="19042.00"), officer=officer, clerk=clerk)
    rest = [Stop.objects.create(drive=first.drive, consumer=consumer, clerk=clerk, sequence=number,
                                arrears=consumer.arrears, rank=number)
            for number, consumer in enumerate([defaulter(rtp, account_no=f"0002000{n}", owes="30000.00")
                                               for n in (2, 3, 4)], start=2)]
    return [first, *rest]


def test_it_counts_the_stops_paid_at_the_door_and_those_settled_elsewhere(client, officer, clerk, stops):
    at_door, at_counter, part_paid, untouched = stops
    pay(clerk, at_door.consumer, "19042.00", "RTP-1", stop=at_door)  # paid in full at the stop: ₹0 now
    pay(officer, at_counter.consumer, "25000.00", "RTP-2")  # paid at the office: below the threshold
    pay(clerk, part_paid.consumer, "100.00", "RTP-3", stop=part_paid)  # too little: the stop stays open
    for stop in stops:
        stop.refresh_from_db()
    assert (at_door.status, at_door.outcome) == (StopStatus.DONE, "paid")
    assert at_counter.status == StopStatus.SETTLED
    assert (part_paid.status, untouched.status) == (StopStatus.OPEN, StopStatus.OPEN)

    assert drive_progress(at_door.drive)["settled"] == 2

    client.force_login(officer)
    page = client.get(f"/drives/{at_door.drive_id}/").content.decode()
    assert re.search(r"<dd data-settled>2</dd>", page)
    assert "₹0.00" in page  # the stop paid in full, listed at its arrears now


def test_a_cut_stop_paid_afterwards_is_not_settled_by_a_payment(officer, clerk, stops):
    from drives.services import stop_outcome_log
    from tests.payments.test_stop_payments import served

    stop = stops[0]
    served(stop.consumer, officer)
    stop_outcome_log(user=clerk, stop=stop, outcome="disconnected", method="cable_removed")
    pay(officer, stop.consumer, "19042.00", "RTP-9")

    assert drive_progress(stop.drive)["settled"] == 0
