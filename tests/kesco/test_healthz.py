from contextlib import contextmanager

import pytest


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
