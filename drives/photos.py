"""A stop's photo as evidence: decoded, checked and re-encoded before it is kept.

An upload is only bytes a phone (or anyone with a token) sent: a name ending in .html, a file that starts like a
JPEG and goes on as a web page, a header declaring a picture that takes gigabytes to decode. So the upload is
never stored: Pillow decodes it whole (JPEG, PNG or WebP only), and what is kept is a new JPEG drawn from its
pixels, at most STOP_PHOTO_MAX_SIDE on its longer side, under a random name, with no metadata. What the camera's
EXIF said of where and when (GPS position, DateTimeOriginal) is kept as data on the stop, not in the file anyone
with the photo could pass on. Refusals are 409 invalid_photo, field photo.
"""

import hashlib
import struct
import uuid
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction
from io import BytesIO
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from core.errors import DomainError
from core.money import format_count

# What a phone's camera or gallery gives; not HEIC (Pillow cannot decode it without a plugin), GIF or SVG.
FORMATS = ("JPEG", "PNG", "WEBP")
JPEG_QUALITY = 80  # a meter's digits and a seal stay legible at 1600 px; a photo is some 200–400 kB
# EXIF tags (the standard's numbers; Pillow's ExifTags names them too).
EXIF_IFD, GPS_IFD = 0x8769, 0x8825
DATE_TIME_ORIGINAL, OFFSET_TIME_ORIGINAL = 0x9003, 0x9011
GPS_LATITUDE_REF, GPS_LATITUDE, GPS_LONGITUDE_REF, GPS_LONGITUDE = 1, 2, 3, 4
# Errors Pillow raises on a file that is not a whole picture of an allowed format (a truncated or corrupt one, a
# decompression bomb, anything else).
DECODE_ERRORS = (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning, OSError,
                 SyntaxError, ValueError, EOFError, IndexError, TypeError, struct.error)


@dataclass(frozen=True)
class StopPhoto:
    """A photo ready to be kept on a stop: the re-encoded JPEG and what the upload's EXIF said."""

    file: ContentFile  # named <uuid4 hex>.jpg; Stop.photo's upload_to puts it under stops/YYYY/MM/
    sha256: str  # of the bytes as uploaded: the same upload twice is recognisably the same
    taken_at: datetime | None
    latitude: Decimal | None
    longitude: Decimal | None


def _refused(message: str) -> DomainError:
    return DomainError(message, code="invalid_photo", field="photo")


def _not_a_picture() -> DomainError:
    return _refused(_("not a whole JPEG, PNG or WebP picture"))


