"""The site's own 403, 404 and 500 pages (English and Hindi, a way home), the favicon, and JSON under /api/."""

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _production_errors(settings):
    # With DEBUG on Django shows its technical pages instead of the handlers'.
    settings.DEBUG = False


def test_it_shows_the_sites_404_page(client, clerk):
    client.force_login(clerk)
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "Page not found" in page
    assert 'class="topbar"' in page and "Clerk" in page  # the site's header, with who is in
    assert 'href="/"' in page  # the way back


def test_it_shows_the_404_page_in_hindi(client):
    client.cookies["django_language"] = "hi"
    page = client.get("/no-such-page/").content.decode()
    assert "पृष्ठ नहीं मिला" in page
    assert "मुख पृष्ठ पर वापस जाएँ" in page
    assert "Page not found" not in page


def test_it_shows_the_404_page_in_hindi_to_a_browser_asking_for_it(client):
    page = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="hi").content.decode()
    assert "पृष्ठ नहीं मिला" in page


def test_it_shows_the_sites_403_page_to_a_clerk_at_the_upload_page(client, clerk):
    client.force_login(clerk)
    response = client.get("/imports/upload/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "Not allowed" in page and 'class="topbar"' in page and 'href="/"' in page


def test_it_shows_the_403_page_in_hindi(client, clerk):
    client.force_login(clerk)
    client.cookies["django_language"] = "hi"
    page = client.get("/imports/upload/").content.decode()
    assert "अनुमति नहीं" in page


@override_settings(ROOT_URLCONF="tests.kesco.error_urls")
@pytest.mark.parametrize("language, title", [("en", "Something went wrong"), ("hi", "कुछ गड़बड़ हो गई")])
def test_it_shows_the_sites_500_page(language, title):
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = language
    response = client.get("/crash/")
    page = response.content.decode()
    assert response.status_code == 500
    assert title in page
    assert 'class="topbar"' in page and 'href="/"' in page
    assert "a bug" not in page and "RuntimeError" not in page  # says nothing about the error


@override_settings(ROOT_URLCONF="tests.kesco.error_urls")
def test_it_still_answers_json_under_the_api():
    client = Client(raise_request_exception=False)
    crashed = client.get("/api/v1/crash/")
    assert (crashed.status_code, crashed.json()) == (500, {"detail": "Server error."})
    missing = client.get("/api/v1/no-such-thing/")
    assert (missing.status_code, missing.json()) == (404, {"detail": "Not found."})


def test_it_answers_the_favicon(client, settings):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    # Static files as in production (WhiteNoise), found in static/ rather than a collected STATIC_ROOT.
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    icon = Client().get(response.url)
    assert icon.status_code == 200
    assert icon["Content-Type"].startswith("image/")
    assert b"<svg" in b"".join(icon.streaming_content)


def test_it_links_the_favicon_from_every_page(client):
    page = client.get("/login/").content.decode()
    assert 'rel="icon"' in page and "favicon.svg" in page
