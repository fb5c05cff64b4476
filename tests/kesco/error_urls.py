"""The site's URL conf plus views that crash, for the 500 page and the API's JSON 500 (test_error_pages)."""

from django.urls import path

from kesco.urls import handler400, handler403, handler404, handler500
from kesco.urls import urlpatterns as site_urlpatterns


def crash(request):
    raise RuntimeError("a bug")


urlpatterns = [path("crash/", crash), path("api/v1/crash/", crash), *site_urlpatterns]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
