"""With Redis down the web app still takes payments, and an upload says why it did not start."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from arrears.models import ImportJob, Payment
from arrears.services import import_job_create
from kesco.celery import app
from tests.factories import add_entry, make_consumer


def reset_connections():
    # Connections are pooled per broker URL; start afresh when the URL changes.
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_down(settings):
    dead = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    previous = (app.conf.broker_url, app.conf.task_always_eager, app.conf.broker_connection_max_retries,
                app.conf.task_publish_retry)
    settings.REDIS_URL = dead
    app.conf.update(broker_url=dead, task_always_eager=False, task_publish_retry=False,
                    broker_connection_max_retries=0)
    reset_connections()
    yield
    app.conf.update(broker_url=previous[0], task_always_eager=previous[1], broker_connection_max_retries=previous[2],
                    task_publish_retry=previous[3])
    reset_connections()


def test_payments_go_through_with_the_broker_down(api_client, rtp, clerk, broker_down):
    consumer = make_consumer(rtp, account_no="00012345")
    add_entry(consumer, "BILL", "20000.00", date(2026, 1, 1), due_date=date(2026, 1, 15))
    api_client.force_authenticate(clerk)
    response = api_client.post("/api/v1/payments/", {"account_no": "00012345", "amount": "5000.00", "mode": "cash",
                                                     "receipt_no": "R-9"}, format="json")
    assert response.status_code == 201
    assert Payment.objects.count() == 1
    assert api_client.get("/healthz").status_code == 503  # and the health check says the broker is down


def test_an_upload_with_the_broker_down_fails_visibly(officer, broker_down, django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile("ledger.csv", b"account_no,entry_date,kind,amount,reference,due_date\n")
    with django_capture_on_commit_callbacks(execute=True):
        job = import_job_create(user=officer, kind="ledger", upload=upload)
    job.refresh_from_db()
    assert job.status == "failed"
    assert "task queue is unavailable" in job.summary
    assert ImportJob.objects.count() == 1
