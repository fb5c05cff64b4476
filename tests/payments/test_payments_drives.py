"""Payments on a drive: a payment settles the consumer's open stops, names the stop it was taken at, and returns
the reconnection order it brought about; GET payments/ lists a clerk's own payments."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from arrears.models import LedgerEntry
from drives.models import ReconnectionOrder, StopStatus
from payments.models import Payment
from payments.services import payment_record
from tests.drives.reconnection_data import cut, defaulter, on_drive


@pytest.fixture
def consumer(rtp):
    return defaulter(rtp, account_no="00054321", owes="40000.00")


@pytest.fixture
def stop(consumer, officer, clerk):
    return on_drive(consumer, officer=officer, clerk=clerk)


def pay(api_client, user, body, key=None):
    api_client.force_authenticate(user)
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return api_client.post("/api/v1/payments/", body, format="json", **headers)


def body(amount: str, receipt_no: str = "RCP-1", **fields) -> dict:
    return {"account_no": "00054321", "amount": amount, "mode": "cash", "receipt_no": receipt_no, **fields}


def test_a_counter_payment_settles_the_open_stop(stop, clerk):
    # 40,000 owed, 30,000 paid: 10,000 left, the threshold, so no team may cut now.
    payment_record(user=clerk, account_no="00054321", amount="30000.00", mode="cash", receipt_no="R-1")
    stop.refresh_from_db()
    assert (stop.status, stop.outcome) == (StopStatus.SETTLED, "")
    assert stop.settled_at is not None


def test_a_payment_that_leaves_arrears_over_the_threshold_settles_nothing(stop, clerk):
    payment_record(user=clerk, account_no="00054321", amount="29999.99", mode="cash", receipt_no="R-1")
    stop.refresh_from_db()
    assert stop.status == StopStatus.OPEN


def test_a_payment_of_the_reconnection_minimum_at_the_stop_logs_it_paid(api_client, stop, clerk):
    response = pay(api_client, clerk, body("10000.00", drive_stop=stop.pk))  # 25% of the 40,000 owed
    assert response.status_code == 201, response.json()
    assert response.json()["stop_outcome"] == "paid"
    stop.refresh_from_db()
    assert (stop.status, stop.outcome, stop.outcome_by, stop.outcome_source) == (
        StopStatus.DONE, "paid", clerk, "api")
    assert Payment.objects.get(pk=response.json()["id"]).drive_stop == stop


def test_a_smaller_payment_at_the_stop_leaves_it_open_and_part_paid(api_client, stop, clerk):
    response = pay(api_client, clerk, body("5000.00", drive_stop=stop.pk))
    assert response.status_code == 201, response.json()
    assert response.json()["stop_outcome"] == "part_paid"
    stop.refresh_from_db()
    assert (stop.status, stop.outcome, stop.paid_amount) == (StopStatus.OPEN, "", Decimal("5000.00"))
    assert Payment.objects.get(pk=response.json()["id"]).drive_stop == stop


def test_a_payment_naming_another_consumers_stop_is_refused_and_writes_nothing(api_client, rtp, stop, clerk):
    defaulter(rtp, account_no="00099999")
    response = pay(api_client, clerk, {**body("5000.00", drive_stop=stop.pk), "account_no": "00099999"})
    assert response.status_code == 409
    assert (response.json()["code"], response.json()["field"]) == ("invalid_drive_stop", "drive_stop")
    assert not Payment.objects.exists()
    assert not LedgerEntry.objects.filter(kind="PAYMENT").exists()


def test_a_payment_naming_a_closed_or_another_divisions_stop_is_refused(api_client, hsp, stop, clerk, other_officer,
                                                                         other_clerk):
    elsewhere = on_drive(defaulter(hsp, account_no="00088888"), officer=other_officer, clerk=other_clerk)
    refused = pay(api_client, clerk, body("5000.00", drive_stop=elsewhere.pk))
    assert (refused.status_code, refused.json()["code"]) == (409, "invalid_drive_stop")
    stop.status = StopStatus.SETTLED
    stop.save()
    refused = pay(api_client, clerk, body("5000.00", drive_stop=stop.pk))
    assert (refused.status_code, refused.json()["code"]) == (409, "invalid_drive_stop")


def test_post_payments_returns_the_reconnection_order_it_brought_about(api_client, consumer, officer, clerk):
    cut(consumer, by=officer)  # 40,000 owed when cut: the minimum is 10,000
    below = pay(api_client, clerk, body("9000.00", "R-1"))
    assert below.json()["reconnection_order"] is None
    reached = pay(api_client, clerk, body("1000.00", "R-2"))
    assert reached.status_code == 201, reached.json()
    order = ReconnectionOrder.objects.get()
    assert reached.json()["reconnection_order"] == order.pk
    assert Payment.objects.get(pk=reached.json()["id"]).reconnection_order == order


def test_a_replayed_payment_returns_the_same_order_and_writes_nothing(api_client, consumer, officer, clerk):
    cut(consumer, by=officer)
    first = pay(api_client, clerk, body("10000.00"), key="phone-42")
    counts = (Payment.objects.count(), LedgerEntry.objects.count(), ReconnectionOrder.objects.count())
    again = pay(api_client, clerk, body("10000.00"), key="phone-42")
    assert again.status_code == 201
    assert again.json() == first.json()
    assert first.json()["reconnection_order"] is not None
    assert (Payment.objects.count(), LedgerEntry.objects.count(), ReconnectionOrder.objects.count()) == counts


# --- GET payments/ --------------------------------------------------------------------------------------------

def _receipts(api_client, user, query: str = "") -> list[str]:
    api_client.force_authenticate(user)
    response = api_client.get(f"/api/v1/payments/{query}")
    assert response.status_code == 200, response.json()
    return [row["receipt_no"] for row in response.json()["results"]]


@pytest.fixture
def three_payments(consumer, rtp, hsp, clerk, officer, other_clerk):
    defaulter(hsp, account_no="00088888")
    payment_record(user=clerk, account_no="00054321", amount="100.00", mode="cash", receipt_no="CLERK-1")
    payment_record(user=officer, account_no="00054321", amount="100.00", mode="cash", receipt_no="OFFICER-1",
                   paid_at=timezone.now() - timedelta(days=2))
    payment_record(user=other_clerk, account_no="00088888", amount="100.00", mode="cash", receipt_no="HSP-1")


def test_a_clerk_lists_their_own_payments(api_client, three_payments, clerk):
    assert _receipts(api_client, clerk) == ["CLERK-1"]


def test_an_officer_lists_the_divisions_payments_of_a_day(api_client, three_payments, officer, md):
    assert _receipts(api_client, officer) == ["CLERK-1", "OFFICER-1"]
    today = timezone.localdate()
    assert _receipts(api_client, officer, f"?date={today:%Y-%m-%d}") == ["CLERK-1"]
    assert _receipts(api_client, officer, f"?date={today - timedelta(days=2):%Y-%m-%d}") == ["OFFICER-1"]
    assert _receipts(api_client, officer, "?division=HSP") == []
    assert _receipts(api_client, md, "?division=HSP") == ["HSP-1"]


def test_the_list_says_who_took_each_payment_and_where(api_client, three_payments, stop, clerk):
    payment_record(user=clerk, account_no="00054321", amount="100.00", mode="cash", receipt_no="CLERK-2",
                   drive_stop_id=stop.pk)
    api_client.force_authenticate(clerk)
    row = api_client.get("/api/v1/payments/").json()["results"][0]
    assert {k: row[k] for k in ("receipt_no", "division", "taken_by", "drive_stop", "amount")} == {
        "receipt_no": "CLERK-2", "division": "RTP", "taken_by": clerk.username, "drive_stop": stop.pk,
        "amount": "100.00"}
    assert Decimal(row["arrears_after"]) == Decimal("39700.00")  # 40,000 less three payments of 100


def test_the_team_takes_the_reconnection_money_at_the_stop_just_cut(api_client, stop, officer, clerk):
    from drives.models import Notice
    from drives.services import stop_outcome_log

    Notice.objects.create(consumer=stop.consumer, served_on=timezone.localdate() - timedelta(days=30), mode="hand",
                          amount_demanded="40000.00", recorded_by=officer, source="web")
    stop_outcome_log(user=clerk, stop=stop, outcome="disconnected", method="cable_removed")
    response = pay(api_client, clerk, body("10000.00", drive_stop=stop.pk))  # the minimum: 25% of 40,000
    assert response.status_code == 201, response.json()
    assert response.json()["reconnection_order"] == ReconnectionOrder.objects.get().pk
    stop.refresh_from_db()
    assert (stop.status, stop.outcome) == (StopStatus.DONE, "disconnected")
    assert Payment.objects.get().drive_stop == stop