def photo_size_checked(*, upload) -> bytes:
    """The upload's bytes, if there are at most STOP_PHOTO_MAX_BYTES of them."""
    if upload.size > settings.STOP_PHOTO_MAX_BYTES:
        megabytes = format_count(settings.STOP_PHOTO_MAX_BYTES // (1024 * 1024))
        raise _refused(_("at most %(megabytes)s MB") % {"megabytes": megabytes})
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def _too_many_pixels() -> DomainError:
    return _refused(_("at most %(megapixels)s megapixels")
                    % {"megapixels": format_count(settings.STOP_PHOTO_MAX_PIXELS // 1_000_000)})


def photo_decoded(*, data: bytes) -> Image.Image:
    """The picture in ``data``, decoded whole: a JPEG, PNG or WebP whose header declares at most
    STOP_PHOTO_MAX_PIXELS (checked before the pixels are decoded, so a bomb costs nothing)."""
    with warnings.catch_warnings():
        # Pillow only warns of a bomb below twice its own limit; here any warning of it is a refusal.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(BytesIO(data), formats=FORMATS)  # reads the header alone
            if image.width * image.height > settings.STOP_PHOTO_MAX_PIXELS:
                raise _too_many_pixels()
            image.load()  # every pixel: a truncated file or a web page behind a JPEG header fails here
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels() from None
        except DECODE_ERRORS:
            raise _not_a_picture() from None
    return image


def _rational(value) -> Fraction:
    return Fraction(value.numerator, value.denominator) if hasattr(value, "denominator") else Fraction(value)


def _degrees(parts, ref, *, positive: str, negative: str, limit: int) -> Decimal | None:
    """EXIF's (degrees, minutes, seconds) and N/S or E/W as signed decimal degrees, 6 places; None if malformed."""
    try:
        degrees, minutes, seconds = (_rational(part) for part in parts)
        value = degrees + minutes / 60 + seconds / 3600
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    ref = ref.decode(errors="replace") if isinstance(ref, bytes) else str(ref or "")
    ref = ref.strip("\x00 ").upper()
    if ref not in (positive, negative) or not 0 <= value <= limit:
        return None
    degrees = Decimal(value.numerator) / Decimal(value.denominator)
    return (-degrees if ref == negative else degrees).quantize(Decimal("0.000001"))


def _taken_at(exif_ifd) -> datetime | None:
    """DateTimeOriginal, in the zone of OffsetTimeOriginal when the camera wrote one, else India's (a phone writes
    its local time; the clerks are in Kanpur). None when absent or malformed."""
    raw = exif_ifd.get(DATE_TIME_ORIGINAL)
    try:
        moment = datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    zone = ZoneInfo(settings.TIME_ZONE)
    offset = str(exif_ifd.get(OFFSET_TIME_ORIGINAL) or "").strip("\x00 ")
    if len(offset) == 6 and offset[0] in "+-" and offset[3] == ":" and (offset[1:3] + offset[4:]).isdigit():
        sign = -1 if offset[0] == "-" else 1
        zone = timezone(sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[4:])))
    return moment.replace(tzinfo=zone)


def photo_exif_facts(*, image: Image.Image) -> tuple[datetime | None, Decimal | None, Decimal | None]:
    """When and where the camera says the photo was taken: (taken_at, latitude, longitude), each None when the
    EXIF has no such data or malformed data (a photo is not refused for its metadata)."""
    try:
        exif = image.getexif()
        taken_at = _taken_at(exif.get_ifd(EXIF_IFD))
        gps = exif.get_ifd(GPS_IFD)
    except DECODE_ERRORS:
        return None, None, None
    latitude = _degrees(gps.get(GPS_LATITUDE, ()), gps.get(GPS_LATITUDE_REF), positive="N", negative="S", limit=90)
    longitude = _degrees(gps.get(GPS_LONGITUDE, ()), gps.get(GPS_LONGITUDE_REF), positive="E", negative="W",
                         limit=180)
    if latitude is None or longitude is None:
        latitude = longitude = None
    return taken_at, latitude, longitude


def photo_reencoded(*, image: Image.Image) -> bytes:
    """A JPEG of ``image``: turned upright as its EXIF says, RGB (transparency on white), shrunk to at most
    STOP_PHOTO_MAX_SIDE on its longer side, without EXIF or any other metadata."""
    try:
        image = ImageOps.exif_transpose(image)
        if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
            image = image.convert("RGBA")
            flat = Image.new("RGB", image.size, "white")
            flat.paste(image, mask=image.getchannel("A"))
            image = flat
        elif image.mode != "RGB":
            image = image.convert("RGB")
        side = settings.STOP_PHOTO_MAX_SIDE
        image.thumbnail((side, side), Image.Resampling.LANCZOS)
        out = BytesIO()
        # No exif=, icc_profile= or comment=: Pillow writes none of the upload's metadata unless asked.
        image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    except DECODE_ERRORS:
        raise _not_a_picture() from None
    return out.getvalue()


def stop_photo_prepare(*, upload) -> StopPhoto:
    """The photo to keep on a stop for ``upload`` (a Django UploadedFile): checked, decoded, re-encoded, named at
    random (never the uploaded name). Runs before the outcome's transaction: decoding takes a moment and locks
    nothing."""
    data = photo_size_checked(upload=upload)
    image = photo_decoded(data=data)
    taken_at, latitude, longitude = photo_exif_facts(image=image)
    jpeg = photo_reencoded(image=image)
    return StopPhoto(file=ContentFile(jpeg, name=f"{uuid.uuid4().hex}.jpg"), sha256=hashlib.sha256(data).hexdigest(),
                     taken_at=taken_at, latitude=latitude, longitude=longitude)
