"""A stop's photo as evidence (drives/photos.py): decoded whole, re-encoded to a JPEG under a random name, the
camera's time and position kept on the stop and out of the file."""

import hashlib
import re
from datetime import datetime
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from PIL import Image, ImageFile

from drives.models import Stop
from tests.drives.photo_data import SCRIPT, SVG, camera_exif, picture, png_declaring, upload
from tests.drives.test_outcomes import log, refused
from tests.drives.test_outcomes import stop as stop  # noqa: F401, PLC0414  (the fixture)

pytestmark = pytest.mark.django_db

STORED_NAME = re.compile(r"^stops/\d{4}/\d{2}/[0-9a-f]{32}\.jpg$")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def kept(stop) -> tuple[bytes, Image.Image]:
    stop = Stop.objects.get(pk=stop.pk)
    with stop.photo.open("rb") as file:
        data = file.read()
    return data, Image.open(BytesIO(data))


def test_it_keeps_a_polyglot_only_as_a_new_jpeg_under_a_random_name(stop, clerk):
    log(clerk, stop, "premises_locked", photo=upload(picture() + SCRIPT, "evil.html", "text/html"))

    data, image = kept(stop)
    assert STORED_NAME.match(Stop.objects.get(pk=stop.pk).photo.name)
    assert "evil" not in Stop.objects.get(pk=stop.pk).photo.name
    assert b"<script" not in data and b"<html" not in data
    assert (image.format, image.size) == ("JPEG", (40, 30))


@pytest.mark.parametrize("data", [
    pytest.param(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + SCRIPT, id="jpeg-magic-then-html"),
    pytest.param(SVG, id="svg"),
    pytest.param(SCRIPT, id="html"),
    pytest.param(picture((400, 300))[:-600], id="truncated-jpeg"),
    pytest.param(picture(fmt="GIF"), id="gif"),
    pytest.param(picture(fmt="BMP"), id="bmp"),
])
def test_it_refuses_what_does_not_decode_whole_as_jpeg_png_or_webp(stop, clerk, data):
    error = refused("invalid_photo", clerk, stop, "premises_locked", photo=upload(data))
    assert (error.field, error.detail) == ("photo", "not a whole JPEG, PNG or WebP picture")
    assert Stop.objects.get(pk=stop.pk).status == "open"


@pytest.mark.parametrize("side", [100_000, 8_000])  # 10 gigapixels (a bomb to Pillow too), 64 MP (to us alone)
def test_it_refuses_a_header_declaring_too_many_pixels_without_decoding_it(stop, clerk, monkeypatch, side):
    def load(self):
        raise AssertionError("decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    error = refused("invalid_photo", clerk, stop, "premises_locked", photo=upload(png_declaring(side, side),
                                                                                  "bomb.png", "image/png"))
    assert error.detail == "at most 50 megapixels"


def test_it_refuses_what_pillow_calls_a_decompression_bomb(stop, clerk, monkeypatch, settings):
    settings.STOP_PHOTO_MAX_PIXELS = 10**9  # ours out of the way: Pillow's own limit, as a warning, refuses too
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    refused("invalid_photo", clerk, stop, "premises_locked", photo=upload(picture((40, 30))))


def test_it_shrinks_a_huge_photo_to_the_longest_side_allowed(stop, clerk, settings):
    assert settings.STOP_PHOTO_MAX_SIDE == 1600
    log(clerk, stop, "premises_locked", photo=upload(picture((5000, 4000))))

    _data, image = kept(stop)
    assert image.size == (1600, 1280)


def test_it_keeps_the_camera_s_time_and_position_on_the_stop_and_out_of_the_file(stop, clerk):
    log(clerk, stop, "premises_locked", photo=upload(picture(exif=camera_exif())))

    stop = Stop.objects.get(pk=stop.pk)
    assert stop.photo_taken_at == datetime(2026, 12, 3, 10, 42, 9, tzinfo=ZoneInfo("Asia/Kolkata"))
    assert (stop.photo_latitude, stop.photo_longitude) == (Decimal("26.449917"), Decimal("80.331833"))
    data, image = kept(stop)
    assert not image.getexif() and b"Kanpur Phone" not in data and b"Exif" not in data


def test_it_turns_the_photo_upright_as_the_camera_said(stop, clerk):
    log(clerk, stop, "premises_locked", photo=upload(picture((40, 30), exif=camera_exif(orientation=6))))

    assert kept(stop)[1].size == (30, 40)


def test_it_keeps_a_photo_without_exif_and_its_upload_s_digest(stop, clerk):
    data = picture((40, 30), "PNG", mode="RGBA", color=(0, 0, 0, 0))
    log(clerk, stop, "premises_locked", photo=upload(data, "meter.png", "image/png"))

    stop = Stop.objects.get(pk=stop.pk)
    assert (stop.photo_taken_at, stop.photo_latitude, stop.photo_longitude) == (None, None, None)
    assert stop.photo_sha256 == hashlib.sha256(data).hexdigest()
    assert kept(stop)[1].getpixel((0, 0)) == (255, 255, 255)  # transparency on white, not black


def test_it_takes_webp(stop, clerk):
    log(clerk, stop, "premises_locked", photo=upload(picture(fmt="WEBP"), "door.webp", "image/webp"))

    assert kept(stop)[1].format == "JPEG"


def test_it_refuses_a_photo_over_the_size_limit(stop, clerk, settings):
    settings.STOP_PHOTO_MAX_BYTES = 1024 * 1024
    error = refused("invalid_photo", clerk, stop, "premises_locked",
                    photo=upload(picture((40, 30)) + b"\0" * (1024 * 1024)))
    assert error.detail == "at most 1 MB"
