"""X-Field-User: a record queued on the phone is only ever sent as the user who made it.

When the header names another user than the one the request is authenticated as (clerk_rtp's session ended and
officer_rtp logged in on the same phone), any /api/ request is answered 409 wrong_user and nothing is written.
Without the header nothing changes; unauthenticated stays 401. Session and token both: the check is the API's
authentication (accounts.api_auth), which every API view passes through.
"""

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from arrears.models import Consumer
from core.models import IdempotencyKey
from drives.models import Disconnection, FieldHandover, Stop
from payments.models import Payment, ReceiptNumber
from tests.drives.test_api import client_for, defaulter, plan, serve_notice, stop_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def stop(rtp, officer, clerk):
    """A stop of clerk_rtp's on today's drive, its consumer with a ripe notice."""
    defaulter(rtp, "00040001", "30000.00", "Lal Bangla")
    call_command("build_defaulter_lists", verbosity=0)
    serve_notice(client_for(officer), "00040001", days_ago=20, amount="30000.00")
    drive = plan(client_for(officer), [clerk]).json()
    return Stop.objects.get(pk=stop_of(drive, "00040001")["id"])


def session_as(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def token_as(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def _writes():
    """What the three operations write."""
    return (Payment.objects.count(), ReceiptNumber.objects.count(), Disconnection.objects.count(),
            list(Stop.objects.values_list("status", "outcome", "paid_amount")), IdempotencyKey.objects.count(),
            Consumer.objects.get(account_no="00040001").arrears, FieldHandover.objects.count())


def _payment(stop):
    return "/api/v1/payments/", {"account_no": "00040001", "amount": "500.00", "mode": "cash",
                                 "receipt_no": "RTP-2026-77", "drive_stop": stop.pk}


def _outcome(stop):
    return (f"/api/v1/drives/{stop.drive_id}/stops/{stop.pk}/outcome/",
            {"outcome": "disconnected", "method": "cable_removed", "notes": "cut at the pole"})


def _receipt_block(stop):
    return "/api/v1/receipt-blocks/", {"count": 5}


def _handover(stop):
    return "/api/v1/field-handovers/", {"key": "0b7c8f0e-9d3a-4d1e-8f55-1a2b3c4d5e6f", "kind": "outcome",
                                        "account_no": "00040001", "payload": {"outcome": "disconnected"},
                                        "notes": "cut; the drive was closed"}


OPERATIONS = [_payment, _outcome, _receipt_block, _handover]


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.__name__.strip("_"))
@pytest.mark.parametrize("login", [session_as, token_as], ids=["session", "token"])
def test_a_record_made_by_another_user_is_refused_and_nothing_is_written(stop, officer, operation, login):
    path, body = operation(stop)
    before = _writes()
    # The clerk's record, sent from the phone while the officer is logged in.
    response = login(officer).post(path, body, format="json", HTTP_X_FIELD_USER="clerk_rtp",
                                   HTTP_IDEMPOTENCY_KEY="rec-1")
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "wrong_user"
    assert "clerk_rtp" in response.json()["detail"] and "officer_rtp" in response.json()["detail"]
    assert _writes() == before


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.__name__.strip("_"))
@pytest.mark.parametrize("login", [session_as, token_as], ids=["session", "token"])
def test_the_record_is_sent_as_the_user_who_made_it(stop, clerk, operation, login):
    path, body = operation(stop)
    before = _writes()
    response = login(clerk).post(path, body, format="json", HTTP_X_FIELD_USER="clerk_rtp",
                                 HTTP_IDEMPOTENCY_KEY="rec-1")
    assert response.status_code in (200, 201), response.content
    assert _writes() != before


def test_a_refused_record_is_sent_once_its_user_logs_in_again(stop, clerk, officer):
    path, body = _payment(stop)
    headers = {"HTTP_X_FIELD_USER": "clerk_rtp", "HTTP_IDEMPOTENCY_KEY": "rec-2"}
    assert session_as(officer).post(path, body, format="json", **headers).status_code == 409
    sent = session_as(clerk).post(path, body, format="json", **headers)
    assert sent.status_code == 201, sent.content
    payment = Payment.objects.get(receipt_no="RTP-2026-77")
    assert payment.taken_by == clerk
    # The same record again (a retry): replayed, not paid twice; still refused under another user.
    assert session_as(clerk).post(path, body, format="json", **headers).status_code == 201
    assert session_as(officer).post(path, body, format="json", **headers).status_code == 409
    assert Payment.objects.filter(receipt_no="RTP-2026-77").count() == 1


def test_without_the_header_nothing_changes_and_reads_are_guarded_too(stop, clerk, officer):
    assert session_as(officer).get("/api/v1/payments/").status_code == 200
    refused = session_as(officer).get("/api/v1/payments/", HTTP_X_FIELD_USER="clerk_rtp")
    assert refused.status_code == 409 and refused.json()["code"] == "wrong_user"
    assert session_as(officer).get("/api/v1/payments/", HTTP_X_FIELD_USER="officer_rtp").status_code == 200
    path, body = _payment(stop)
    assert session_as(officer).post(path, body, format="json").status_code == 201


def test_unauthenticated_stays_as_it_was(stop):
    path, body = _payment(stop)
    response = APIClient().post(path, body, format="json", HTTP_X_FIELD_USER="clerk_rtp")
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    # A bad token is still a bad token.
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token nope")
    assert client.get("/api/v1/payments/", HTTP_X_FIELD_USER="clerk_rtp").status_code == 401


def test_the_refusal_is_in_the_users_language(stop, officer):
    officer.language = "hi"
    officer.save(update_fields=["language"])
    response = session_as(officer).post(*_receipt_block(stop), format="json", HTTP_X_FIELD_USER="clerk_rtp")
    assert response.status_code == 409 and response.json()["code"] == "wrong_user"
    assert "clerk_rtp" in response.json()["detail"] and "लॉग इन" in response.json()["detail"]

