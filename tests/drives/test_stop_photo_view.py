"""A stop's photo at its address (drives/photo_views.py): taken on the clerk's page, opened by who may see the stop,
a 404 for everyone else."""

from io import BytesIO

import pytest
from django.test import Client
from django.urls import resolve
from PIL import Image

from drives.models import Stop
from tests.drives.photo_data import SCRIPT, picture, upload
from tests.drives.test_outcomes import stop as stop  # noqa: F401, PLC0414  (the fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.MEDIA_ACCEL_REDIRECT = ""


def client_of(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def photographed(stop, clerk):
    """The stop with the photo its clerk took on the clerk's page (a polyglot named evil.html)."""
    response = client_of(clerk).post(f"/field/stops/{stop.pk}/outcome/", {
        "outcome": "premises_locked", "photo": upload(picture((400, 300)) + SCRIPT, "evil.html", "text/html")})
    assert response.status_code == 302 and response.url == "/field/"
    return Stop.objects.get(pk=stop.pk)


def test_it_opens_the_photo_for_the_clerk_the_division_s_officer_hq_and_it(photographed, clerk, officer, md,
                                                                           it_admin):
    for user in (clerk, officer, md, it_admin):
        response = client_of(user).get(photographed.photo.url)
        assert response.status_code == 200, user
        assert response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"] == "private, no-store"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"] == f'inline; filename="stop-{photographed.pk}.jpg"'
        data = b"".join(response.streaming_content)
        assert Image.open(BytesIO(data)).size == (400, 300) and b"<script" not in data


def test_it_is_a_404_to_another_division_and_a_login_to_the_anonymous(photographed, other_officer, other_clerk):
    for user in (other_officer, other_clerk):
        assert client_of(user).get(photographed.photo.url).status_code == 404
    response = client_of(None).get(photographed.photo.url)
    assert response.status_code == 302 and response.url.startswith("/login/?next=/media/stops/")


def test_it_serves_no_name_a_stop_does_not_hold_and_no_other_media(photographed, officer, settings):
    (settings.MEDIA_ROOT / "imports").mkdir()
    (settings.MEDIA_ROOT / "imports" / "consumers.csv").write_text("account_no,name\n")
    client = client_of(officer)
    year_month = photographed.photo.name.rsplit("/", 1)[0]
    for path in (f"/media/{year_month}/{'0' * 32}.jpg", "/media/imports/consumers.csv",
                 f"/media/stops/../{photographed.photo.name}", "/media/stops/"):
        assert client.get(path).status_code == 404, path


def test_it_hands_the_file_to_nginx_when_a_protected_location_is_set(photographed, officer, settings):
    settings.MEDIA_ACCEL_REDIRECT = "/protected-media/"
    response = client_of(officer).get(photographed.photo.url)
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == f"/protected-media/{photographed.photo.name}"
    assert (response["Content-Type"], response["Cache-Control"]) == ("image/jpeg", "private, no-store")


def test_it_is_a_404_when_the_file_is_gone(photographed, officer):
    photographed.photo.storage.delete(photographed.photo.name)
    assert client_of(officer).get(photographed.photo.url).status_code == 404


def test_it_links_the_photo_where_the_officer_and_the_clerk_look_at_the_stop(photographed, officer, clerk):
    assert resolve(photographed.photo.url).url_name == "stop-photo"
    drive_page = client_of(officer).get(f"/drives/{photographed.drive_id}/").content.decode()
    assert f'href="{photographed.photo.url}"' in drive_page
    stop_page = client_of(clerk).get(f"/field/stops/{photographed.pk}/").content.decode()
    assert f'src="{photographed.photo.url}"' in stop_page
    admin_page = client_of(officer).get(f"/admin/drives/stop/{photographed.pk}/change/").content.decode()
    assert f'href="{photographed.photo.url}"' in admin_page
