"""Taking money: payment_record and POST /api/v1/payments/."""

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.utils import timezone

from arrears.models import Consumer, LedgerEntry
from core.errors import DomainError
from payments.models import Payment
from payments.services import payment_record
from tests.factories import add_entry, make_consumer


@pytest.fixture
def debtor(rtp):
    consumer = make_consumer(rtp, account_no="00054321")
    add_entry(consumer, "BILL", "30000.00", date(2026, 1, 1), due_date=date(2026, 1, 15))
    return consumer


def pay(api_client, user, body, key=None):
    api_client.force_authenticate(user)
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return api_client.post("/api/v1/payments/", body, format="json", **headers)


BODY = {"account_no": "00054321", "amount": "6650.00", "mode": "cash", "receipt_no": "RCP-1"}


def test_it_lowers_balance_and_arrears_at_once(debtor, clerk):
    payment = payment_record(user=clerk, account_no="00054321", amount="6650.00", mode="upi", receipt_no="R1",
                             instrument_no="412345678901")
    debtor.refresh_from_db()
    assert (payment.balance_after, payment.arrears_after) == (Decimal("23350.00"), Decimal("23350.00"))
    assert (debtor.balance, debtor.arrears) == (Decimal("23350.00"), Decimal("23350.00"))
    entry = payment.ledger_entry
    assert (entry.kind, entry.credit, entry.reference, entry.created_by, entry.source) == (
        "PAYMENT", Decimal("6650.00"), "R1", clerk, "web")


def test_it_answers_the_api_with_the_new_position(api_client, debtor, clerk):
    response = pay(api_client, clerk, BODY)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["balance_after"] == "23350.00"
    assert body["arrears_after"] == "23350.00"
    assert body["reconnection_order"] is None
    assert Payment.objects.get(pk=body["id"]).source == "api"


@pytest.mark.parametrize(
    "change, field",
    [({"amount": "0"}, "amount"), ({"amount": "-5"}, "amount"), ({"amount": "10.001"}, "amount"),
     ({"mode": "barter"}, "mode"), ({"receipt_no": ""}, "receipt_no"), ({"amount": "ten"}, "amount")],
)
def test_it_refuses_bad_input_naming_the_field_and_writes_nothing(api_client, debtor, clerk, change, field):
    response = pay(api_client, clerk, {**BODY, **change})
    assert response.status_code in (400, 409)
    if field:
        assert field in response.json()
    else:
        assert response.json()["code"] == "invalid_amount"
    assert not Payment.objects.exists()


def test_it_refuses_a_payment_dated_in_the_future(api_client, debtor, clerk):
    later = (timezone.now() + timedelta(days=1)).isoformat()
    response = pay(api_client, clerk, {**BODY, "paid_at": later})
    assert response.status_code == 409
    assert response.json()["code"] == "paid_in_future"


def test_it_refuses_a_receipt_number_twice(api_client, debtor, clerk):
    assert pay(api_client, clerk, BODY).status_code == 201
    response = pay(api_client, clerk, {**BODY, "amount": "100.00"})
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_receipt"
    assert Payment.objects.count() == 1


def test_it_answers_404_for_another_divisions_consumer(api_client, debtor, other_clerk):
    response = pay(api_client, other_clerk, BODY)
    assert response.status_code == 404
    assert not Payment.objects.exists()


def test_hq_does_not_take_payments(api_client, debtor, md):
    assert pay(api_client, md, BODY).status_code == 403


def test_it_replays_a_retried_request_without_paying_twice(api_client, debtor, clerk):
    first = pay(api_client, clerk, BODY, key="k-1")
    again = pay(api_client, clerk, BODY, key="k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Payment.objects.count() == 1
    debtor.refresh_from_db()
    assert debtor.balance == Decimal("23350.00")


def test_it_refuses_a_key_reused_with_another_body(api_client, debtor, clerk):
    pay(api_client, clerk, BODY, key="k-2")
    response = pay(api_client, clerk, {**BODY, "amount": "1.00", "receipt_no": "RCP-2"}, key="k-2")
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_conflict"
    assert Payment.objects.count() == 1


def test_a_failed_request_can_be_retried_with_its_key(api_client, debtor, clerk):
    assert pay(api_client, clerk, {**BODY, "mode": "barter"}, key="k-3").status_code == 400
    assert pay(api_client, clerk, BODY, key="k-3").status_code == 201


def test_a_domain_error_has_a_stable_code(debtor, clerk):
    with pytest.raises(DomainError) as refusal:
        payment_record(user=clerk, account_no="00054321", amount=Decimal("0.00"), mode="cash", receipt_no="X")
    assert refusal.value.code == "invalid_amount"


# --- concurrency, on PostgreSQL where rows really lock ----------------------------------

def run_in_threads(count, target):
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def worker(i):
        try:
            barrier.wait()
            results[i] = target(i)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results, errors


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_payments_on_one_consumer_lose_nothing(rtp, clerk, officer):
    consumer = make_consumer(rtp, account_no="00077777")
    add_entry(consumer, "BILL", "50000.00", date(2026, 1, 1), due_date=date(2026, 1, 15))
    users = [clerk, officer]

    def one_payment(i):
        return payment_record(user=users[i % 2], account_no="00077777", amount="1000.00", mode="cash",
                              receipt_no=f"C-{i}").pk

    results, errors = run_in_threads(8, one_payment)
    assert errors == []
    consumer.refresh_from_db()
    assert Payment.objects.filter(consumer=consumer).count() == 8
    assert consumer.balance == Decimal("42000.00")
    assert consumer.arrears == Decimal("42000.00")
    # Each receipt shows the balance right after it: all different, none lost.
    assert sorted(Payment.objects.values_list("balance_after", flat=True)) == [
        Decimal(42000 + 1000 * i) for i in range(8)]


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_key_pay_once(rtp, clerk):
    from rest_framework.test import APIClient

    consumer = make_consumer(rtp, account_no="00088888")
    add_entry(consumer, "BILL", "20000.00", date(2026, 1, 1), due_date=date(2026, 1, 15))
    body = {"account_no": "00088888", "amount": "5000.00", "mode": "cash", "receipt_no": "DUP-1"}

    def retry(i):
        client = APIClient()
        client.force_authenticate(clerk)
        response = client.post("/api/v1/payments/", body, format="json", HTTP_IDEMPOTENCY_KEY="same-key")
        return response.status_code, response.json()

    results, errors = run_in_threads(4, retry)
    assert errors == []
    assert {status for status, _ in results} == {201}
    assert len({body["id"] for _, body in results}) == 1
    assert LedgerEntry.objects.filter(consumer=consumer, kind="PAYMENT").count() == 1
    assert Consumer.objects.get(pk=consumer.pk).balance == Decimal("15000.00")
    assert connection.vendor == "postgresql"


def test_a_clerk_may_not_adjust_a_ledger(debtor, clerk, officer):
    from django.core.exceptions import PermissionDenied

    from arrears.services import adjustment_add

    with pytest.raises(PermissionDenied):
        adjustment_add(user=clerk, account_no="00054321", amount="-100.00", entry_date=date(2026, 2, 1),
                       reference="ADJ-1")
    adjustment_add(user=officer, account_no="00054321", amount="-100.00", entry_date=date(2026, 2, 1),
                   reference="ADJ-1")
    debtor.refresh_from_db()
    assert debtor.balance == Decimal("29900.00")
