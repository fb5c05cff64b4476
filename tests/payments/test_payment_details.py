"""The mode's details of a payment: the UPI reference, the cheque or DD number and its bank, asked for by
payment_record, kept on the payment, returned by the API and printed on the receipt."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from core.errors import DomainError
from payments.models import Payment
from payments.services import payment_record
from tests.factories import add_entry, make_consumer

pytestmark = pytest.mark.django_db


@pytest.fixture
def debtor(rtp):
    consumer = make_consumer(rtp, account_no="00054321")
    add_entry(consumer, "BILL", "30000.00", date(2026, 1, 1), due_date=date(2026, 1, 15))
    return consumer


def pay(api_client, user, **body):
    api_client.force_authenticate(user)
    return api_client.post("/api/v1/payments/", {"account_no": "00054321", "amount": "5000.00", **body},
                           format="json")


def test_it_refuses_a_cheque_without_its_number(api_client, debtor, clerk):
    response = pay(api_client, clerk, mode="cheque", receipt_no="R-1", bank="State Bank of India")

    assert response.status_code == 409
    assert (response.json()["code"], response.json()["field"]) == ("instrument_required", "instrument_no")
    assert not Payment.objects.exists()


def test_it_refuses_a_demand_draft_without_its_bank(debtor, clerk):
    with pytest.raises(DomainError) as refused:
        payment_record(user=clerk, account_no="00054321", amount="5000.00", mode="dd", receipt_no="R-1",
                       instrument_no="771204")
    assert (refused.value.code, refused.value.field) == ("instrument_required", "bank")


def test_it_refuses_upi_without_its_reference(api_client, debtor, clerk):
    response = pay(api_client, clerk, mode="upi", receipt_no="R-1", instrument_no="  ")
    assert (response.status_code, response.json()["code"]) == (409, "instrument_required")


def test_it_keeps_and_returns_the_upi_reference(api_client, debtor, clerk):
    response = pay(api_client, clerk, mode="upi", receipt_no="R-1", instrument_no="412345678901", bank="HDFC")

    assert response.status_code == 201
    assert (response.json()["instrument_no"], response.json()["bank"]) == ("412345678901", "")  # UPI has no bank
    assert Payment.objects.get().instrument_no == "412345678901"


def test_it_drops_the_details_of_a_cash_payment(debtor, clerk):
    payment = payment_record(user=clerk, account_no="00054321", amount="5000.00", mode="cash", receipt_no="R-1",
                             instrument_no="004417", bank="State Bank of India")
    assert (payment.instrument_no, payment.bank) == ("", "")


def test_it_bounds_the_details(api_client, debtor, clerk):
    response = pay(api_client, clerk, mode="cheque", receipt_no="R-1", instrument_no="4" * 41, bank="SBI")
    assert response.status_code == 400 and "instrument_no" in response.json()
    with pytest.raises(DomainError) as refused:
        payment_record(user=clerk, account_no="00054321", amount="5000.00", mode="cheque", receipt_no="R-1",
                       instrument_no="004417", bank="B" * 101)
    assert (refused.value.code, refused.value.field) == ("invalid_bank", "bank")


def test_it_prints_the_cheque_number_and_bank_on_the_receipt(debtor, clerk, password):
    payment = payment_record(user=clerk, account_no="00054321", amount=Decimal("5000.00"), mode="cheque",
                             receipt_no="R-1", instrument_no="004417", bank="State Bank of India, Mall Road")
    client = Client()
    client.force_login(clerk)

    for url in (f"/payments/{payment.pk}/receipt/", f"/field/receipts/{payment.pk}/"):
        page = client.get(url).content.decode()
        assert "Cheque or DD number" in page and '<dd class="instrument-no">004417</dd>' in page, url
        assert '<dd class="bank">State Bank of India, Mall Road</dd>' in page, url


def test_it_takes_the_cheque_details_on_the_consumer_page(debtor, clerk, password):
    client = Client()
    client.force_login(clerk)
    body = {"amount": "5000.00", "mode": "cheque", "receipt_no": "R-1", "instrument_no": "004417"}

    refused = client.post("/consumers/00054321/pay/", body)
    assert refused.status_code == 400 and "give the bank" in refused.content.decode()

    client.post("/consumers/00054321/pay/", {**body, "bank": "Punjab National Bank"})
    assert (Payment.objects.get().instrument_no, Payment.objects.get().bank) == ("004417", "Punjab National Bank")
