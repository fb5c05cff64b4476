"""Amounts of zero or less: one answer wherever an amount enters the API, a 400 naming the field, the same for
zero as for a negative amount, and nothing written (core.money.amount_checked, the services' own rule)."""

from datetime import date
from decimal import Decimal

import pytest

from core.dates import india_today
from core.errors import DomainError
from core.money import amount_checked
from drives.models import Dispute, Notice
from payments.models import Payment
from tests.factories import add_entry, make_consumer


@pytest.fixture
def debtor(rtp):
    consumer = make_consumer(rtp, account_no="00054321", name="Sunita Devi Mishra")
    add_entry(consumer, "BILL", "30000.00", date(2026, 1, 1), due_date=date(2026, 1, 15))
    return consumer


def post(api_client, user, path, body):
    api_client.force_authenticate(user)
    return api_client.post(path, body, format="json")


@pytest.mark.parametrize("amount", ["0", "0.00", "-5", "-4512.50"])
def test_it_refuses_a_payment_of_nothing_or_less_as_a_field_error(api_client, debtor, clerk, amount):
    response = post(api_client, clerk, "/api/v1/payments/",
                    {"account_no": "00054321", "amount": amount, "mode": "cash", "receipt_no": "RTP-2026-004187"})

    assert response.status_code == 400
    assert response.json() == {"amount": ["must be more than zero"]}
    assert not Payment.objects.exists()


@pytest.mark.parametrize("amount", ["0", "-1.00"])
def test_it_refuses_a_notice_demanding_nothing_or_less_the_same_way(api_client, debtor, clerk, amount):
    response = post(api_client, clerk, "/api/v1/notices/", {
        "account_no": "00054321", "served_on": india_today().isoformat(), "mode": "hand", "amount_demanded": amount})

    assert (response.status_code, response.json()) == (400, {"amount_demanded": ["must be more than zero"]})
    assert not Notice.objects.exists()


@pytest.mark.parametrize("amount", ["0", "-38400.00"])
def test_it_refuses_a_dispute_over_nothing_or_less_the_same_way(api_client, debtor, officer, amount):
    response = post(api_client, officer, "/api/v1/disputes/", {
        "account_no": "00054321", "raised_on": india_today().isoformat(), "amount_disputed": amount})

    assert (response.status_code, response.json()) == (400, {"amount_disputed": ["must be more than zero"]})
    assert not Dispute.objects.exists()


def test_it_takes_a_zero_minimum_for_a_drive_but_not_a_negative_one(api_client, debtor, officer, clerk):
    body = {"division": "RTP", "date": india_today().isoformat(), "name": "Ratanpur Colony",
            "clerks": [clerk.username], "max_stops": 10}

    negative = post(api_client, officer, "/api/v1/drives/", {**body, "min_arrears": "-1.00"})

    assert (negative.status_code, negative.json()) == (400, {"min_arrears": ["must be zero or more"]})
    # Zero passes the amount rule (and meets the next one: no defaulter list yet).
    assert post(api_client, officer, "/api/v1/drives/", {**body, "min_arrears": "0"}).json()["code"] == (
        "no_defaulter_list")


def test_it_is_one_rule_for_the_services_too():
    for amount in ("0", "-5"):
        with pytest.raises(DomainError) as refusal:
            amount_checked(amount)
        assert (refusal.value.code, refusal.value.field, refusal.value.detail) == (
            "invalid_amount", "amount", "must be more than zero")
    assert amount_checked("4512.50") == Decimal("4512.50")
    assert amount_checked("0", allow_zero=True) == Decimal("0.00")
