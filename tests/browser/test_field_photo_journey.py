"""A stop's photo as evidence, in Chromium: the clerk takes it with the outcome on the stop page (sent by the field
app through the API), the division's officer opens it from the drive's page, another division's officer cannot."""

from decimal import Decimal

import pytest
from django.test.testcases import _MediaFilesHandler

from drives.models import Stop
from tests.browser.conftest import DESKTOP, eventually, log_in, new_page, wait_for_path
from tests.drives.drive_data import build_list, defaulter, plan, served
from tests.drives.photo_data import SCRIPT, camera_exif, picture

pytestmark = [pytest.mark.needs_browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Django's live server serves MEDIA_URL straight from MEDIA_ROOT to anyone; gunicorn behind nginx does not.
    # Off, so the app's view answers as in production.
    monkeypatch.setattr(_MediaFilesHandler, "_should_handle", lambda self, path: False)


def test_a_photo_taken_at_the_stop_opens_for_the_division_s_officer_alone(
        browser, phone, live_server, clerk, officer, other_officer, password, rtp, tmp_path):
    consumer = defaulter(rtp, "40000.00", name="Shyam Lal", address="7 Lal Bangla, Ratanpur")
    served(officer, consumer)
    build_list(rtp)
    stop = Stop.objects.get(drive=plan(officer, rtp, [clerk], name="Ratanpur drive"), consumer=consumer)
    photo = tmp_path / "IMG_0001.jpg"
    photo.write_bytes(picture((1200, 900), exif=camera_exif()) + SCRIPT)

    log_in(phone, live_server, clerk.username, password)
    phone.goto(f"{live_server.url}/field/stops/{stop.pk}/")
    phone.click("summary.button:not(.danger)")
    phone.set_input_files("#id_photo", str(photo))
    phone.click("button[value='premises_locked']")
    wait_for_path(phone, r"/field/$")
    stop.refresh_from_db()
    assert stop.outcome == "premises_locked" and stop.photo.name.endswith(".jpg")
    assert (stop.photo_latitude, stop.photo_longitude) == (Decimal("26.449917"), Decimal("80.331833"))

    # The clerk sees it on the stop's page.
    phone.goto(f"{live_server.url}/field/stops/{stop.pk}/")
    eventually(phone, lambda: phone.evaluate("() => document.querySelector('a.stop-photo img').naturalWidth") == 1200,
               what="the photo never showed on the clerk's stop page")
    assert phone.errors == []

    desk = new_page(browser, DESKTOP)
    log_in(desk, live_server, officer.username, password)
    desk.goto(f"{live_server.url}/drives/{stop.drive_id}/")
    href = desk.locator("a.stop-photo").get_attribute("href")
    opened = desk.goto(f"{live_server.url}{href}")
    assert opened.status == 200
    headers = opened.all_headers()
    assert headers["content-type"] == "image/jpeg"
    assert headers["cache-control"] == "private, no-store"
    assert b"<script" not in opened.body()
    desk.context.close()

    other = new_page(browser, DESKTOP)
    log_in(other, live_server, other_officer.username, password)
    assert other.goto(f"{live_server.url}{href}").status == 404
    other.context.close()
