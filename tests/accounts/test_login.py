from html import escape

import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    "user_fixture, title",
    [("clerk", "Today's work"), ("officer", "Division dashboard"), ("md", "Division summary"),
     ("it_admin", "Division summary")],
)
def test_it_lands_each_role_on_its_home(client, request, password, user_fixture, title):
    user = request.getfixturevalue(user_fixture)
    response = client.post(reverse("login"), {"username": user.username, "password": password}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert escape(title) in page
    assert user.get_role_display() in page
    if user.division:
        assert "Ratanpur (RTP)" in page
    else:  # HQ and IT land on the summary of every division
        assert "KESCO total" in page


def test_it_sends_anonymous_visitors_to_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_shows_an_error_for_a_wrong_password(client, clerk):
    response = client.post(reverse("login"), {"username": clerk.username, "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_it_locks_out_after_repeated_failures(client, clerk, password, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": clerk.username, "password": "wrong"})
    # Even the right password is refused now.
    response = client.post(reverse("login"), {"username": clerk.username, "password": password})
    assert response.status_code == 429
    assert "Account locked" in response.content.decode()


def test_it_logs_out(client, clerk):
    client.force_login(clerk)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_it_switches_the_language_to_hindi(client, clerk):
    client.force_login(clerk)
    client.post(reverse("set_language"), {"language": "hi", "next": "/"})
    page = client.get(reverse("home")).content.decode()
    assert 'lang="hi"' in page
    assert "आज का काम" in page  # "Today's work"
    assert "English" in page  # the switch back
