from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.authtoken.views import ObtainAuthToken

from accounts.models import Division
from accounts.selectors import divisions_visible_to


class DivisionOutput(serializers.ModelSerializer):
    class Meta:
        model = Division
        fields = ["code", "name", "name_hi"]


class DivisionListApi(generics.ListAPIView):
    """The divisions the caller may see: one for officers and clerks, all for HQ and IT."""

    serializer_class = DivisionOutput

    def get_queryset(self):
        return divisions_visible_to(self.request.user).order_by("code")


class TokenOutput(serializers.Serializer):
    token = serializers.CharField()


class TokenApi(ObtainAuthToken):
    """Exchange a username and password for an API token (`Authorization: Token …`)."""

    @extend_schema(responses=TokenOutput)
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)
