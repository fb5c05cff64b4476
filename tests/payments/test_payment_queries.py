"""The queries of one payment through the API, as the field app sends it (issue 23: the payments API under load
must keep up with half the rate of a no-op call). A budget, so that a new read on the path shows here."""

from datetime import date
from decimal import Decimal

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from payments.models import Payment
from tests.factories import add_entry, make_consumer

# 27 when issue 23 measured it. Now: the request's savepoint and its release (BEGIN and COMMIT outside a test), the
# token and its user, the Idempotency-Key row claimed, the payment's savepoint and release, the consumer locked
# through the division's scope, the receipt number on the ledger's key, its reservation locked, the ledger entry's
# savepoint, the entry, the position refreshed and read back by one UPDATE, and the release; settlements' one read
# and theft cases' one (drives reads nothing for a consumer above the threshold), the payment, the
# Idempotency-Key's answer.
PAYMENT_QUERIES = 17


@pytest.fixture
def field_app(clerk):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=clerk).key}",
                       HTTP_X_FIELD_USER=clerk.username)
    return client


def _debtor(rtp, account_no):
    consumer = make_consumer(rtp, account_no=account_no)
    add_entry(consumer, "BILL", "30000.00", date(2026, 1, 1), due_date=date(2026, 1, 15))
    return consumer


def test_it_takes_a_payment_within_its_query_budget(rtp, clerk, field_app, django_assert_max_num_queries):
    _debtor(rtp, "00054321")
    field_app.post("/api/v1/payments/", {"account_no": "00054321", "amount": "100.00", "mode": "cash",
                                         "receipt_no": "RCP-0"}, format="json", HTTP_IDEMPOTENCY_KEY="k-0")
    _debtor(rtp, "00054322")

    with django_assert_max_num_queries(PAYMENT_QUERIES):
        response = field_app.post("/api/v1/payments/", {"account_no": "00054322", "amount": "100.00",
                                                        "mode": "cash", "receipt_no": "RCP-1"},
                                  format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert response.status_code == 201, response.json()
    assert response.json()["arrears_after"] == "29900.00"
    assert Payment.objects.get(receipt_no="RCP-1").consumer.arrears == Decimal("29900.00")


def test_it_looks_for_open_stops_only_of_a_consumer_it_may_settle(rtp, clerk, field_app,
                                                                  django_assert_max_num_queries):
    """A payer now owing at most the threshold may drop off an open stop: one read more, for the stops."""
    _debtor(rtp, "00054321")
    field_app.post("/api/v1/payments/", {"account_no": "00054321", "amount": "100.00", "mode": "cash",
                                         "receipt_no": "RCP-0"}, format="json", HTTP_IDEMPOTENCY_KEY="k-0")
    _debtor(rtp, "00054322")

    with django_assert_max_num_queries(PAYMENT_QUERIES + 1):
        response = field_app.post("/api/v1/payments/", {"account_no": "00054322", "amount": "25000.00",
                                                        "mode": "cash", "receipt_no": "RCP-1"},
                                  format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert response.status_code == 201, response.json()
    assert response.json()["arrears_after"] == "5000.00"
