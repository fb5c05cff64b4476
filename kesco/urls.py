from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from kesco.health import healthz

api_v1 = [
    path("", include("accounts.api_urls")),
    path("", include("arrears.api_urls")),
    path("", include("arrears.defaulter_api_urls")),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("arrears.urls")),
    path("", include("arrears.defaulter_urls")),
    path("", include("accounts.urls")),
]
