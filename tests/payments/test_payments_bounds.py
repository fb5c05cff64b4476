"""What a payment may be: bounded input (no 500s), plausible amounts and dates, and refusals
that say nothing about another division's records. Web, API and admin alike."""

from datetime import date, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from arrears.models import Consumer, EntryKind, LedgerEntry
from arrears.services import adjustment_add
from core.errors import DomainError
from payments.models import Payment
from payments.services import payment_record
from tests.factories import add_entry, make_consumer

BODY = {"account_no": "00054321", "amount": "6650.00", "mode": "cash", "receipt_no": "RCP-1"}


@pytest.fixture
def debtor(rtp):
    consumer = make_consumer(rtp, account_no="00054321")
    add_entry(consumer, "BILL", "30000.00", date(2026, 1, 1), due_date=date(2026, 1, 15))
    return consumer


@pytest.fixture
def hsp_debtor(hsp):
    consumer = make_consumer(hsp, account_no="02000009", name="Kamla Devi Tripathi")
    add_entry(consumer, "BILL", "7777.00", date(2026, 1, 1), due_date=date(2026, 1, 15))
    return consumer


def pay(api_client, user, body):
    api_client.force_authenticate(user)
    return api_client.post("/api/v1/payments/", body, format="json")


def days_ago(days: int) -> str:
    return (timezone.now() - timedelta(days=days)).isoformat()


def refusal(response) -> str:
    """The code of a 409, or the fields of a 400."""
    assert response.status_code in (400, 409), (response.status_code, response.content[:300])
    body = response.json()
    return body["code"] if response.status_code == 409 else ",".join(sorted(body))


# --- bounded input: a 400 or 409 naming the problem, never a 500 -------------------------

@pytest.mark.parametrize(("change", "expected"), [
    ({"drive_stop": 2**63}, "drive_stop"),
    ({"drive_stop": 2**31}, "drive_stop"),
    ({"paid_at": "0001-01-01T00:00:00"}, "paid_at"),
    ({"paid_at": "0001-01-02T00:00:00+05:30"}, "invalid_paid_at"),
    ({"paid_at": "0001-01-01T00:00:00+14:00"}, "paid_at"),
    ({"paid_at": "9999-12-31T23:59:59-12:00"}, "paid_at"),
    ({"paid_at": "9999-12-31T23:59:59"}, "paid_in_future"),
    ({"paid_at": "1900-01-01T10:00:00+05:30"}, "invalid_paid_at"),
    ({"amount": "999999999999.99"}, "amount_too_large"),
    ({"amount": "9999999999999.99"}, "amount"),
    ({"backdate_reason": "x" * 201}, "backdate_reason"),
])
def test_it_refuses_implausible_api_input_without_an_error_page(api_client, debtor, officer, change, expected):
    response = pay(api_client, officer, {**BODY, **change})

    assert refusal(response) == expected
    assert not Payment.objects.exists()


def test_it_refuses_a_payment_that_would_overflow_the_balance(api_client, debtor, officer, settings):
    settings.PAYMENT_MAX_AMOUNT = Decimal("999999999999.99")
    adjustment_add(user=officer, account_no="00054321", amount="-999999000000.00", entry_date=date(2026, 1, 2),
                   reference="ADJ-BIG")

    response = pay(api_client, officer, {**BODY, "amount": "990000000.00"})

    assert response.status_code == 409
    body = response.json()
    assert (body["code"], body["field"]) == ("balance_overflow", "amount")
    assert body["detail"].startswith("amount: the account's balance or arrears would pass ₹9,99,99,99,99,999.99")
    assert not Payment.objects.exists()


def test_it_refuses_an_adjustment_that_would_overflow_the_balance_in_the_admin(client, officer, debtor):
    client.force_login(officer)
    url = reverse("admin:arrears_ledgerentry_adjustment")
    data = {"account_no": "00054321", "amount": "999999999999.99", "entry_date": "2026-01-02", "reference": "A-1"}

    response = client.post(url, data)

    assert response.status_code == 400
    assert "more than a ledger can hold" in response.content.decode()
    assert not LedgerEntry.objects.filter(kind=EntryKind.ADJUSTMENT).exists()
    debtor.refresh_from_db()
    assert debtor.balance == Decimal("30000.00")


