"""Messages to consumers through a (fake) DLT gateway: a notice served by SMS, a payment's receipt, the
delivery receipts the gateway posts back (late, duplicate and forged ones too), rollback, and Redis down."""

import json
import time
from datetime import date, timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from core.dates import india_today
from drives.notices import notice_record
from notify.models import DeliveryReceipt, Message
from notify.selectors import phone_verified_at
from notify.services import messages_requeue_stale
from tests.factories import add_entry, make_consumer
from tests.notify.conftest import SECRET

PHONE = "+91 98390 12345"


@pytest.fixture
def owing(rtp):
    consumer = make_consumer(rtp, account_no="00012345", phone=PHONE)
    add_entry(consumer, "BILL", "20000.00", date(2026, 1, 1), due_date=date(2026, 1, 15))
    return consumer


def _serve_by_sms(api_client, user, capture):
    api_client.force_authenticate(user)
    with capture(execute=True):
        response = api_client.post("/api/v1/notices/", {"account_no": "00012345", "served_on": india_today(),
                                                        "mode": "sms", "amount_demanded": "20000.00"}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def _post_receipt(client, body: bytes, headers: dict):
    return client.post("/api/v1/messages/receipts/", body, content_type="application/json",
                       headers=headers)


def test_it_sends_one_message_for_a_notice_served_by_sms(api_client, clerk, owing, gateway,
                                                         django_capture_on_commit_callbacks):
    notice = _serve_by_sms(api_client, clerk, django_capture_on_commit_callbacks)

    message = Message.objects.get()
    assert (message.belongs_to_kind, message.belongs_to_id, message.status) == ("notice", notice["id"], "sent")
    assert len(gateway.requests) == 1
    sent = gateway.requests[0]["body"]
    # DLT: the sender id, the registered template id of the Hindi text, the template's variables.
    assert (sent["to"], sent["sender"], sent["template_id"]) == ("919839012345", "KESCOK", "1107160000000000001")
    assert sent["variables"]["amount"] == "₹20,000.00"
    assert sent["variables"]["lawful_from"] == (india_today() + timedelta(days=16)).strftime("%d-%m-%Y")
    assert "धारा 56" in sent["text"] and "₹20,000.00" in sent["text"]
    assert gateway.requests[0]["headers"]["Authorization"] == "Bearer gw-key"
    assert message.gateway_message_id == "gw-1" and message.attempts == 1


def test_it_refuses_a_notice_by_sms_to_a_consumer_without_a_mobile(api_client, clerk, rtp, gateway):
    consumer = make_consumer(rtp, account_no="00012346", phone="0512-2345678")  # a landline
    add_entry(consumer, "BILL", "20000.00", date(2026, 1, 1), due_date=date(2026, 1, 15))
    api_client.force_authenticate(clerk)
    response = api_client.post("/api/v1/notices/", {"account_no": "00012346", "served_on": india_today(),
                                                    "mode": "sms", "amount_demanded": "20000.00"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "no_mobile_number"
    assert not Message.objects.exists() and not gateway.requests


def test_it_sends_nothing_when_the_notice_rolls_back(clerk, owing, gateway, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            notice_record(user=clerk, account_no="00012345", served_on=india_today(), mode="sms",
                          amount_demanded="20000.00")
            raise RuntimeError("the request failed after the notice")
    assert callbacks == [] and not gateway.requests and not Message.objects.exists()


def test_it_marks_the_message_delivered_by_the_gateways_receipt(client, api_client, clerk, owing, gateway,
                                                                django_capture_on_commit_callbacks):
    _serve_by_sms(api_client, clerk, django_capture_on_commit_callbacks)
    assert phone_verified_at(consumer=owing) is None

    response = _post_receipt(client, *gateway.receipt(receipt_id="dlr-1", message_id="gw-1", status="delivered",
                                                      secret=SECRET, at=time.time()))

    assert response.status_code == 200, response.content
    assert response.json() == {"receipt_id": "dlr-1", "message_status": "delivered", "applied": True,
                               "replayed": False}
    message = Message.objects.get()
    assert message.status == "delivered" and message.delivered_at is not None
    assert phone_verified_at(consumer=owing) == message.delivered_at  # the number is now verified


def test_it_changes_nothing_on_a_replayed_or_late_receipt(client, api_client, clerk, owing, gateway,
                                                          django_capture_on_commit_callbacks):
    _serve_by_sms(api_client, clerk, django_capture_on_commit_callbacks)
    body, headers = gateway.receipt(receipt_id="dlr-1", message_id="gw-1", status="delivered", secret=SECRET)
    assert _post_receipt(client, body, headers).status_code == 200
    delivered_at = Message.objects.get().delivered_at

    replay = _post_receipt(client, body, headers)  # the same receipt again, within the window
    late = _post_receipt(client, *gateway.receipt(receipt_id="dlr-0", message_id="gw-1", status="sent",
                                                  secret=SECRET))
    failed_after = _post_receipt(client, *gateway.receipt(receipt_id="dlr-2", message_id="gw-1", status="failed",
                                                          secret=SECRET))

    assert replay.status_code == 200 and replay.json()["replayed"] is True
    assert late.json() == {"receipt_id": "dlr-0", "message_status": "delivered", "applied": False,
                           "replayed": False}
    assert failed_after.json()["message_status"] == "delivered"
    message = Message.objects.get()
    assert (message.status, message.delivered_at, message.failed_at) == ("delivered", delivered_at, None)
    assert DeliveryReceipt.objects.count() == 3


@pytest.mark.parametrize("forgery", ["wrong secret", "body changed", "no signature", "stale", "timestamp changed"])
def test_it_refuses_a_forged_receipt_and_changes_nothing(client, api_client, clerk, owing, gateway, forgery,
                                                         django_capture_on_commit_callbacks):
    _serve_by_sms(api_client, clerk, django_capture_on_commit_callbacks)
    body, headers = gateway.receipt(receipt_id="dlr-1", message_id="gw-1", status="delivered",
                                    secret="not-the-secret" if forgery == "wrong secret" else SECRET,
                                    at=time.time() - 3600 if forgery == "stale" else None)
    if forgery == "body changed":
        body = body.replace(b"dlr-1", b"dlr-9")
    elif forgery == "no signature":
        headers = {}
    elif forgery == "timestamp changed":
        headers["X-KESCO-Timestamp"] = str(int(headers["X-KESCO-Timestamp"]) + 1)

    response = _post_receipt(client, body, headers)

    assert response.status_code == 403
    assert Message.objects.get().status == "sent" and not DeliveryReceipt.objects.exists()


def test_it_refuses_every_receipt_without_a_secret_set(client, settings, owing, gateway):
    settings.NOTIFY_RECEIPT_SECRET = ""
    body, headers = gateway.receipt(receipt_id="dlr-1", message_id="gw-1", status="delivered", secret="")
    assert _post_receipt(client, body, headers).status_code == 403


def test_it_answers_409_to_a_receipt_for_an_unknown_message(db, client, gateway):
    response = _post_receipt(client, *gateway.receipt(receipt_id="dlr-1", message_id="gw-404", status="delivered",
                                                      secret=SECRET))
    assert response.status_code == 409 and response.json()["code"] == "unknown_message"
    assert not DeliveryReceipt.objects.exists()


def test_it_sends_the_payment_receipt_with_what_is_still_outstanding(api_client, clerk, owing, gateway,
                                                                     django_capture_on_commit_callbacks):
    api_client.force_authenticate(clerk)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post("/api/v1/payments/", {"account_no": "00012345", "amount": "5000.00",
                                                         "mode": "cash", "receipt_no": "R-9"}, format="json")
    assert response.status_code == 201
    message = Message.objects.get()
    assert (message.template, message.belongs_to_kind, message.belongs_to_id) == (
        "payment_receipt", "payment", response.json()["id"])
    sent = gateway.requests[0]["body"]
    assert sent["variables"]["outstanding"] == "₹15,000.00" and sent["variables"]["receipt_no"] == "R-9"
    assert "शेष बकाया: ₹15,000.00" in sent["text"] and "₹5,000.00" in sent["text"]


def test_it_writes_the_payment_receipt_in_english_when_set(api_client, clerk, owing, gateway, settings,
                                                           django_capture_on_commit_callbacks):
    settings.NOTIFY_LANGUAGE = "en"
    api_client.force_authenticate(clerk)
    with django_capture_on_commit_callbacks(execute=True):
        api_client.post("/api/v1/payments/", {"account_no": "00012345", "amount": "5000.00", "mode": "cash",
                                              "receipt_no": "R-9"}, format="json")
    sent = gateway.requests[0]["body"]
    assert "Still outstanding: ₹15,000.00" in sent["text"] and sent["template_id"] == "1107160000000000004"


@pytest.fixture
def eager_retries():
    """Celery in eager mode retries in-process only when it does not propagate the task's errors (a worker
    retries through the broker; tests/notify/test_worker.py)."""
    from kesco.celery import app

    previous = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = previous


def test_it_retries_a_gateway_that_is_down_and_sends_once(clerk, owing, gateway, eager_retries,
                                                          django_capture_on_commit_callbacks):
    gateway.failures = [503, 503]
    with django_capture_on_commit_callbacks(execute=True):
        notice_record(user=clerk, account_no="00012345", served_on=india_today(), mode="sms",
                      amount_demanded="20000.00")
    message = Message.objects.get()
    assert (message.status, message.attempts, len(gateway.requests)) == ("sent", 3, 3)


def test_it_fails_a_message_the_gateway_refuses(clerk, owing, gateway, django_capture_on_commit_callbacks):
    gateway.failures = [400]
    with django_capture_on_commit_callbacks(execute=True):
        notice_record(user=clerk, account_no="00012345", served_on=india_today(), mode="sms",
                      amount_demanded="20000.00")
    message = Message.objects.get()
    assert (message.status, message.attempts) == ("failed", 1) and "HTTP 400" in message.last_error


def test_it_fails_a_message_after_the_last_retry(clerk, owing, gateway, eager_retries,
                                                 django_capture_on_commit_callbacks):
    from notify.tasks import message_send_task

    gateway.failures = [503] * (message_send_task.max_retries + 1)
    with django_capture_on_commit_callbacks(execute=True):
        notice_record(user=clerk, account_no="00012345", served_on=india_today(), mode="sms",
                      amount_demanded="20000.00")
    message = Message.objects.get()
    assert message.status == "failed" and message.attempts == message_send_task.max_retries + 1


def test_it_sends_a_whatsapp_template_message(clerk, owing, gateway, settings, django_capture_on_commit_callbacks):
    settings.NOTIFY_CHANNEL = "whatsapp"
    settings.NOTIFY_WHATSAPP_BACKEND = "notify.backends.WhatsAppBackend"
    settings.NOTIFY_WHATSAPP_URL = f"{gateway.url}/whatsapp"
    settings.NOTIFY_WHATSAPP_TOKEN = "wa-token"
    with django_capture_on_commit_callbacks(execute=True):
        notice_record(user=clerk, account_no="00012345", served_on=india_today(), mode="sms",
                      amount_demanded="20000.00")
    sent = gateway.requests[0]["body"]
    assert sent["type"] == "template" and sent["template"]["name"] == "kesco_notice"
    assert sent["template"]["language"] == {"code": "hi"}
    assert [p["text"] for p in sent["template"]["components"][0]["parameters"]][:2] == ["00012345", "₹20,000.00"]
    assert Message.objects.get().gateway_message_id == "wamid.1"


def test_it_writes_messages_to_the_file_of_the_console_backend(clerk, owing, settings, tmp_path,
                                                               django_capture_on_commit_callbacks):
    settings.NOTIFY_FILE = str(tmp_path / "messages.jsonl")
    with django_capture_on_commit_callbacks(execute=True):
        notice_record(user=clerk, account_no="00012345", served_on=india_today(), mode="sms",
                      amount_demanded="20000.00")
    line = json.loads((tmp_path / "messages.jsonl").read_text(encoding="utf-8"))
    assert line["phone"] == PHONE and "₹20,000.00" in line["text"]
    assert Message.objects.get().status == "sent"


def test_it_lists_a_consumers_messages_in_the_division_only(api_client, clerk, other_clerk, owing, gateway,
                                                            django_capture_on_commit_callbacks):
    _serve_by_sms(api_client, clerk, django_capture_on_commit_callbacks)
    answer = api_client.get("/api/v1/messages/", {"account_no": "00012345"}).json()
    assert answer["count"] == 1 and answer["results"][0]["status"] == "sent"
    assert answer["results"][0]["belongs_to_kind"] == "notice"
    api_client.force_authenticate(other_clerk)
    assert api_client.get("/api/v1/messages/", {"account_no": "00012345"}).json()["count"] == 0


def test_it_shows_the_delivery_trail_on_the_consumer_page(client, api_client, officer, owing, gateway,
                                                          django_capture_on_commit_callbacks):
    _serve_by_sms(api_client, officer, django_capture_on_commit_callbacks)
    client.force_login(officer)
    page = client.get("/consumers/00012345/").content.decode()
    assert "Messages" in page and "notice" in page and "sent" in page


def test_it_queues_again_what_redis_refused_and_sends_it_when_it_returns(clerk, owing, gateway, redis_down,
                                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notice = notice_record(user=clerk, account_no="00012345", served_on=india_today(), mode="sms",
                               amount_demanded="20000.00")
    assert notice.pk and Message.objects.get().status == "queued" and not gateway.requests

    # Still down a minute later: the sweep hands nothing over and the message waits.
    later = timezone.now() + timedelta(minutes=2)
    with django_capture_on_commit_callbacks(execute=True):
        messages_requeue_stale(now=later)
    assert Message.objects.get().status == "queued" and not gateway.requests

    redis_down.back()
    with django_capture_on_commit_callbacks(execute=True):
        messages_requeue_stale(now=later + timedelta(minutes=2))
    assert Message.objects.get().status == "sent" and len(gateway.requests) == 1


def test_it_sends_one_message_per_notice_of_a_bulk_service_by_sms(rtp, officer, gateway,
                                                                   django_capture_on_commit_callbacks):
    from drives.notices import notices_record_bulk

    for n in range(3):
        consumer = make_consumer(rtp, account_no=f"0002000{n}", phone=f"98390{n:05d}")
        add_entry(consumer, "BILL", "20000.00", date(2026, 1, 1), due_date=date(2026, 1, 15))
    with django_capture_on_commit_callbacks(execute=True):
        notices = notices_record_bulk(user=officer, account_nos=["00020000", "00020001", "00020002"],
                                      served_on=india_today(), mode="sms")
    assert sorted(Message.objects.values_list("belongs_to_id", flat=True)) == sorted(n.pk for n in notices)
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"} and len(gateway.requests) == 3


def test_it_refuses_a_bulk_service_by_sms_with_a_consumer_without_a_mobile(rtp, officer, gateway):
    from core.errors import DomainError
    from drives.models import Notice
    from drives.notices import notices_record_bulk

    for n, phone in enumerate(["9839000001", ""]):
        consumer = make_consumer(rtp, account_no=f"0002000{n}", phone=phone)
        add_entry(consumer, "BILL", "20000.00", date(2026, 1, 1), due_date=date(2026, 1, 15))
    with pytest.raises(DomainError) as refused:
        notices_record_bulk(user=officer, account_nos=["00020000", "00020001"], served_on=india_today(), mode="sms")
    assert refused.value.code == "no_mobile_number" and "00020001" in refused.value.detail
    assert not Notice.objects.exists() and not Message.objects.exists()


def test_it_hands_a_large_batch_to_the_worker_to_fan_out(rtp, officer, gateway, settings,
                                                          django_capture_on_commit_callbacks):
    from drives.notices import notices_record_bulk
    from notify.services import FAN_OUT_FROM

    account_nos = [f"{40000000 + n:08d}" for n in range(FAN_OUT_FROM + 1)]
    for n, account_no in enumerate(account_nos):
        add_entry(make_consumer(rtp, account_no=account_no, phone=f"97{n:08d}"), "BILL", "20000.00",
                  date(2026, 1, 1), due_date=date(2026, 1, 15))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notices_record_bulk(user=officer, account_nos=account_nos, served_on=india_today(), mode="sms")
    # The request publishes one task, whatever the batch's size (the worker's fan-out publishes the rest).
    assert callbacks[0].__qualname__.startswith("task_queue_on_commit")
    assert Message.objects.filter(status="sent").count() == len(account_nos) == len(gateway.requests)


def test_it_schedules_the_sweep_every_minute_and_the_reminders_every_morning(settings):
    from celery.schedules import crontab

    from kesco.celery import app

    app.loader.import_default_modules()
    sweep, reminders = (settings.CELERY_BEAT_SCHEDULE[key] for key in ("requeue-stale-messages", "notice-reminders"))
    assert sweep["schedule"] == crontab(minute="*") and reminders["schedule"] == crontab(hour=9, minute=0)
    assert {sweep["task"], reminders["task"]} <= set(app.tasks)
