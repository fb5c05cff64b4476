"""The lifeline reconnection minimum (DESIGN.md, domain rules; UPPCL's order of November 2024): an LMV-1 consumer
with a sanctioned load of at most 1 kW is ordered reconnected after paying 10% of the arrears when cut, at least
₹250; every other consumer after 25%, at least ₹1,000. drives.reconnections.reconnection_minimum_for is the one
place the minimum is computed; reconnection_short_by says what is still to be paid."""

from decimal import Decimal

import pytest

from arrears.models import Consumer
from drives.reconnections import reconnection_approve, reconnection_minimum_for, reconnection_short_by
from payments.services import payment_record
from tests.drives.reconnection_data import cut, defaulter, on_drive


def cut_consumer(division, officer, *, category: str, load: str, owes: str) -> Consumer:
    consumer = defaulter(division, account_no="00054321", owes=owes, category=category, sanctioned_load_kw=load)
    cut(consumer, by=officer)
    return Consumer.objects.get(pk=consumer.pk)


def pay(user, amount: str, receipt_no: str):
    return payment_record(user=user, account_no="00054321", amount=amount, mode="cash", receipt_no=receipt_no)


@pytest.mark.parametrize("category, load, owes, minimum", [
    ("LMV-1", "0.50", "12000.00", "1200.00"),  # lifeline: 10% of the arrears when cut
    ("LMV-1", "1.00", "12000.00", "1200.00"),  # 1 kW is still lifeline
    ("LMV-1", "2.00", "12000.00", "3000.00"),  # LMV-1 above 1 kW: 25%
    ("LMV-1", "1.00", "2000.00", "250.00"),  # lifeline: 10% is 200, at least ₹250
    ("LMV-1", "1.01", "2000.00", "1000.00"),  # above 1 kW: 25% is 500, at least ₹1,000
    ("LMV-2", "0.50", "12000.00", "3000.00"),  # a small shop is not lifeline: 25%
    ("LMV-2", "0.50", "2000.00", "1000.00"),  # ... at least ₹1,000
])
def test_it_asks_a_lifeline_consumer_for_a_tenth_and_at_least_250_rupees(category, load, owes, minimum):
    consumer = Consumer(category=category, sanctioned_load_kw=Decimal(load))
    assert reconnection_minimum_for(consumer=consumer, arrears=Decimal(owes)) == Decimal(minimum)


def test_it_reads_the_lifeline_share_and_amount_from_the_settings(settings):
    settings.RECONNECTION_MIN_SHARE_LIFELINE, settings.RECONNECTION_MIN_AMOUNT_LIFELINE = (
        Decimal("0.05"), Decimal("100.00"))
    lifeline = Consumer(category="LMV-1", sanctioned_load_kw=Decimal("0.50"))
    assert reconnection_minimum_for(consumer=lifeline, arrears=Decimal("12000.00")) == Decimal("600.00")
    assert reconnection_minimum_for(consumer=lifeline, arrears=Decimal("1000.00")) == Decimal("100.00")


def test_a_lifeline_consumer_is_ordered_reconnected_after_paying_a_tenth(rtp, officer, clerk):
    consumer = cut_consumer(rtp, officer, category="LMV-1", load="0.50", owes="12000.00")
    assert reconnection_short_by(consumer=consumer) == Decimal("1200.00")
    first = pay(clerk, "1199.99", "R-1")
    assert (first.reconnection_order, first.reconnection_short_by) == (None, Decimal("0.01"))
    order = pay(clerk, "0.01", "R-2").reconnection_order
    assert (order.minimum, order.paid) == (Decimal("1200.00"), Decimal("1200.00"))
    consumer.refresh_from_db()
    assert reconnection_short_by(consumer=consumer) is None  # the cut has its order


