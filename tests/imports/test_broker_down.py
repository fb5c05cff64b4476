"""With Redis down the web app still takes payments, and an upload or a build says at once why it did not start.

Redis here is really down (a port nothing listens on) for the broker and the result backend alike, under the
production Celery settings: no test-only retry or timeout overrides, so a hang they allow would show here.
"""

import time
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from kombu import pools

from core.dates import india_today
from defaulters.models import DefaulterRun
from imports.models import ImportJob
from imports.services import import_job_create
from kesco.celery import app
from payments.models import Payment
from tests.factories import add_entry, make_consumer

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1
# A user-visible hang, not a benchmark: with Celery's defaults queueing took 19 s, with the settings under 1 s.
PROMPT_SECONDS = 8
EMPTY_LEDGER = b"account_no,entry_date,kind,amount,reference,due_date\n"


def _connections_reset():
    # Broker pools (kombu's, process-wide, per URL) and the result backend are made once: start afresh, or a
    # test after the first finds its pool closed and fails at once, never trying the connection at all.
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None
    app._backend_cache = None
    app._local.backend = None


@pytest.fixture
def redis_down(settings):
    previous = {key: app.conf[key] for key in ("broker_url", "result_backend", "task_always_eager")}
    backends = (app._backend_cache, getattr(app._local, "backend", None))
    settings.REDIS_URL = DEAD_REDIS
    app.conf.update(broker_url=DEAD_REDIS, result_backend=DEAD_REDIS, task_always_eager=False)
    _connections_reset()
    yield
    app.conf.update(previous)
    _connections_reset()
    app._backend_cache, app._local.backend = backends


def test_it_takes_payments_with_redis_down(api_client, rtp, clerk, redis_down):
    consumer = make_consumer(rtp, account_no="00012345")
    add_entry(consumer, "BILL", "20000.00", date(2026, 1, 1), due_date=date(2026, 1, 15))
    api_client.force_authenticate(clerk)
    response = api_client.post("/api/v1/payments/", {"account_no": "00012345", "amount": "5000.00", "mode": "cash",
                                                     "receipt_no": "R-9"}, format="json")
    assert response.status_code == 201
    assert Payment.objects.count() == 1
    assert api_client.get("/healthz").status_code == 503  # and the health check says the broker is down


def test_it_fails_an_upload_job_that_cannot_be_queued(officer, redis_down, settings, tmp_path,
                                                      django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        job = import_job_create(user=officer, kind="ledger", upload=SimpleUploadedFile("ledger.csv", EMPTY_LEDGER))

    assert time.monotonic() - started < PROMPT_SECONDS
    job.refresh_from_db()
    assert (job.status, job.summary) == ("failed", "could not start: the task queue is unavailable; upload again later")
    assert job.finished_at is not None and ImportJob.objects.count() == 1


# Transactional: the request commits for real, so its on-commit queueing runs inside the request, as in production.
@pytest.mark.django_db(transaction=True)
def test_it_answers_an_upload_at_once_with_redis_down(client, officer, redis_down, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(officer)

    started = time.monotonic()
    response = client.post(reverse("import-upload"),
                           {"kind": "ledger", "file": SimpleUploadedFile("ledger.csv", EMPTY_LEDGER)})
    elapsed = time.monotonic() - started

    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("import-job-detail", args=[job.pk])
    assert elapsed < PROMPT_SECONDS, f"the upload took {elapsed:.1f} s with Redis down"
    assert job.status == "failed"
    page = client.get(response.url)
    assert page.status_code == 200 and "the task queue is unavailable" in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_it_answers_a_build_now_at_once_with_redis_down(client, officer, rtp, redis_down):
    client.force_login(officer)

    started = time.monotonic()
    response = client.post("/admin/defaulters/defaulterrun/build/", {
        "as_of": india_today().isoformat(), "threshold": "10000.00", "divisions": [rtp.pk]}, follow=True)
    elapsed = time.monotonic() - started

    assert response.status_code == 200 and elapsed < PROMPT_SECONDS, f"the build took {elapsed:.1f} s"
    page = response.content.decode()
    assert "Could not start the build of RTP: the task queue is unavailable" in page
    assert "Building the lists" not in page
    run = DefaulterRun.objects.get()
    assert (run.division, run.status, run.trigger, run.started_by) == (rtp, "failed", "admin", officer)
    assert run.error == "could not start: the task queue is unavailable; build again later"
    assert run.finished_at is not None
