"""A payment taken at a stop (DESIGN.md, domain rules): it closes the stop as paid on the spot only when it brings
the arrears to the threshold or below, or reaches the reconnection minimum on the arrears before it; a smaller
sum is part-paid (the stop stays open and may still be cut). It may name only a stop of an open drive of the day
it is paid, the clerk's own (an officer of the division may name any). `POST payments/` answers stop_outcome and
reconnection_short_by; the clerk's pay page says the same."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from arrears.models import LedgerEntry
from core.dates import india_today
from drives.models import DriveStatus, Notice, ReconnectionOrder, StopStatus
from drives.selectors import drive_progress
from drives.services import drive_close, stop_outcome_log
from payments.models import Payment
from tests.drives.reconnection_data import cut, defaulter, on_drive
from tests.factories import make_user

pytestmark = pytest.mark.django_db

ACCOUNT = "00019042"
# 25% of 19,042: the reconnection minimum on these arrears (the settings' defaults).
MINIMUM = Decimal("4760.50")


@pytest.fixture
def consumer(rtp):
    return defaulter(rtp, account_no=ACCOUNT, owes="19042.00")


@pytest.fixture
def stop(consumer, officer, clerk):
    return on_drive(consumer, officer=officer, clerk=clerk)


@pytest.fixture
def clerk2(rtp):
    return make_user("clerk2_rtp", "clerk", rtp)


def pay(api_client, user, amount: str, *, stop=None, receipt_no: str = "RTP-S-1", **fields):
    api_client.force_authenticate(user)
    body = {"account_no": ACCOUNT, "amount": amount, "mode": "cash", "receipt_no": receipt_no, **fields}
    if stop is not None:
        body["drive_stop"] = stop.pk
    return api_client.post("/api/v1/payments/", body, format="json")


def served(consumer, officer):
    """A notice served a month ago demanding the arrears: a cut is lawful today."""
    Notice.objects.create(consumer=consumer, served_on=india_today() - timedelta(days=30), mode="hand",
                          amount_demanded=consumer.arrears, recorded_by=officer, source="web")


# --- what the payment does to the stop ------------------------------------------------------------------------

@pytest.mark.parametrize("amount", ["0.01", "500.00", str(MINIMUM - Decimal("0.01"))])
def test_it_leaves_the_stop_open_and_part_paid_after_less_than_the_minimum(api_client, consumer, stop, officer,
                                                                           clerk, amount):
    response = pay(api_client, clerk, amount, stop=stop)

    assert response.status_code == 201, response.json()
    assert (response.json()["stop_outcome"], response.json()["reconnection_short_by"]) == ("part_paid", None)
    stop.refresh_from_db()
    assert (stop.status, stop.outcome, stop.paid_amount, stop.payments_count) == (
        StopStatus.OPEN, "", Decimal(amount), 1)
    assert stop.part_paid
    payment = Payment.objects.get()
    assert (payment.drive_stop, payment.stop_outcome) == (stop, "part_paid")
    # The cut is still allowed.
    served(consumer, officer)
    stop_outcome_log(user=clerk, stop=stop, outcome="disconnected", method="cable_removed")
    stop.refresh_from_db()
    assert (stop.status, stop.outcome) == (StopStatus.DONE, "disconnected")


def test_a_token_payment_then_500_leave_the_stop_part_paid_and_out_of_the_paid_figures(api_client, stop, clerk):
    assert pay(api_client, clerk, "0.01", stop=stop, receipt_no="RTP-S-1").json()["stop_outcome"] == "part_paid"
    assert pay(api_client, clerk, "500.00", stop=stop, receipt_no="RTP-S-2").json()["stop_outcome"] == "part_paid"

    stop.refresh_from_db()
    assert (stop.status, stop.paid_amount, stop.payments_count) == (StopStatus.OPEN, Decimal("500.01"), 2)
    progress = drive_progress(stop.drive)
    assert progress["outcomes"]["paid"] == 0 and progress["paid_on_spot_amount"] == Decimal("0.00")
    assert (progress["part_paid"], progress["left"]) == (1, 1)
    # The money taken at the drive's stops is still the drive's money.
    assert (progress["payments"], progress["collected"]) == (2, Decimal("500.01"))


def test_a_payment_of_the_minimum_closes_the_stop_as_paid_and_no_cut_follows(api_client, consumer, stop, officer,
                                                                             clerk):
    response = pay(api_client, clerk, str(MINIMUM), stop=stop)

    assert response.status_code == 201, response.json()
    assert response.json()["stop_outcome"] == "paid"
    stop.refresh_from_db()
    assert (stop.status, stop.outcome, stop.outcome_by, stop.outcome_source, stop.paid_amount) == (
        StopStatus.DONE, "paid", clerk, "api", MINIMUM)
    assert Payment.objects.get().stop_outcome == "paid"
    progress = drive_progress(stop.drive)
    assert (progress["outcomes"]["paid"], progress["paid_on_spot_amount"], progress["part_paid"]) == (1, MINIMUM, 0)
    served(consumer, officer)
    refused = api_client.post(f"/api/v1/drives/{stop.drive_id}/stops/{stop.pk}/outcome/",
                              {"outcome": "disconnected", "method": "cable_removed"}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (409, "stop_closed")


def test_instalments_at_the_stop_that_together_reach_the_minimum_close_it(api_client, stop, clerk):
    assert pay(api_client, clerk, "3000.00", stop=stop, receipt_no="RTP-S-1").json()["stop_outcome"] == "part_paid"
    # 3,000 cash and 1,760.50 by UPI: 4,760.50, the minimum on the 19,042 owed before the first.
    second = pay(api_client, clerk, "1760.50", stop=stop, receipt_no="RTP-S-2", mode="upi",
                 instrument_no="412345678901")
    assert second.json()["stop_outcome"] == "paid"
    stop.refresh_from_db()
    assert (stop.status, stop.outcome, stop.paid_amount, stop.payments_count) == (
        StopStatus.DONE, "paid", Decimal("4760.50"), 2)


@pytest.mark.parametrize("amount, outcome", [("2000.00", "paid"), ("1999.99", "part_paid")])
def test_a_payment_bringing_the_arrears_to_the_threshold_closes_the_stop(api_client, rtp, officer, clerk, amount,
                                                                         outcome):
    # 12,000 owed: the minimum is 3,000, but 2,000 brings the arrears to 10,000, the threshold.
    consumer = defaulter(rtp, account_no=ACCOUNT, owes="12000.00")
    stop = on_drive(consumer, officer=officer, clerk=clerk)

    response = pay(api_client, clerk, amount, stop=stop)

    assert response.json()["stop_outcome"] == outcome
    stop.refresh_from_db()
    assert stop.status == (StopStatus.DONE if outcome == "paid" else StopStatus.OPEN)


def test_a_payment_without_a_stop_has_no_stop_outcome(api_client, consumer, stop, clerk):
    response = pay(api_client, clerk, "500.00")
    assert (response.json()["stop_outcome"], response.json()["reconnection_short_by"]) == (None, None)
    stop.refresh_from_db()
    assert (stop.status, stop.paid_amount, stop.payments_count) == (StopStatus.OPEN, Decimal("0.00"), 0)


def test_a_tap_cannot_mark_a_part_paid_stop_paid(api_client, stop, clerk):
    pay(api_client, clerk, "500.00", stop=stop)
    refused = api_client.post(f"/api/v1/drives/{stop.drive_id}/stops/{stop.pk}/outcome/", {"outcome": "paid"},
                              format="json")
    assert (refused.status_code, refused.json()["code"]) == (409, "payment_required")
    stop.refresh_from_db()
    assert stop.status == StopStatus.OPEN


# --- which stop a payment may name ----------------------------------------------------------------------------

def _refused(response, code: str) -> None:
    assert response.status_code == 409, response.json()
    assert (response.json()["code"], response.json()["field"]) == (code, "drive_stop")
    assert not Payment.objects.exists()
    assert not LedgerEntry.objects.filter(kind="PAYMENT").exists()


def test_it_refuses_another_clerks_stop(api_client, stop, clerk2):
    stop.drive.clerks.add(clerk2)
    _refused(pay(api_client, clerk2, str(MINIMUM), stop=stop), "stop_not_yours")
    stop.refresh_from_db()
    assert (stop.status, stop.payments_count) == (StopStatus.OPEN, 0)


@pytest.mark.parametrize("who", ["officer", "it_admin"])
def test_an_officer_or_it_may_name_any_stop_of_the_division(api_client, stop, request, who):
    response = pay(api_client, request.getfixturevalue(who), str(MINIMUM), stop=stop)
    assert response.status_code == 201, response.json()
    assert response.json()["stop_outcome"] == "paid"


def test_it_refuses_a_stop_of_a_closed_drive(api_client, stop, clerk, officer):
    stop.drive.status = DriveStatus.CLOSED
    stop.drive.save()
    _refused(pay(api_client, clerk, str(MINIMUM), stop=stop), "drive_closed")
    _refused(pay(api_client, officer, str(MINIMUM), stop=stop), "drive_closed")


def test_a_stop_left_unvisited_by_closing_its_drive_is_refused_as_a_closed_drive(api_client, stop, clerk, officer):
    # Money taken there with no network reaches the server after the officer closed the drive: the clerk is told
    # the drive is closed (and to record it without the stop), not that the stop does not exist.
    drive_close(user=officer, drive=stop.drive)
    stop.refresh_from_db()
    assert stop.status == StopStatus.UNVISITED
    _refused(pay(api_client, clerk, str(MINIMUM), stop=stop), "drive_closed")
    assert pay(api_client, clerk, str(MINIMUM)).status_code == 201


@pytest.mark.parametrize("days", [-1, 1])
def test_it_refuses_a_stop_of_a_drive_of_another_day(api_client, stop, clerk, officer, days):
    stop.drive.date = india_today() + timedelta(days=days)
    stop.drive.save()
    _refused(pay(api_client, clerk, str(MINIMUM), stop=stop), "drive_not_today")
    _refused(pay(api_client, officer, str(MINIMUM), stop=stop), "drive_not_today")


def test_an_officer_entering_the_receipt_book_names_the_stop_of_that_days_drive(api_client, stop, clerk, officer):
    yesterday = india_today() - timedelta(days=1)
    stop.drive.date = yesterday
    stop.drive.save()
    paid_at = (timezone.now() - timedelta(days=1)).isoformat()
    # A clerk's payment is today's: not even back-dated may it name yesterday's stop.
    _refused(pay(api_client, clerk, str(MINIMUM), stop=stop, paid_at=paid_at), "drive_not_today")

    response = pay(api_client, officer, str(MINIMUM), stop=stop, paid_at=paid_at)

    assert response.status_code == 201, response.json()
    assert response.json()["stop_outcome"] == "paid"


def test_it_refuses_another_consumers_or_another_divisions_stop(api_client, rtp, hsp, stop, clerk, other_officer,
                                                                other_clerk):
    elsewhere = on_drive(defaulter(hsp, account_no="00088888"), officer=other_officer, clerk=other_clerk)
    _refused(pay(api_client, clerk, str(MINIMUM), stop=elsewhere), "invalid_drive_stop")
    other = on_drive(defaulter(rtp, account_no="00077777"), officer=stop.drive.officer, clerk=clerk)
    _refused(pay(api_client, clerk, str(MINIMUM), stop=other), "invalid_drive_stop")


# --- reconnection_short_by -----------------------------------------------------------------------------------

def test_it_says_what_a_disconnected_consumer_is_still_short_of_the_minimum(api_client, consumer, officer, clerk):
    cut(consumer, by=officer)  # 19,042 owed when cut: the minimum is 4,760.50

    short = pay(api_client, clerk, "1000.00", receipt_no="RTP-S-1")

    assert short.status_code == 201, short.json()
    assert (short.json()["reconnection_order"], short.json()["reconnection_short_by"]) == (None, "3760.50")
    assert Payment.objects.get().reconnection_short_by == Decimal("3760.50")
    reached = pay(api_client, clerk, "3760.50", receipt_no="RTP-S-2")
    assert reached.json()["reconnection_order"] == ReconnectionOrder.objects.get().pk
    assert reached.json()["reconnection_short_by"] is None
    # The order made, nothing is short any more.
    assert pay(api_client, clerk, "1.00", receipt_no="RTP-S-3").json()["reconnection_short_by"] is None


def test_the_reconnection_money_at_the_stop_just_cut_keeps_the_cut_as_its_outcome(api_client, consumer, stop,
                                                                                  officer, clerk):
    served(consumer, officer)
    stop_outcome_log(user=clerk, stop=stop, outcome="disconnected", method="cable_removed")

    response = pay(api_client, clerk, "1000.00", stop=stop)

    assert response.status_code == 201, response.json()
    assert response.json()["stop_outcome"] is None
    assert Decimal(response.json()["reconnection_short_by"]) > 0
    stop.refresh_from_db()
    assert (stop.status, stop.outcome, stop.paid_amount, stop.payments_count) == (
        StopStatus.DONE, "disconnected", Decimal("1000.00"), 1)


def test_a_payment_at_the_stop_that_settles_the_arrears_logs_it_paid_once_not_settled(api_client, stop, clerk):
    # 9,042 brings the arrears to the threshold: the stop is paid on the spot, and the settling of the consumer's
    # open stops that every credit sets off (ledger_credited) finds it closed already.
    response = pay(api_client, clerk, "9042.00", stop=stop)

    assert response.json()["stop_outcome"] == "paid"
    stop.refresh_from_db()
    assert (stop.status, stop.outcome, stop.settled_at) == (StopStatus.DONE, "paid", None)
    assert stop.history.count() == 2  # planned, then paid


def test_a_counter_payment_settles_the_stop_once_and_orders_one_reconnection(api_client, consumer, stop, officer,
                                                                             clerk):
    pay(api_client, clerk, "9042.00")
    stop.refresh_from_db()
    assert stop.status == StopStatus.SETTLED
    assert [h.history_change_reason for h in stop.history.order_by("history_id")][1:] == ["settled by a payment"]

    other = defaulter(consumer.division, account_no="00054321", owes="40000.00")
    cut(other, by=officer)
    response = pay(api_client, clerk, "10000.00", receipt_no="RTP-S-2", account_no=other.account_no)
    order = ReconnectionOrder.objects.get()
    assert (response.json()["reconnection_order"], order.consumer) == (order.pk, other)


def test_the_schema_documents_the_stop_refusals(api_client):
    import json

    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    schema = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(public=True)))
    answer = schema["paths"]["/api/v1/payments/"]["post"]["responses"]
    for code in ("stop_not_yours", "drive_not_today", "drive_closed", "invalid_drive_stop"):
        assert f"`{code}`" in answer["409"]["description"], code
    examples = answer["409"]["content"]["application/json"]["examples"]
    assert {"stop_not_yours", "drive_not_today", "drive_closed"} <= {e["value"]["code"] for e in examples.values()}
    created = [e["value"] for e in answer["201"]["content"]["application/json"]["examples"].values()]
    assert {e["stop_outcome"] for e in created} == {"paid", "part_paid", None}


# --- the clerk's pages ---------------------------------------------------------------------------------------

def _page(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_pay_page_records_a_part_payment_and_says_what_still_closes_the_stop(stop, clerk):
    client = _page(clerk)
    page = client.get(f"/field/stops/{stop.pk}/pay/").content.decode()
    assert "At least ₹4,760.50 closes this stop as paid" in page

    response = client.post(f"/field/stops/{stop.pk}/pay/", {"amount": "500.00", "mode": "cash",
                                                           "receipt_no": "RTP-F-1"}, follow=True)

    payment = Payment.objects.get()
    assert response.redirect_chain[-1][0] == f"/field/receipts/{payment.pk}/"
    receipt = response.content.decode()
    # 18,542 owed now: 4,260.50 closes it (the minimum on the 19,042 owed before the stop's money, less that money).
    assert "Part-paid: ₹500.00 taken at this stop" in receipt and "₹4,260.50 more closes it as paid" in receipt
    assert (payment.drive_stop, payment.stop_outcome) == (stop, "part_paid")
    stop.refresh_from_db()
    assert stop.status == StopStatus.OPEN
    again = client.get(f"/field/stops/{stop.pk}/pay/").content.decode()
    assert "Part-paid" in again and "₹500.00 taken at this stop so far" in again
    assert "At least ₹4,260.50 closes this stop as paid" in again
    stops = client.get("/field/").content.decode()
    assert 'class="part-paid"' in stops and "₹500.00" in stops


def test_the_pay_page_closes_the_stop_when_paid_enough(stop, clerk):
    response = _page(clerk).post(f"/field/stops/{stop.pk}/pay/", {"amount": str(MINIMUM), "mode": "cash",
                                                                 "receipt_no": "RTP-F-1"}, follow=True)
    assert "Paid on the spot: the stop is closed." in response.content.decode()
    stop.refresh_from_db()
    assert (stop.status, stop.outcome) == (StopStatus.DONE, "paid")


def test_the_pay_page_says_what_a_cut_consumer_still_lacks(consumer, stop, officer, clerk):
    served(consumer, officer)
    stop_outcome_log(user=clerk, stop=stop, outcome="disconnected", method="cable_removed")
    client = _page(clerk)
    assert "Disconnected: ₹4,760.50 more orders the reconnection." in client.get(
        f"/field/stops/{stop.pk}/pay/").content.decode()

    response = client.post(f"/field/stops/{stop.pk}/pay/", {"amount": "760.50", "mode": "cash",
                                                           "receipt_no": "RTP-F-1"}, follow=True)

    assert "Still ₹4,000.00 short of the reconnection minimum." in response.content.decode()


def test_the_pay_page_keeps_another_clerks_stop_from_a_clerk(stop, clerk2):
    stop.drive.clerks.add(clerk2)
    response = _page(clerk2).post(f"/field/stops/{stop.pk}/pay/", {"amount": str(MINIMUM), "mode": "cash",
                                                                  "receipt_no": "RTP-F-1"})
    assert response.status_code == 404
    assert not Payment.objects.exists()


@pytest.mark.parametrize("change", ["closed", "yesterday"])
def test_the_pay_page_records_the_money_for_the_consumer_alone_at_a_stop_it_may_not_name(stop, clerk, change):
    if change == "closed":
        stop.drive.status = DriveStatus.CLOSED
    else:
        stop.drive.date = india_today() - timedelta(days=1)
    stop.drive.save()
    client = _page(clerk)
    page = client.get(f"/field/stops/{stop.pk}/pay/").content.decode()
    assert 'name="drive_stop"' not in page and "This stop is closed" in page

    client.post(f"/field/stops/{stop.pk}/pay/", {"amount": str(MINIMUM), "mode": "cash", "receipt_no": "RTP-F-1"})

    assert Payment.objects.get().drive_stop is None
    stop.refresh_from_db()
    assert (stop.status, stop.payments_count) == (StopStatus.OPEN, 0)
