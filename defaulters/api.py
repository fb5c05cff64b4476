"""REST API for the nightly defaulter lists (DESIGN.md, REST API): read only, scoped.

A list or its entries outside the caller's division answer 404.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers

from defaulters.models import DefaulterEntry, DefaulterList
from defaulters.selectors import defaulter_entries, defaulter_list_get, defaulter_lists_visible_to

MONEY = {"max_digits": 14, "decimal_places": 2}


class DefaulterListOutput(serializers.ModelSerializer):
    division = serializers.CharField(source="division.code")

    class Meta:
        model = DefaulterList
        fields = ["id", "division", "as_of", "threshold", "built_at", "consumer_count", "total_arrears"]


class DefaulterListListInput(serializers.Serializer):
    division = serializers.CharField(required=False, allow_blank=True, max_length=10)
    as_of = serializers.DateField(required=False)


@extend_schema(tags=["defaulter lists"], parameters=[
    OpenApiParameter("division", str, description="division code, e.g. RTP"),
    OpenApiParameter("as_of", OpenApiTypes.DATE, description="the day of the list (YYYY-MM-DD)"),
])
class DefaulterListListApi(generics.ListAPIView):
    """Defaulter lists of the caller's division (every division for HQ and IT), newest first."""

    serializer_class = DefaulterListOutput

    def get_queryset(self):
        params = DefaulterListListInput(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        lists = defaulter_lists_visible_to(self.request.user)
        if params.validated_data.get("division"):
            lists = lists.filter(division__code=params.validated_data["division"])
        if params.validated_data.get("as_of"):
            lists = lists.filter(as_of=params.validated_data["as_of"])
        return lists.order_by("-as_of", "division__code")


@extend_schema(tags=["defaulter lists"])
class DefaulterListDetailApi(generics.RetrieveAPIView):
    serializer_class = DefaulterListOutput

    def get_object(self):
        return defaulter_list_get(self.request.user, self.kwargs["pk"])


class DefaulterEntryOutput(serializers.ModelSerializer):
    class Meta:
        model = DefaulterEntry
        fields = ["account_no", "name", "arrears", "oldest_due_date", "days_overdue", "rank", "age_bucket", "band",
                  "is_protected"]


class DefaulterEntryListInput(serializers.Serializer):
    min_arrears = serializers.DecimalField(required=False, min_value=0, **MONEY)


@extend_schema(tags=["defaulter lists"], parameters=[
    OpenApiParameter("min_arrears", str, description="only arrears of at least this many rupees, e.g. 50000.00"),
])
class DefaulterEntryListApi(generics.ListAPIView):
    """The consumers on a list, by rank (highest arrears first)."""

    serializer_class = DefaulterEntryOutput

    def get_queryset(self):
        defaulters = defaulter_list_get(self.request.user, self.kwargs["pk"])
        params = DefaulterEntryListInput(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return defaulter_entries(defaulters, min_arrears=params.validated_data.get("min_arrears"))