@pytest.mark.parametrize("entry_date", ["0001-01-01", "9999-12-31", "1900-01-01"])
def test_it_refuses_an_adjustment_dated_out_of_reason_in_the_admin(client, officer, debtor, entry_date):
    client.force_login(officer)
    response = client.post(reverse("admin:arrears_ledgerentry_adjustment"), {
        "account_no": "00054321", "amount": "-100.00", "entry_date": entry_date, "reference": "A-2"})

    assert response.status_code == 400
    assert "entry_date" in response.context["form"].errors
    assert not LedgerEntry.objects.filter(kind=EntryKind.ADJUSTMENT).exists()


def test_it_refuses_an_implausible_amount_on_the_payment_page(client, clerk, debtor):
    client.force_login(clerk)
    response = client.post(reverse("payment-take", args=["00054321"]),
                           {"amount": "999999999999.99", "mode": "cash", "receipt_no": "W-1"})

    assert response.status_code == 400
    assert "₹1,00,00,000.00" in response.content.decode()  # the limit, named
    assert not Payment.objects.exists()


@pytest.mark.parametrize("paid_at", ["0001-01-01T00:00", "1900-01-01T10:00"])
def test_it_refuses_an_implausible_date_in_the_admins_payment_form(client, officer, debtor, paid_at):
    client.force_login(officer)
    response = client.post(reverse("admin:payments_payment_take"), {
        "account_no": "00054321", "amount": "100.00", "mode": "cash", "receipt_no": "A-1", "paid_at": paid_at,
        "backdate_reason": "cheque found in the drop box"})

    assert response.status_code == 400
    assert "paid_at" in response.context["form"].errors
    assert not Payment.objects.exists()


def test_it_refuses_a_huge_amount_in_the_admins_payment_form(client, officer, debtor):
    client.force_login(officer)
    response = client.post(reverse("admin:payments_payment_take"), {
        "account_no": "00054321", "amount": "999999999999.99", "mode": "cash", "receipt_no": "A-1"})

    assert response.status_code == 400
    assert "amount" in response.context["form"].errors
    assert not Payment.objects.exists()


# --- plausibility: the largest payment, and back-dating -----------------------------------

def test_it_takes_a_payment_at_the_limit_and_refuses_a_paisa_more(debtor, clerk, settings):
    settings.PAYMENT_MAX_AMOUNT = Decimal("20000.00")
    payment_record(user=clerk, account_no="00054321", amount="20000.00", mode="cash", receipt_no="R-1")

    with pytest.raises(DomainError) as refused:
        payment_record(user=clerk, account_no="00054321", amount="20000.01", mode="cash", receipt_no="R-2")

    assert refused.value.code == "amount_too_large"
    assert "₹20,000.00" in refused.value.detail
    assert Payment.objects.count() == 1


def test_it_lets_a_clerk_date_a_payment_a_few_days_back(api_client, debtor, clerk, settings):
    settings.PAYMENT_BACKDATE_DAYS = 3
    response = pay(api_client, clerk, {**BODY, "paid_at": days_ago(2)})

    assert response.status_code == 201, response.json()


def test_it_never_lets_a_clerk_back_date_beyond_the_limit(api_client, debtor, clerk, settings):
    settings.PAYMENT_BACKDATE_DAYS = 3
    response = pay(api_client, clerk, {**BODY, "paid_at": days_ago(4), "backdate_reason": "I was ill"})

    assert response.status_code == 409
    assert response.json()["code"] == "backdated"
    assert "3 days" in response.json()["detail"]
    assert not Payment.objects.exists()
    debtor.refresh_from_db()
    assert debtor.balance == Decimal("30000.00")


def test_it_asks_an_officer_for_the_reason_to_back_date(api_client, debtor, officer, settings):
    settings.PAYMENT_BACKDATE_DAYS = 30
    response = pay(api_client, officer, {**BODY, "paid_at": days_ago(40)})

    assert response.status_code == 409
    assert response.json() == {"code": "backdated", "field": "backdate_reason",
                               "detail": "backdate_reason: give the reason for dating a payment more than "
                                         "30 days back"}
    assert not Payment.objects.exists()


