"""Housekeeping: uploaded files deleted after the retention period, dead builds and uploads failed."""

from datetime import timedelta
from unittest import mock

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

from core.dates import india_today
from defaulters.models import DefaulterRun
from defaulters.services import defaulter_runs_fail_stale
from defaulters.tasks import defaulter_runs_fail_stale_task
from imports.housekeeping import import_files_expire, import_jobs_fail_stale
from imports.models import ImportJob
from imports.tasks import import_files_expire_task, import_jobs_fail_stale_task

CSV = b"account_no,name,address\n01000001,Ram Prasad,12 Civil Lines\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.IMPORT_FILE_RETENTION_DAYS = 30
    settings.STALE_JOB_MINUTES = 60


def _job(officer, *, status="done", ended_days_ago=None, started_minutes_ago=0, errors=None) -> ImportJob:
    job = ImportJob(kind="consumers", original_name="consumers.csv", status=status, created_by=officer,
                    division=officer.division, summary="1 row(s) imported: 1 created", errors=errors or [])
    job.file.save("consumers.csv", ContentFile(CSV), save=False)
    job.save()
    now = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(
        created_at=now - timedelta(minutes=started_minutes_ago),
        finished_at=None if ended_days_ago is None else now - timedelta(days=ended_days_ago))
    job.refresh_from_db()
    return job


def _run(division, *, minutes_ago: int) -> DefaulterRun:
    run = DefaulterRun.objects.create(division=division, as_of=india_today(), threshold="10000.00", trigger="beat")
    DefaulterRun.objects.filter(pk=run.pk).update(started_at=timezone.now() - timedelta(minutes=minutes_ago))
    return run


# --- uploaded files ---------------------------------------------------------------------

def test_it_deletes_the_file_of_a_job_that_ended_past_the_retention_period(officer):
    job = _job(officer, status="failed", ended_days_ago=31, errors=[{"line": 2, "error": "bad amount"}])
    stored = job.file.name
    assert job.file.storage.exists(stored)

    assert import_files_expire() == 1

    assert not job.file.storage.exists(stored)
    job.refresh_from_db()
    assert job.file.name == ""
    # The record stays: who uploaded what, when, and what came of it.
    assert (job.status, job.original_name, job.created_by) == ("failed", "consumers.csv", officer)
    assert job.summary == "1 row(s) imported: 1 created" and job.errors == [{"line": 2, "error": "bad amount"}]


def test_it_keeps_the_file_of_a_recent_or_unfinished_job(officer):
    recent = _job(officer, ended_days_ago=29)
    running = _job(officer, status="running", started_minutes_ago=60 * 24 * 40)

    assert import_files_expire() == 0

    for job in (recent, running):
        job.refresh_from_db()
        assert job.file.name and job.file.storage.exists(job.file.name)


def test_it_follows_the_retention_setting(officer, settings):
    job = _job(officer, ended_days_ago=8)
    settings.IMPORT_FILE_RETENTION_DAYS = 7

    assert import_files_expire() == 1
    assert not job.file.storage.exists(job.file.name)


def test_it_expires_files_from_the_task_and_again_finds_nothing(officer):
    job = _job(officer, ended_days_ago=45)

    assert import_files_expire_task.delay().get() == {"files_deleted": 1}
    assert import_files_expire_task.delay().get() == {"files_deleted": 0}
    assert not job.file.storage.exists(job.file.name)


# --- dead builds and uploads ------------------------------------------------------------

def test_it_fails_a_build_whose_worker_died(rtp):
    dead = _run(rtp, minutes_ago=61)

    assert defaulter_runs_fail_stale() == 1
    assert defaulter_runs_fail_stale_task.delay().get() == {"defaulter_runs": 0}

    dead.refresh_from_db()
    assert dead.status == "failed" and dead.finished_at is not None
    assert dead.error.startswith("no worker finished it within 60 minutes;")


def test_it_leaves_a_build_of_two_minutes_ago_running(rtp):
    running = _run(rtp, minutes_ago=2)

    assert (defaulter_runs_fail_stale(), import_jobs_fail_stale()) == (0, 0)

    running.refresh_from_db()
    assert running.status == "running" and running.finished_at is None and running.error == ""


def test_it_fails_uploads_left_queued_or_running(officer):
    queued = _job(officer, status="queued", started_minutes_ago=90)
    running = _job(officer, status="running", started_minutes_ago=61)
    recent = _job(officer, status="queued", started_minutes_ago=5)
    done = _job(officer, status="done", started_minutes_ago=600, ended_days_ago=0)

    assert import_jobs_fail_stale_task.delay().get() == {"import_jobs": 2}

    for job in (queued, running):
        job.refresh_from_db()
        assert job.status == "failed" and job.finished_at is not None
        assert job.summary.startswith("no worker finished it within 60 minutes;")
    recent.refresh_from_db()
    done.refresh_from_db()
    assert (recent.status, done.status, done.summary) == ("queued", "done", "1 row(s) imported: 1 created")


def test_it_follows_the_stale_job_setting(rtp, settings):
    run = _run(rtp, minutes_ago=20)
    settings.STALE_JOB_MINUTES = 15

    assert defaulter_runs_fail_stale() == 1
    run.refresh_from_db()
    assert "within 15 minutes" in run.error


# --- the schedule -------------------------------------------------------------------------

def test_it_schedules_the_clean_up_nightly_and_the_sweep_every_quarter_hour():
    files = settings.CELERY_BEAT_SCHEDULE["expire-import-files"]
    uploads = settings.CELERY_BEAT_SCHEDULE["fail-stale-uploads"]
    builds = settings.CELERY_BEAT_SCHEDULE["fail-stale-builds"]

    assert files["task"] == import_files_expire_task.name == "imports.import_files_expire"
    assert files["schedule"] == crontab(hour=3, minute=0)
    assert uploads["task"] == import_jobs_fail_stale_task.name == "imports.import_jobs_fail_stale"
    assert builds["task"] == defaulter_runs_fail_stale_task.name == "defaulters.defaulter_runs_fail_stale"
    assert uploads["schedule"] == builds["schedule"] == crontab(minute="*/15")


@pytest.mark.django_db
def test_it_shows_both_as_periodic_tasks_in_the_admin_once_beat_syncs(client, it_admin):
    from django_celery_beat.models import PeriodicTask
    from django_celery_beat.schedulers import DatabaseScheduler

    from kesco.celery import app

    # What `celery beat` does at start (see test_defaulters_tasks): copy the schedule into the database.
    with mock.patch("django_celery_beat.schedulers.close_old_connections"):
        DatabaseScheduler(app=app)

    files = PeriodicTask.objects.get(name="expire-import-files")
    stale = PeriodicTask.objects.get(name="fail-stale-uploads")
    assert files.task == "imports.import_files_expire" and files.enabled
    assert (files.crontab.hour, files.crontab.minute) == ("3", "0")
    assert stale.task == "imports.import_jobs_fail_stale" and stale.enabled and stale.crontab.minute == "*/15"
    assert PeriodicTask.objects.get(name="fail-stale-builds").task == "defaulters.defaulter_runs_fail_stale"
    client.force_login(it_admin)
    page = client.get("/admin/django_celery_beat/periodictask/").content.decode()
    assert "expire-import-files" in page and "fail-stale-uploads" in page and "fail-stale-builds" in page
