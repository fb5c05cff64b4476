from axes.helpers import get_cool_off
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.settings import api_settings

from accounts.models import Division
from accounts.selectors import divisions_visible_to
from core.api_docs import responses


class DivisionOutput(serializers.ModelSerializer):
    class Meta:
        model = Division
        fields = ["code", "name", "name_hi"]
        extra_kwargs = {
            "code": {"help_text": "the division's code, used for it everywhere in the API"},
            "name": {"help_text": "the division's name in English"},
            "name_hi": {"help_text": "the division's name in Hindi"},
        }


@extend_schema(responses=responses({200: DivisionOutput(many=True)}, name="DivisionList", statuses=(401,)),
               examples=[OpenApiExample("Ratanpur", value={"code": "RTP", "name": "Ratanpur", "name_hi": "रतनपुर"},
                                        response_only=True)])
class DivisionListApi(generics.ListAPIView):
    """The divisions the caller may see: one for officers and clerks, all for HQ and IT."""

    serializer_class = DivisionOutput

    def get_queryset(self):
        return divisions_visible_to(self.request.user).order_by("code")


class TokenOutput(serializers.Serializer):
    token = serializers.CharField(help_text="send it as `Authorization: Token <token>` on every request")


LockedOut = inline_serializer("LockedOut", {
    "code": serializers.ChoiceField(choices=[("locked_out", "too many failed logins from this client")],
                                    help_text="always locked_out"),
    "detail": serializers.CharField(help_text="the sentence to show, with how long to wait")})




class TokenInput(AuthTokenSerializer):
    """A username and password of bounded length: a longer one is a 400 before any login is tried (django-axes
    would record it in a column of 255 characters, and the database refuse it)."""

    username = serializers.CharField(max_length=150, write_only=True, help_text="your username")
    password = serializers.CharField(max_length=128, write_only=True, trim_whitespace=False,
                                     style={"input_type": "password"}, help_text="your password")
    token = None  # AuthTokenSerializer's read-only field: the answer is TokenOutput


@method_decorator(never_cache, name="dispatch")  # the answer is a credential
class TokenApi(ObtainAuthToken):
    """Exchange a username and password for an API token (`Authorization: Token …`).

    After `AXES_FAILURE_LIMIT` failed attempts from one client for one username, it answers
    429 `locked_out`, even to the right password, until the cool-off has passed.
    """

    parser_classes = api_settings.DEFAULT_PARSER_CLASSES
    serializer_class = TokenInput

    @extend_schema(responses={
        **responses({200: TokenOutput}, name="Token", statuses=(400,),
                    invalid={"non_field_errors": ["Unable to log in with provided credentials."]}),
        429: OpenApiResponse(LockedOut, description="Locked out after repeated failed logins (header Retry-After: "
                                                    "seconds to wait)"),
    }, examples=[OpenApiExample("a clerk's login", value={"username": "clerk.rtp.sunil", "password": "••••••••"},
                                request_only=True),
                 OpenApiExample("a clerk's login", value={"token": "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"},
                                response_only=True, status_codes=["200"])])
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        # django-axes counts a failed login in the database during authenticate(), inside this
        # request's transaction (ATOMIC_REQUESTS). From here on nothing may raise: DRF's exception
        # handler would roll the transaction back, the count with it, and the lock-out never come.
        # So the refusals are answered, not raised.
        valid = serializer.is_valid()
        # django-axes marks the request it was given (this DRF request, not Django's), both when
        # it refuses a locked-out client and when this failure reaches the limit.
        if getattr(request, "axes_locked_out", False):
            cool_off = get_cool_off(request)  # counted from the last failure: at most this long
            wait = f"Try again in {round(cool_off.total_seconds() / 60)} minutes, or ask" if cool_off else "Ask"
            return Response(
                {"code": "locked_out",
                 "detail": f"Too many failed login attempts. {wait} your IT admin to unlock the account."},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": str(int(cool_off.total_seconds()))} if cool_off else {},
            )
        if not valid:
            return Response(serializer.errors, status=status.HTTP_400_BAD_REQUEST)
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})
