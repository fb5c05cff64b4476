"""Repeated failed logins lock the account out, on every way in (web, admin, API token), per client."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

# Each request is its own transaction, as under gunicorn: a failure the view rolls back is not counted.
pytestmark = pytest.mark.django_db(transaction=True)

PROXY = "10.0.0.1"  # REMOTE_ADDR of every request that comes through our reverse proxy


def token_login(client, username, password, **headers):
    return client.post(reverse("api-token"), {"username": username, "password": password},
                       content_type="application/json", **headers)


def web_login(client, username, password, **headers):
    return client.post(reverse("login"), {"username": username, "password": password}, **headers)


def admin_login(client, username, password, **headers):
    return client.post(reverse("admin:login"), {"username": username, "password": password}, **headers)


def test_it_locks_the_token_endpoint_out_after_repeated_failures(client, clerk, password, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert token_login(client, clerk.username, "wrong").status_code == 400
    # The failure that reaches the limit is the first refusal.
    response = token_login(client, clerk.username, "wrong")
    assert response.status_code == 429
    # Even the right password is refused now, with an answer a program can read.
    response = token_login(client, clerk.username, password)
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == "locked_out"
    assert "Too many failed login attempts" in body["detail"]
    assert "token" not in body


def test_it_lets_the_token_endpoint_in_again_after_the_cool_off(client, clerk, password, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        token_login(client, clerk.username, "wrong")
    assert token_login(client, clerk.username, password).status_code == 429
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time
                                 - timedelta(hours=settings.AXES_COOLOFF_TIME, minutes=1))
    response = token_login(client, clerk.username, password)
    assert response.status_code == 200
    assert response.json()["token"]


@pytest.mark.parametrize("login", [web_login, admin_login, token_login], ids=["web", "admin", "token"])
def test_it_locks_every_way_in_out(client, it_admin, password, settings, login):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, it_admin.username, "wrong")
    response = login(client, it_admin.username, password)
    assert response.status_code == 429
    assert client.get(reverse("home")).status_code == 302  # not logged in


@pytest.mark.parametrize("login", [web_login, token_login], ids=["web", "token"])
def test_it_counts_failures_per_client_behind_the_proxy(client, clerk, password, settings, login):
    settings.TRUSTED_PROXY_COUNT = 1
    attacker = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.5"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, clerk.username, "wrong", **attacker)
    assert login(client, clerk.username, password, **attacker).status_code == 429
    # The clerk, at another address behind the same proxy, still gets in.
    clerk_at_work = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    response = login(client, clerk.username, password, **clerk_at_work)
    assert response.status_code in (200, 302)
    assert AccessAttempt.objects.get().ip_address == "203.0.113.5"


def test_it_ignores_a_forged_left_most_forwarded_address(client, clerk, password, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The attacker writes a new X-Forwarded-For each time; the proxy appends the address it saw.
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        token_login(client, clerk.username, "wrong", REMOTE_ADDR=PROXY,
                    HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}, 203.0.113.5")
    response = token_login(client, clerk.username, password, REMOTE_ADDR=PROXY,
                           HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.5")
    assert response.status_code == 429


@pytest.mark.django_db
def test_it_refuses_an_overlong_username_before_trying_a_login(api_client):
    response = api_client.post("/api/v1/auth/token/", {"username": "u" * 5000, "password": "x"}, format="json")

    assert response.status_code == 400 and "username" in response.json()