def test_it_records_an_officers_back_dated_payment_with_the_reason(api_client, debtor, officer, client):
    response = pay(api_client, officer, {**BODY, "paid_at": days_ago(40),
                                         "backdate_reason": "Cheque of 2 Jan found in the drop box"})

    assert response.status_code == 201, response.json()
    payment = Payment.objects.get()
    assert payment.backdate_reason == "Cheque of 2 Jan found in the drop box"
    assert payment.ledger_entry.entry_date == timezone.localdate() - timedelta(days=40)
    client.force_login(officer)
    page = client.get(reverse("admin:payments_payment_change", args=[payment.pk])).content.decode()
    assert "Cheque of 2 Jan found in the drop box" in page


def test_it_lets_an_officer_back_date_in_the_admin_with_a_reason(client, officer, debtor):
    client.force_login(officer)
    paid_at = (timezone.localtime() - timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("admin:payments_payment_take"), {
        "account_no": "00054321", "amount": "100.00", "mode": "cheque", "receipt_no": "A-7", "paid_at": paid_at,
        "instrument_no": "004417", "bank": "State Bank of India", "backdate_reason": "posted late by the bank"})

    assert response.status_code == 302
    assert Payment.objects.get().backdate_reason == "posted late by the bank"


# --- refusals that say nothing about another division ---------------------------------------

def test_it_refuses_a_taken_receipt_number_alike_in_any_division(api_client, debtor, hsp_debtor, clerk,
                                                                    other_clerk):
    payment_record(user=other_clerk, account_no="02000009", amount="7777.00", mode="cash", receipt_no="HSP-9")
    payment_record(user=clerk, account_no="00054321", amount="100.00", mode="cash", receipt_no="RTP-9")

    other = pay(api_client, clerk, {**BODY, "receipt_no": "HSP-9"}).json()
    own = pay(api_client, clerk, {**BODY, "receipt_no": "RTP-9"}).json()

    assert other["code"] == own["code"] == "duplicate_receipt"
    assert other["detail"].replace("HSP-9", "N") == own["detail"].replace("RTP-9", "N")
    for secret in ("02000009", "Kamla", "7,777", "7777", "HSP", "Hanspuram"):
        assert secret not in other["detail"].replace("HSP-9", "")


def test_it_refuses_a_taken_adjustment_reference_alike_in_any_division(debtor, hsp_debtor, officer,
                                                                         other_officer):
    adjustment_add(user=other_officer, account_no="02000009", amount="-77.00", entry_date=date(2026, 1, 2),
                   reference="HSP-ADJ")
    adjustment_add(user=officer, account_no="00054321", amount="-10.00", entry_date=date(2026, 1, 2),
                   reference="RTP-ADJ")
    details = []
    for reference in ("HSP-ADJ", "RTP-ADJ"):
        with pytest.raises(DomainError) as refused:
            adjustment_add(user=officer, account_no="00054321", amount="-1.00", entry_date=date(2026, 1, 2),
                           reference=reference)
        assert refused.value.code == "duplicate_reference"
        details.append(refused.value.detail.replace(reference, "N"))

    assert details[0] == details[1]
    assert "02000009" not in details[0] and "Hanspuram" not in details[0]


def test_it_answers_a_receipt_taken_by_an_import_like_any_other(debtor, hsp_debtor, clerk):
    # An imported PAYMENT in another division holds the number on the ledger, not as a Payment.
    add_entry(hsp_debtor, "PAYMENT", "50.00", date(2026, 1, 3), reference="BANK-1")

    with pytest.raises(DomainError) as refused:
        payment_record(user=clerk, account_no="00054321", amount="100.00", mode="cash", receipt_no="BANK-1")

    assert refused.value.code == "duplicate_receipt"
    assert "02000009" not in refused.value.detail
    assert Consumer.objects.get(account_no="00054321").balance == Decimal("30000.00")


def test_it_refuses_a_reference_that_slips_past_the_check_in_a_race(debtor, hsp_debtor, officer, other_officer):
    adjustment_add(user=other_officer, account_no="02000009", amount="-77.00", entry_date=date(2026, 1, 2),
                   reference="RACE-1")

    # Two officers at the same moment: both look before either writes, and the database's
    # unique index refuses the second.
    with mock.patch("arrears.services.reference_taken", return_value=False), pytest.raises(DomainError) as refused:
        adjustment_add(user=officer, account_no="00054321", amount="-1.00", entry_date=date(2026, 1, 2),
                       reference="RACE-1")

    assert refused.value.code == "duplicate_reference"
    assert "02000009" not in refused.value.detail
    assert not LedgerEntry.objects.filter(consumer=debtor, kind=EntryKind.ADJUSTMENT).exists()
