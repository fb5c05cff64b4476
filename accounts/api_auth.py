"""The API's authentication (REST_FRAMEWORK DEFAULT_AUTHENTICATION_CLASSES): DRF's token and session, each
with the field app's guard, header X-Field-User.

The field app queues records on the phone and sends them later. A record is only ever sent as the user who
made it: each request carries ``X-Field-User: <username>``, and when the request is authenticated as another
user (the clerk's session ended and another user logged in on the same phone) it is answered 409
{"code": "wrong_user", "detail": ...} before the view runs, so nothing is written; the phone keeps the record
until that user logs in again. Without the header nothing changes; an unauthenticated request is answered as
always (401/403, not_authenticated). Authentication is where every API request passes, whatever the view.
"""

from django.utils.translation import gettext as _
from drf_spectacular.authentication import SessionScheme
from rest_framework import status
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import APIException

FIELD_USER_HEADER = "X-Field-User"


class WrongUser(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "wrong_user"


def field_user_checked(request, user) -> None:
    """409 wrong_user when the request names, in X-Field-User, another user than ``user`` (authenticated)."""
    named = (request.headers.get(FIELD_USER_HEADER) or "").strip()
    if named and named != user.get_username():
        raise WrongUser({"code": "wrong_user", "detail": _(
            "this was made by %(named)s and you are logged in as %(user)s: log in as %(named)s to send it")
            % {"named": named, "user": user.get_username()}})


class FieldUserTokenAuthentication(TokenAuthentication):
    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            field_user_checked(request, result[0])
        return result


class FieldUserSessionAuthentication(SessionAuthentication):
    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            field_user_checked(request, result[0])
        return result


class FieldUserSessionScheme(SessionScheme):
    """The schema's cookie login for the session authentication above (the token's matches its subclasses)."""

    target_class = FieldUserSessionAuthentication
