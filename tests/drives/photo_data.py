"""Pictures for the photo tests, made with Pillow: real files a phone could send, and the ones an attacker would."""

import struct
import zlib
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

SCRIPT = b"<html><body><script>alert(document.cookie)</script></body></html>"


def picture(size=(40, 30), fmt="JPEG", *, mode="RGB", color=(200, 40, 40), **save) -> bytes:
    out = BytesIO()
    Image.new(mode, size, color).save(out, fmt, **save)
    return out.getvalue()


def upload(data: bytes, name: str = "door.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def camera_exif(*, taken: str = "2026:12:03 10:42:09", orientation: int | None = None) -> Image.Exif:
    """What a phone's camera writes: its model, the time (DateTimeOriginal) and the position (26°26'59.7"N,
    80°19'54.6"E: Kanpur)."""
    exif = Image.Exif()
    exif[0x0110] = "Kanpur Phone 7"  # Model
    if orientation is not None:
        exif[0x0112] = orientation
    exif.get_ifd(0x8769)[0x9003] = taken
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (26.0, 26.0, 59.7), "E", (80.0, 19.0, 54.6)
    return exif


def png_declaring(width: int, height: int) -> bytes:
    """A tiny real PNG whose header (IHDR) is rewritten to declare ``width`` × ``height``, its CRC made right."""
    data = bytearray(picture((1, 1), "PNG"))
    start = 8 + 4 + 4  # signature, IHDR's length and type
    data[start:start + 8] = struct.pack(">II", width, height)
    data[start + 13:start + 17] = struct.pack(">I", zlib.crc32(bytes(data[12:start + 13])))
    return bytes(data)


SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
       b'<script>alert(1)</script><rect width="10" height="10"/></svg>')
