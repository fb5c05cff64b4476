from contextlib import contextmanager
from datetime import UTC, timedelta

import pytest
from django.utils import timezone


def test_it_reports_ok_when_database_and_broker_are_usable(client, db, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert {key: body[key] for key in ("status", "database", "broker")} == {
        "status": "ok", "database": "ok", "broker": "eager"}


def test_it_answers_503_when_the_broker_is_down(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"] == "ok"
    assert body["broker"].startswith("error")


@contextmanager
def database_down():
    """The default connection pointed at a port where nothing listens, as when PostgreSQL is down:
    connecting fails before any query can run. (SQLite's in-memory test database can't be taken away
    and given back, so these tests need PostgreSQL.)"""
    from django.db import connection

    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT="1")
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


# The database really goes away: no test transaction to keep.
@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_it_answers_503_in_json_when_the_database_is_down(client, settings):
    settings.REDIS_URL = ""
    with database_down():
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "unavailable", "database": "error: OperationalError", "broker": "eager",
                               "backup": {"status": "unknown"},
                               "heartbeat": {"defaulter_lists": {"status": "unknown"},
                                             "daily_email": {"status": "unknown"}}}


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_it_answers_503_in_json_to_a_logged_in_browser_when_the_database_is_down(client, clerk, settings):
    settings.REDIS_URL = ""
    client.force_login(clerk)  # a session cookie: nothing in the middleware may load the session
    with database_down():
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "error: OperationalError"


@pytest.mark.needs_redis
def test_it_reaches_the_real_broker(client, db):
    response = client.get("/healthz")
    assert response.json()["broker"] == "ok"


# --- the night's work: backups and the worker's heartbeat ---------------------------------------------------

def _backup_run(*, hours_ago: float, status: str = "ok", error: str = ""):
    from backups.models import BackupRun

    finished = timezone.now() - timedelta(hours=hours_ago)
    return BackupRun.objects.create(started_at=finished - timedelta(seconds=5), finished_at=finished,
                                    duration=timedelta(seconds=5), status=status, trigger="beat", error=error,
                                    database_file="" if error else "kesco-20260101-040000.dump")


def test_it_says_when_there_is_no_backup_yet(client, db, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["backup"] == {"status": "none", "finished_at": None, "age_hours": None, "file": None}
    assert response.json()["heartbeat"] == {
        "defaulter_lists": {"status": "none", "finished_at": None, "age_hours": None},
        "daily_email": {"status": "none", "finished_at": None, "age_hours": None}}


def test_it_reports_a_fresh_backup_ok_and_an_old_one_stale(client, db, settings):
    settings.REDIS_URL, settings.BACKUP_STALE_HOURS = "", 30
    run = _backup_run(hours_ago=29)
    backup = client.get("/healthz").json()["backup"]
    assert (backup["status"], backup["age_hours"], backup["file"]) == ("ok", 29.0, "kesco-20260101-040000.dump")
    assert backup["finished_at"].startswith(run.finished_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"))

    run.finished_at -= timedelta(hours=2)
    run.save()
    response = client.get("/healthz")
    assert response.status_code == 200  # the instance serves: a monitor alerts on the backup, not the balancer
    assert (response.json()["status"], response.json()["backup"]["status"]) == ("ok", "stale")


def test_it_reports_a_failed_last_backup_with_its_reason(client, db, settings):
    settings.REDIS_URL = ""
    _backup_run(hours_ago=26)
    _backup_run(hours_ago=2, status="failed", error="BackupError: pg_dump exited with 1: disk full")
    response = client.get("/healthz")
    assert response.status_code == 200
    backup = response.json()["backup"]
    assert (backup["status"], backup["age_hours"]) == ("failed", 26.0)
    assert backup["error"] == "BackupError: pg_dump exited with 1: disk full"


def test_it_reports_the_night_lists_and_the_daily_email(client, db, settings, rtp):
    from datetime import date

    from defaulters.models import DefaulterRun
    from reports.models import DailySummarySend

    settings.REDIS_URL, settings.HEARTBEAT_STALE_HOURS = "", 30
    now = timezone.now()
    DefaulterRun.objects.create(division=rtp, as_of=date(2026, 1, 1), threshold="10000.00", status="done",
                                trigger="beat", finished_at=now - timedelta(hours=3))
    # A build from the admin is no sign that the schedule runs.
    DefaulterRun.objects.create(division=rtp, as_of=date(2026, 1, 1), threshold="10000.00", status="done",
                                trigger="admin", finished_at=now - timedelta(hours=1))
    DailySummarySend.objects.create(day=date(2026, 1, 1), sent_at=now - timedelta(hours=40), recipients=1, sent=1)
    DailySummarySend.objects.create(day=date(2026, 1, 2), sent_at=now - timedelta(hours=1), recipients=1, sent=0)

    heartbeat = client.get("/healthz").json()["heartbeat"]

    assert (heartbeat["defaulter_lists"]["status"], heartbeat["defaulter_lists"]["age_hours"]) == ("ok", 3.0)
    assert (heartbeat["daily_email"]["status"], heartbeat["daily_email"]["age_hours"]) == ("stale", 40.0)
