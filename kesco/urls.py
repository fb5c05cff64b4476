from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.views import language_switch
from drives.field_pwa import service_worker
from kesco.health import health_page, healthz

MOVED_TO = {"payment": "payments", "importjob": "imports", "defaulterrun": "defaulters",
            "defaulterlist": "defaulters", "defaulterentry": "defaulters"}


def moved_admin_redirect(request, rest):
    model = rest.split("/", 1)[0]
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"/admin/{MOVED_TO[model]}/{rest}" + (f"?{query}" if query else ""))

api_v1 = [
    path("", include("accounts.api_urls")),
    path("", include("arrears.api_urls")),
    path("", include("notify.api_urls")),
    path("", include("defaulters.api_urls")),
    path("", include("settlements.api_urls")),
    path("", include("drives.api_urls")),
    path("", include("payments.api_urls")),
    path("", include("recovery.api_urls")),
    path("", include("reports.api_urls")),
]

# The admin is branded as the app, in the page's language (not "Django administration").
admin.site.site_header = _("KESCO Arrears")
admin.site.site_title = _("KESCO Arrears")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("health/", health_page, name="health"),
    # The field app's service worker (drives/field_pwa.py): at the root, so its scope is the whole site.
    path("sw.js", service_worker, name="service-worker"),
    # Browsers ask for /favicon.ico whatever the page links. A temporary redirect, as the static name is hashed;
    # lazy, as the manifest of hashed names is read on the first request, not when the URL conf loads.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("favicon.svg")), name="favicon"),
    # Payments, imports and defaulter lists left the arrears app: their old admin addresses still lead there.
    re_path(r"^admin/arrears/(?P<rest>(?:payment|importjob|defaulterrun|defaulterlist|defaulterentry)/.*)$",
            moved_admin_redirect),
    path("admin/", admin.site.urls),
    # Django's set_language, which also remembers the choice on a logged-in user.
    path("i18n/setlang/", language_switch, name="set_language"),
    path("api/v1/", include(api_v1)),
    # The schema needs a login like every endpoint (SPECTACULAR_SETTINGS SERVE_PERMISSIONS); the docs
    # page sends a visitor to the login page. The split view serves Swagger UI's start-up code as a
    # file of its own (?script), so the Content-Security-Policy needs no inline script.
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")), name="api-docs"),
    path("", include("arrears.urls")),
    path("", include("payments.urls")),
    path("", include("imports.urls")),
    path("", include("defaulters.urls")),
    path("", include("settlements.urls")),
    path("", include("drives.urls")),
    path("", include("drives.field_urls")),
    path("", include("recovery.urls")),
    path("", include("accounts.urls")),
    path("", include("reports.urls")),
]

# Under /api/ an unknown path, a refused request or a crash answers JSON like the rest of the API;
# pages keep HTML. A handler, not a catch-all pattern: APPEND_SLASH still redirects /api/v1/divisions.
handler400 = "kesco.api.bad_request"
handler403 = "kesco.api.permission_denied"
handler404 = "kesco.api.not_found"
handler500 = "kesco.api.server_error"
