"""Outcomes at a stop: the cut and its charge, theft, evidence, and the drive's status."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from arrears.models import LedgerEntry
from core.errors import DomainError
from core.models import Source
from drives.models import Disconnection, DriveStatus, Stop, StopStatus, TheftCase
from drives.selectors import clerk_stops_today, drive_progress, stops_of_drive
from drives.services import drive_close, drive_start, stop_outcome_log
from tests.drives.drive_data import build_list, defaulter, plan, served
from tests.drives.photo_data import picture

pytestmark = pytest.mark.django_db

JPEG = picture((40, 30))


@pytest.fixture
def stop(rtp, officer, clerk):
    consumer = defaulter(rtp, "50000.00", category="LMV-2")  # commercial
    served(officer, consumer)
    build_list(rtp)
    return Stop.objects.get(drive=plan(officer, rtp, [clerk]), consumer=consumer)


def log(user, stop, outcome, **fields):
    return stop_outcome_log(user=user, stop=stop, outcome=outcome, source=Source.API, **fields)


def refused(code, *args, **kwargs):
    with pytest.raises(DomainError) as refusal:
        log(*args, **kwargs)
    assert refusal.value.code == code
    return refusal.value


def test_it_cuts_charges_and_marks_the_consumer_disconnected(stop, clerk, settings):
    consumer = stop.consumer
    balance = consumer.balance

    log(clerk, stop, "disconnected", method="cable_removed", latitude="26.4499", longitude="80.3319",
        notes="cable at the pole")

    consumer.refresh_from_db()
    stop.refresh_from_db()
    cut = Disconnection.objects.get(stop=stop)
    charge = settings.DISCONNECTION_CHARGES["commercial"]
    assert consumer.status == "disconnected"
    assert cut.arrears_at_disconnection == Decimal("50000.00")
    assert (cut.charge.kind, cut.charge.amount, cut.charge.reference) == ("SURCHARGE", charge, f"DISC-{cut.pk}")
    assert consumer.balance == balance + charge
    assert (cut.by, cut.method, cut.source) == (clerk, "cable_removed", Source.API)
    assert (stop.status, stop.outcome, stop.method, stop.outcome_by, stop.outcome_source) == (
        StopStatus.DONE, "disconnected", "cable_removed", clerk, Source.API)
    assert (stop.latitude, stop.longitude) == (Decimal("26.449900"), Decimal("80.331900"))
    assert stop.history.first().history_user == clerk
    assert stop.drive.__class__.objects.get(pk=stop.drive_id).status == DriveStatus.IN_PROGRESS


def test_it_asks_how_the_connection_was_cut(stop, clerk):
    refused("method_required", clerk, stop, "disconnected")
    refused("invalid_method", clerk, stop, "disconnected", method="hammer")
    assert not LedgerEntry.objects.filter(kind="SURCHARGE").exists()


def test_it_opens_a_theft_case_from_the_stop(stop, clerk):
    log(clerk, stop, "theft_detected", notes="hook on the LT line")

    case = TheftCase.objects.get(stop=stop)
    assert (case.consumer, case.division, case.opened_by, case.status, case.notes) == (
        stop.consumer, stop.consumer.division, clerk, "reported", "hook on the LT line")


def test_it_logs_one_outcome_per_stop(stop, clerk):
    log(clerk, stop, "premises_locked")
    refused("stop_closed", clerk, stop, "not_found")
    stop.refresh_from_db()
    assert stop.outcome == "premises_locked"


def test_it_leaves_paid_to_the_payment(stop, clerk):
    refused("payment_required", clerk, stop, "paid")


def test_it_keeps_a_photo_of_an_image_within_the_size_limit(stop, clerk, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    refused("invalid_photo", clerk, stop, "premises_locked",
            photo=SimpleUploadedFile("x.jpg", b"MZ not a picture", content_type="image/jpeg"))
    settings.STOP_PHOTO_MAX_BYTES = len(JPEG) - 1
    refused("invalid_photo", clerk, stop, "premises_locked",
            photo=SimpleUploadedFile("big.jpg", JPEG, content_type="image/jpeg"))
    settings.STOP_PHOTO_MAX_BYTES = len(JPEG)

    log(clerk, stop, "premises_locked", photo=SimpleUploadedFile("door.jpg", JPEG, content_type="image/jpeg"))

    stop.refresh_from_db()
    assert Image.open(stop.photo).size == (40, 30)  # kept re-encoded (tests/drives/test_photos.py)


@pytest.mark.parametrize(("latitude", "longitude"), [("90.5", "80"), ("26", "-180.1"), ("26", None), ("x", "80")])
def test_it_refuses_a_position_off_the_earth(stop, clerk, latitude, longitude):
    refused("invalid_position", clerk, stop, "not_found", latitude=latitude, longitude=longitude)


def test_it_starts_and_closes_a_drive_once(stop, officer, clerk):
    drive = drive_start(user=officer, drive=stop.drive, source=Source.WEB)
    assert drive.status == DriveStatus.IN_PROGRESS
    with pytest.raises(DomainError) as refusal:
        drive_start(user=officer, drive=drive, source=Source.WEB)
    assert refusal.value.code == "invalid_status"

    drive = drive_close(user=officer, drive=drive, source=Source.WEB)
    assert drive.status == DriveStatus.CLOSED and drive.closed_at
    assert drive.history.first().history_user == officer
    refused("stop_closed", clerk, stop, "not_found")
    assert list(clerk_stops_today(clerk)) == []


def test_it_shows_the_day_so_far(stop, rtp, officer, clerk):
    other = defaulter(rtp, "40000.00", address="5 Juhi Kalan, Kanpur")
    second = Stop.objects.create(drive=stop.drive, consumer=other, clerk=clerk, sequence=2, arrears=other.arrears,
                                 rank=2)
    assert [s.pk for s in clerk_stops_today(clerk)] == [stop.pk, second.pk]

    log(clerk, stop, "disconnected", method="remote")

    progress = drive_progress(stop.drive)
    assert progress["clerks"][0] == {"clerk_id": clerk.pk, "clerk": clerk.username, "clerk_name": "Clerk",
                                         "done": 1, "left": 1}
    assert (progress["outcomes"]["disconnected"], progress["disconnections"], progress["payments"]) == (1, 1, 0)
    shown = {s.pk: s for s in stops_of_drive(officer, stop.drive)}
    assert (shown[stop.pk].notice_valid, shown[second.pk].notice_valid) == (True, False)
    assert [s.pk for s in clerk_stops_today(clerk)] == [second.pk]
