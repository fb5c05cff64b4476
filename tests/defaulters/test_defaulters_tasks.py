"""The nightly schedule, the tasks, the command and the admin around the defaulter lists."""

from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import OperationalError

from core.dates import india_today
from core.errors import DomainError
from defaulters.models import DefaulterList, DefaulterRun
from defaulters.tasks import defaulter_list_build_division_task, defaulter_lists_build_nightly_task
from tests.defaulters.defaulter_data import owe
from tests.factories import make_consumer


def test_it_schedules_the_build_at_one_in_the_night_india_time():
    entry = settings.CELERY_BEAT_SCHEDULE["build-defaulter-lists"]

    assert entry["task"] == "arrears.defaulter_lists_build_nightly"
    assert entry["schedule"] == crontab(hour=1, minute=0)
    assert settings.CELERY_TIMEZONE == "Asia/Kolkata"


@pytest.mark.django_db
def test_it_appears_as_an_editable_periodic_task_once_beat_syncs():
    from django_celery_beat.models import PeriodicTask
    from django_celery_beat.schedulers import DatabaseScheduler

    from kesco.celery import app

    # What `celery beat` does at start: copy the schedule into the database. (Its hygiene of
    # closing old connections would close the test's own transaction on PostgreSQL.)
    with mock.patch("django_celery_beat.schedulers.close_old_connections"):
        DatabaseScheduler(app=app)

    task = PeriodicTask.objects.get(name="build-defaulter-lists")
    assert task.task == "arrears.defaulter_lists_build_nightly" and task.enabled
    assert (task.crontab.hour, task.crontab.minute) == ("1", "0")
    assert str(task.crontab.timezone) == "Asia/Kolkata"


def test_it_retries_transient_database_errors_with_backoff():
    assert OperationalError in defaulter_list_build_division_task.autoretry_for
    assert defaulter_list_build_division_task.retry_backoff
    assert defaulter_list_build_division_task.max_retries >= 3


def test_it_builds_every_divisions_list_from_the_nightly_task(rtp, hsp):
    owe(make_consumer(rtp), "50000.00", days_overdue=10)
    owe(make_consumer(hsp), "70000.00", days_overdue=10)

    result = defaulter_lists_build_nightly_task.delay().get()

    assert result == {"as_of": india_today().isoformat(), "divisions": 2}
    assert {(dl.division.code, dl.consumer_count) for dl in DefaulterList.objects.all()} == {("RTP", 1), ("HSP", 1)}
    assert set(DefaulterRun.objects.values_list("trigger", "status", "started_by")) == {("beat", "done", None)}


@pytest.mark.parametrize(("as_of", "threshold", "code"), [
    ((india_today() + timedelta(days=1)).isoformat(), None, "as_of_in_future"),
    (None, "-1.00", "invalid_threshold"),
    (None, "lots", "invalid_amount"),
])
def test_it_refuses_a_day_to_come_or_a_bad_threshold_before_fanning_out(rtp, hsp, as_of, threshold, code):
    with mock.patch("defaulters.tasks.group") as fan_out, pytest.raises(DomainError) as refused:
        defaulter_lists_build_nightly_task.delay(as_of=as_of, threshold=threshold)

    assert refused.value.code == code
    fan_out.assert_not_called()
    assert not DefaulterRun.objects.exists() and not DefaulterList.objects.exists()


def test_it_records_the_user_who_asked_through_the_task(rtp, officer):
    defaulter_lists_build_nightly_task.delay(started_by_id=officer.pk, trigger="admin").get()

    run = DefaulterRun.objects.get()
    assert (run.division, run.started_by, run.trigger, str(run.threshold)) == (rtp, officer, "admin", "10000.00")


# --- the command ----------------------------------------------------------------------

def test_it_prints_a_line_per_division_from_the_command(rtp, hsp):
    owe(make_consumer(rtp), "1234567.00", days_overdue=10)
    out = StringIO()

    call_command("build_defaulter_lists", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0].startswith("HSP: 0 defaulters, ₹0.00 arrears (")
    assert lines[1].startswith("RTP: 1 defaulters, ₹12,34,567.00 arrears (")
    assert "2 divisions, 1 defaulters" in lines[2]
    assert set(DefaulterRun.objects.values_list("trigger", flat=True)) == {"command"}


