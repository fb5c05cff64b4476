"""Request and response rules that hold for every page, API call, export and admin screen."""

from urllib.parse import parse_qsl, unquote_plus

from django.conf import settings
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from rest_framework.settings import api_settings

NUL_DETAIL = "The request contains a NUL character."


class RefuseNulMiddleware:
    """A NUL character in the query string is answered 400, in the path 404, before any view.

    PostgreSQL can't store or compare a NUL in text, so one that reaches a query (a search box,
    an admin filter, a parameter a view passes on) raises and answers 500. No real link or form
    of ours sends one. Posted form fields and JSON are refused field by field: Django's and DRF's
    CharField reject NUL. First in the stack, so nothing has touched the database yet.

    Under /api/ the 400 has the shape of every API 400 (core.api_docs.FieldErrors): the parameter
    named with its message (`{"q": ["…"]}`), or `non_field_errors` for a NUL in a parameter's name.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info:
            raise Http404  # names nothing of ours; answered by handler404 (JSON under /api/)
        if "\x00" in unquote_plus(request.META.get("QUERY_STRING", "")):
            if request.path_info.startswith("/api/"):
                return JsonResponse(_nul_errors(request), status=400)
            return HttpResponseBadRequest(NUL_DETAIL, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def _nul_errors(request) -> dict:
    """`{"q": ["must not hold a NUL character"]}`, in the language the request asks for (before
    LocaleMiddleware has run: from its cookie or Accept-Language)."""
    with translation.override(translation.get_language_from_request(request)):
        errors = {}
        for name, value in parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True):
            if "\x00" in name:
                errors[api_settings.NON_FIELD_ERRORS_KEY] = [_("a parameter's name holds a NUL character")]
            elif "\x00" in value:
                errors[name] = [_("must not hold a NUL character")]
        return errors or {api_settings.NON_FIELD_ERRORS_KEY: [_("the query string holds a NUL character")]}


class PrivateCacheMiddleware:
    """`Cache-Control: private, no-store` on every response to a request that carries a login.

    A page, API answer or export for a logged-in user holds personal and financial data: no
    shared proxy and no browser cache (the back button on a shared counter PC) may keep it.
    Decided from the request's credentials (session cookie or Authorization header), not from
    `request.user`, so that it never queries the database (/healthz must answer with it down).
    A response that already says how to cache (never_cache, static files) is left alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        carries_login = settings.SESSION_COOKIE_NAME in request.COOKIES or "HTTP_AUTHORIZATION" in request.META
        if carries_login and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response
