"""The field app's offline parts on the server's side (drives/field_pwa.py, docs/FIELD.md): the service worker
at /sw.js, the web manifest and its icons, the offline receipt's shell and the offline page. What they do in a
browser is tests/browser/test_field_offline.py's.

The icons are made here, with the standard library only: ``python -m tests.drives.test_field_pwa`` writes
static/icons/*.png, and a test checks that the committed files are what this code makes.
"""

import json
import math
import os
import struct
import zlib
from pathlib import Path

import django
import pytest

if __name__ == "__main__":  # run as a script: Django first, for drives.field_pwa's list of icons
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesco.settings")
    django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.staticfiles import finders  # noqa: E402
from django.urls import reverse  # noqa: E402

from drives.field_pwa import ICONS  # noqa: E402

ICON_DIR = Path(__file__).resolve().parents[2] / "static" / "icons"
BRAND = (0x0B, 0x5C, 0xAB)   # static/favicon.svg: the blue square
BOLT = (0xFF, 0xD2, 0x3F)    # and the yellow bolt, in its 32-unit box
BOLT_PATH = ((18, 3), (7, 18), (14, 18), (12, 29), (23, 14), (16, 14))


def _spans(polygon, y):
    """Where the row at height y crosses the polygon: [(x0, x1), …] (even-odd rule)."""
    crossings = []
    for (x0, y0), (x1, y1) in zip(polygon, polygon[1:] + polygon[:1], strict=True):
        if (y0 <= y < y1) or (y1 <= y < y0):
            crossings.append(x0 + (y - y0) * (x1 - x0) / (y1 - y0))
    crossings.sort()
    return list(zip(crossings[::2], crossings[1::2], strict=True))


def _coverage(size, shape, samples=4):
    """Each pixel's share inside the shape: ``samples`` rows per pixel, exact along each row."""
    grid = [[0.0] * size for _ in range(size)]
    for py in range(size):
        row = grid[py]
        for sample in range(samples):
            for x0, x1 in shape(py + (sample + 0.5) / samples):
                for px in range(max(0, math.floor(x0)), min(size, math.ceil(x1))):
                    row[px] += (min(x1, px + 1) - max(x0, px)) / samples
    return grid


def _rounded_square(size, radius):
    def spans(y):
        dy = max(radius - y, y - (size - radius), 0)
        if dy > radius:
            return []
        inset = radius - math.sqrt(radius * radius - dy * dy)
        return [(inset, size - inset)]
    return spans


def _png(size, pixels) -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + bytes(row) for row in pixels)
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def icon(size: int, purpose: str) -> bytes:
    """The favicon's bolt on the brand's blue: "any" a rounded square with clear corners; "maskable" the blue to
    the edges and the bolt inside the middle 80 % circle that every launcher's mask keeps."""
    if purpose == "maskable":
        background = [[1.0] * size for _ in range(size)]
        scale, offset = size * 0.55 / 32, size * 0.225
    else:
        background = _coverage(size, _rounded_square(size, size * 6 / 32))
        scale, offset = size / 32, 0.0
    bolt_polygon = [(offset + x * scale, offset + y * scale) for x, y in BOLT_PATH]
    bolt = _coverage(size, lambda y: _spans(bolt_polygon, y))
    pixels = []
    for y in range(size):
        row = []
        for x in range(size):
            b = min(1.0, bolt[y][x])
            colour = [round(BOLT[i] * b + BRAND[i] * (1 - b)) for i in range(3)]
            row.extend(colour + [round(255 * min(1.0, background[y][x]))])
        pixels.append(row)
    return _png(size, pixels)


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize(("name", "size", "purpose"), ICONS)
def test_the_committed_icons_are_the_ones_this_code_makes(name, size, purpose):
    committed = (ICON_DIR / name).read_bytes()
    assert _png_size(committed) == (size, size)
    assert committed == icon(size, purpose), f"run: python -m tests.drives.test_field_pwa ({name} differs)"


def test_the_service_worker_is_served_at_the_root_uncached_and_names_the_static_files(client, db):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    for part in ("vendor/workbox/workbox-sw.js", "vendor/idb/idb.umd.js", "js/field/db.js", "NetworkFirst",
                 "networkTimeoutSeconds: 4", "cacheKeyWillBeUsed", "setCatchHandler", '"cache-day"', '"sync"'):
        assert part in body, part
    assert reverse("field-offline") in body


def test_the_manifest_opens_todays_stops_standalone_with_its_icons(client, db):
    response = client.get(reverse("field-manifest"))
    assert response["Content-Type"].startswith("application/manifest+json")
    manifest = json.loads(response.content)
    assert (manifest["start_url"], manifest["display"], manifest["scope"]) == ("/field/", "standalone", "/")
    assert manifest["theme_color"] == "#0b5cab" and manifest["short_name"]
    icons = {(i["sizes"], i["purpose"]) for i in manifest["icons"]}
    assert icons == {("192x192", "any"), ("512x512", "any"), ("192x192", "maskable"), ("512x512", "maskable")}
    for entry in manifest["icons"]:
        assert finders.find(entry["src"].removeprefix(settings.STATIC_URL)), entry["src"]


def test_the_manifest_speaks_the_users_language(client, db):
    manifest = json.loads(client.get(reverse("field-manifest"), HTTP_ACCEPT_LANGUAGE="hi").content)
    assert manifest["lang"] == "hi" and manifest["name"] != "KESCO Arrears: field app"


def test_the_offline_page_names_nobody_and_needs_no_login(client, clerk):
    response = client.get(reverse("field-offline"))
    assert response.status_code == 200
    assert b"data-offline-page" in response.content and b"data-user" not in response.content


def test_the_pending_receipt_is_a_clerks_page(client, clerk, officer, password):
    url = reverse("field-pending-receipt")
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(clerk)
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'data-user="{clerk.username}"' in page and "data-pending-receipt" in page
    for part in ("receipt-no", "words-en", "words-hi", "arrears-after", "js/field/receipt.js", "js/field/words.js"):
        assert part in page, part


def test_field_pages_carry_the_service_worker_and_the_day(client, clerk, password):
    client.force_login(clerk)
    page = client.get(reverse("field-stops")).content.decode()
    for part in ('data-sw="/sw.js"', "workbox-window.prod.umd.js", "js/field/pwa.js", "js/field/day.js",
                 reverse("field-manifest")):
        assert part in page, part


def test_the_policy_lets_the_site_run_its_worker_and_manifest(client, db):
    policy = client.get(reverse("field-offline"))["Content-Security-Policy"]
    assert "worker-src 'self'" in policy and "manifest-src 'self'" in policy


if __name__ == "__main__":
    ICON_DIR.mkdir(parents=True, exist_ok=True)
    for name, size, purpose in ICONS:
        (ICON_DIR / name).write_bytes(icon(size, purpose))
        print(ICON_DIR / name)