def test_it_takes_a_day_a_threshold_and_a_division_on_the_command_line(rtp, hsp):
    owe(make_consumer(rtp), "6000.00", days_overdue=10)
    day = india_today() - timedelta(days=2)
    out = StringIO()

    call_command("build_defaulter_lists", "--as-of", day.isoformat(), "--threshold", "5000", "--division", "RTP",
                 stdout=out)

    assert out.getvalue().startswith("RTP: 1 defaulters, ₹6,000.00 arrears")
    assert DefaulterList.objects.get().as_of == day and DefaulterList.objects.get().threshold == 5000


@pytest.mark.parametrize(("args", "message"), [
    (["--division", "XYZ"], "no such division: XYZ"),
    (["--threshold", "lots"], "threshold"),
    (["--as-of", "2026-02-30"], "not a date"),
    (["--as-of", "2999-01-01"], "in the future"),
])
def test_it_refuses_bad_arguments_on_the_command_line(rtp, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("build_defaulter_lists", *args, stdout=StringIO())


def test_it_exits_with_an_error_when_a_division_fails(rtp):
    from defaulters import services as service

    err = StringIO()
    with mock.patch.object(service, "_entries_insert", side_effect=RuntimeError("disk full")), \
            pytest.raises(CommandError, match="1 of 1 divisions failed"):
        call_command("build_defaulter_lists", stdout=StringIO(), stderr=err)
    assert "RTP: FAILED: RuntimeError: disk full" in err.getvalue()


# --- the admin ------------------------------------------------------------------------

def test_it_shows_run_history_in_the_admin_scoped_to_the_division(client, officer, rtp, hsp):
    call_command("build_defaulter_lists", stdout=StringIO())
    client.force_login(officer)

    page = client.get("/admin/defaulters/defaulterrun/").content.decode()

    rtp_run, hsp_run = DefaulterRun.objects.get(division=rtp), DefaulterRun.objects.get(division=hsp)
    # One division's runs: no division column to repeat it on every row.
    assert f"/defaulterrun/{rtp_run.pk}/change/" in page and f"/defaulterrun/{hsp_run.pk}/change/" not in page
    assert "Build lists now" in page and "Ratanpur" not in page and "column-division" not in page
    assert client.get(f"/admin/defaulters/defaulterrun/{hsp_run.pk}/change/").status_code in (302, 403, 404)


def test_it_builds_now_from_the_admin_with_another_threshold(client, it_admin, rtp, hsp,
                                                             django_capture_on_commit_callbacks):
    # IT's to do (tests/defaulters/test_defaulters_official.py: an officer keeps to the official threshold).
    owe(make_consumer(rtp), "6000.00", days_overdue=10)
    client.force_login(it_admin)
    assert client.get("/admin/defaulters/defaulterrun/build/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/defaulters/defaulterrun/build/", {
            "as_of": india_today().isoformat(), "threshold": "5000.00", "divisions": [rtp.pk]})

    assert response.status_code == 302
    run = DefaulterRun.objects.get()
    assert (run.division, run.trigger, run.started_by, run.consumer_count, str(run.threshold)) == (
        rtp, "admin", it_admin, 1, "5000.00")


def test_it_refuses_an_officer_a_build_of_another_division_in_the_admin(client, officer, rtp, hsp):
    client.force_login(officer)

    response = client.post("/admin/defaulters/defaulterrun/build/", {
        "as_of": india_today().isoformat(), "threshold": "5000.00", "divisions": [hsp.pk]})

    assert response.status_code == 200 and "divisions" in response.context["form"].errors
    assert not DefaulterRun.objects.exists()


def test_it_rebuilds_selected_lists_from_the_admin(client, it_admin, rtp, django_capture_on_commit_callbacks):
    call_command("build_defaulter_lists", "--threshold", "20000", stdout=StringIO())
    defaulters = DefaulterList.objects.get()
    owe(make_consumer(rtp), "30000.00", days_overdue=10)
    client.force_login(it_admin)

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/admin/defaulters/defaulterlist/", {"action": "rebuild", "_selected_action": [defaulters.pk]})

    defaulters.refresh_from_db()
    assert defaulters.consumer_count == 1 and str(defaulters.threshold) == "20000.00"
    assert DefaulterRun.objects.filter(trigger="admin", started_by=it_admin).count() == 1
