"""The field app's offline parts (docs/FIELD.md): the service worker at /sw.js, the web manifest, the offline
receipt's shell and the page shown for a field address the phone has not saved.

The service worker is a template so that it names the static files by their served (hashed) names; it carries
no user's data and is served to anyone. The pages it caches are each kept under the user they were made for.
"""

import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.permissions import may_take_payment

THEME_COLOUR = "#0b5cab"
BACKGROUND_COLOUR = "#f5f7fa"
# (file in static/icons/, size, purpose): made by tests/drives/test_field_pwa.py (python -m …), committed.
ICONS = (("icon-192.png", 192, "any"), ("icon-512.png", 512, "any"),
         ("maskable-192.png", 192, "maskable"), ("maskable-512.png", 512, "maskable"))


def _static_or_none(path: str) -> str | None:
    """A static file's URL, or None when the file is not there (the manifest storage refuses an unknown name)."""
    try:
        return static(path)
    except ValueError:
        return None


@require_GET
def service_worker(request):
    """/sw.js: at the site's root so that its scope is the whole site; never cached without asking (a new
    version of the app reaches the phone at its next page)."""
    workbox = static("vendor/workbox/workbox-sw.js")
    outbox = _static_or_none("js/field/outbox.js")
    names = {
        "workbox_sw": workbox, "workbox_prefix": workbox.rsplit("/", 1)[0],
        "idb_js": static("vendor/idb/idb.umd.js"), "db_js": static("js/field/db.js"), "outbox_js": outbox,
        "static_prefix": static(""), "offline_url": reverse("field-offline"),
        "login_url": reverse("login"), "logout_url": reverse("logout"),
    }
    # Each one a JavaScript string literal (JSON's are); the template writes them as they are.
    response = render(request, "drives/field/sw.js", {name: json.dumps(value) for name, value in names.items()}
                      | {"has_outbox": outbox is not None}, content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def manifest(request):
    """The web manifest: installs the field app on the phone's home screen, opening today's stops."""
    data = {
        "name": _("KESCO Arrears: field app"),
        "short_name": _("KESCO Field"),
        "description": _("Today's stops, payments and receipts, with or without a network."),
        "lang": get_language(),
        "start_url": reverse("field-stops"),
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [{"src": static(f"icons/{name}"), "sizes": f"{size}x{size}", "type": "image/png",
                   "purpose": purpose} for name, size, purpose in ICONS],
    }
    return HttpResponse(json.dumps(data, ensure_ascii=False, indent=1),
                        content_type="application/manifest+json; charset=utf-8")


@require_GET
@login_required
def pending_receipt(request):
    """The receipt of a payment still on the phone: a shell that static/js/field/receipt.js fills from the
    outbox record named after the # (the server has not seen the payment, so it cannot draw it)."""
    if not may_take_payment(request.user):
        raise PermissionDenied
    return render(request, "drives/field/pending_receipt.html", {
        "title": _("Receipt (not yet sent)"),
        "receipt_url": reverse("field-receipt", args=[0]),
    })


@require_GET
def offline(request):
    """Shown by the service worker, with no network, for a field address it has not saved for this user. The
    service worker fetches it without cookies when it installs: it names nobody."""
    return render(request, "drives/field/offline.html")
