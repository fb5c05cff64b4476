"""The language a logged-in user chose follows them: to any page, any phone, after any login."""

from django.conf import settings
from django.db import DatabaseError
from django.utils import translation


class UserLanguageMiddleware:
    """After authentication: a user's remembered language wins over the cookie and the browser's.

    LocaleMiddleware has already chosen a language from the cookie or Accept-Language; a user who
    once chose one (accounts.views.language_switch) gets theirs back, and the cookie follows it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            language = getattr(getattr(request, "user", None), "language", "")
        except DatabaseError:
            # No database, no session: the page (the health check's 503 above all) answers for itself.
            language = ""
        if language and language != request.LANGUAGE_CODE:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if language and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
                                path=settings.LANGUAGE_COOKIE_PATH, samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                                secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY)
        return response