def test_an_lmv1_consumer_above_1_kw_needs_a_quarter(rtp, officer, clerk):
    cut_consumer(rtp, officer, category="LMV-1", load="2.00", owes="12000.00")
    assert pay(clerk, "1200.00", "R-1").reconnection_order is None
    assert pay(clerk, "1799.99", "R-2").reconnection_order is None
    assert pay(clerk, "0.01", "R-3").reconnection_order.minimum == Decimal("3000.00")


def test_a_lifeline_consumer_with_small_arrears_needs_250_rupees(rtp, officer, clerk):
    cut_consumer(rtp, officer, category="LMV-1", load="1.00", owes="2000.00")
    assert pay(clerk, "200.00", "R-1").reconnection_short_by == Decimal("50.00")
    assert pay(clerk, "50.00", "R-2").reconnection_order.minimum == Decimal("250.00")


def test_a_commercial_consumer_needs_a_quarter_and_at_least_1000_rupees(rtp, officer, clerk):
    cut_consumer(rtp, officer, category="LMV-2", load="0.50", owes="2000.00")
    assert pay(clerk, "999.99", "R-1").reconnection_short_by == Decimal("0.01")
    assert pay(clerk, "0.01", "R-2").reconnection_order.minimum == Decimal("1000.00")


def test_an_officers_approval_below_the_minimum_records_the_lifeline_minimum(rtp, officer, clerk):
    cut_consumer(rtp, officer, category="LMV-1", load="0.50", owes="12000.00")
    pay(clerk, "500.00", "R-1")
    order = reconnection_approve(user=officer, account_no="00054321", reason="pays the rest with the next bill")
    assert (order.minimum, order.paid, order.approved_by) == (Decimal("1200.00"), Decimal("500.00"), officer)


def test_it_says_nothing_is_short_for_a_connected_consumer(rtp, clerk):
    consumer = defaulter(rtp, account_no="00054321", category="LMV-1", sanctioned_load_kw="0.50")
    assert reconnection_short_by(consumer=Consumer.objects.get(pk=consumer.pk)) is None
    assert pay(clerk, "100.00", "R-1").reconnection_short_by is None


def test_it_says_nothing_is_short_for_a_consumer_cut_before_drives_were_recorded(rtp, clerk):
    # The billing system's status, no cut here to reconnect from: no minimum to reach either.
    defaulter(rtp, account_no="00054321", status="disconnected")
    assert reconnection_short_by(consumer=Consumer.objects.get(account_no="00054321")) is None
    assert pay(clerk, "100.00", "R-1").reconnection_short_by is None


# --- the pages: the minimum as reconnection_minimum_for computes it ------------------------------------------------

def test_the_consumer_page_and_the_stop_page_show_the_lifeline_minimum_and_what_is_still_short(
        rtp, officer, clerk, client):
    consumer = defaulter(rtp, account_no="00054321", owes="12000.00", category="LMV-1", sanctioned_load_kw="0.50")
    stop = on_drive(consumer, officer=officer, clerk=clerk)
    cut(consumer, by=officer)
    pay(clerk, "1000.00", "R-1")
    shown = ('data-minimum="1200.00" data-short-by="200.00"><strong>₹1,200.00</strong> '
             '<span class="muted">paid since the cut ₹1,000.00, still short ₹200.00</span>')
    client.force_login(officer)
    assert shown in client.get("/consumers/00054321/").content.decode()
    client.force_login(clerk)
    assert shown in client.get(f"/field/stops/{stop.pk}/").content.decode()

    pay(clerk, "200.00", "R-2")  # the order is made: nothing more is due
    assert "reconnection-due" not in client.get(f"/field/stops/{stop.pk}/").content.decode()
    assert "reconnection-due" not in client.get("/consumers/00054321/").content.decode()


def test_the_consumer_page_shows_no_minimum_for_a_connected_consumer(rtp, officer, client):
    defaulter(rtp, account_no="00054321", category="LMV-1", sanctioned_load_kw="0.50")
    client.force_login(officer)
    assert "reconnection-due" not in client.get("/consumers/00054321/").content.decode()
