"""REST API for the nightly defaulter lists (DESIGN.md, REST API): read only, scoped.

A list or its entries outside the caller's division answer 404.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, serializers

from arrears.models import ConnectionStatus
from core.api_docs import responses
from core.api_fields import AmountInput
from defaulters.models import DefaulterEntry, DefaulterList
from defaulters.selectors import defaulter_entries, defaulter_list_get, defaulter_lists_visible_to
from defaulters.signals import MARKS, entries_marked


class DefaulterListOutput(serializers.ModelSerializer):
    division = serializers.CharField(source="division.code", help_text="the division's code, e.g. RTP")

    class Meta:
        model = DefaulterList
        fields = ["id", "division", "as_of", "threshold", "built_at", "consumer_count", "total_arrears"]
        extra_kwargs = {
            "id": {"help_text": "the list's id, for its entries: GET defaulter-lists/{id}/entries/"},
            "as_of": {"help_text": "the day the list is of (YYYY-MM-DD): arrears as they stood that day"},
            "threshold": {"help_text": "rupees: a consumer is on the list with arrears strictly more than this"},
            "built_at": {"help_text": "when the nightly job (or an officer's rebuild) made the list"},
            "consumer_count": {"help_text": "how many consumers are on it"},
            "total_arrears": {"help_text": "their arrears together, rupees"},
        }


class DefaulterListListInput(serializers.Serializer):
    division = serializers.CharField(required=False, allow_blank=True, max_length=10)
    as_of = serializers.DateField(required=False)


LIST_EXAMPLE = {"id": 5121, "division": "RTP", "as_of": "2026-12-02", "threshold": "10000.00",
                "built_at": "2026-12-02T01:30:04.512000+05:30", "consumer_count": 412,
                "total_arrears": "48213950.00"}


@extend_schema(tags=["defaulter lists"], parameters=[
    OpenApiParameter("division", str, description="division code, e.g. RTP"),
    OpenApiParameter("as_of", OpenApiTypes.DATE, description="the day of the list (YYYY-MM-DD)"),
], responses=responses({200: DefaulterListOutput(many=True)}, name="DefaulterListList", statuses=(400, 401),
                       invalid={"as_of": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]}),
   examples=[OpenApiExample("Ratanpur's list of today", value=LIST_EXAMPLE, response_only=True)])
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


@extend_schema(tags=["defaulter lists"],
               responses=responses({200: DefaulterListOutput}, name="DefaulterListDetail", statuses=(401, 404)),
               examples=[OpenApiExample("Ratanpur's list of today", value=LIST_EXAMPLE, response_only=True)])
class DefaulterListDetailApi(generics.RetrieveAPIView):
    serializer_class = DefaulterListOutput

    def get_object(self):
        return defaulter_list_get(self.request.user, self.kwargs["pk"])


class DefaulterEntryOutput(serializers.ModelSerializer):
    phone = serializers.CharField(help_text="the consumer's phone number now; blank when the billing system has "
                                            "none")
    meter_no = serializers.CharField(help_text="the consumer's meter number now; blank when unknown")
    status = serializers.ChoiceField(
        choices=ConnectionStatus.choices, source="live_status",
        help_text="the consumer's connection now: connected (supply on) or disconnected (cut since, e.g. on a "
                  "drive)")
    settlement = serializers.ChoiceField(
        choices=list(MARKS), allow_null=True, read_only=True,
        help_text="what keeps the consumer from a cut now, though still a defaulter in law: ots (registered in a "
                  "One Time Settlement scheme), plan (on an instalment plan), promise (promised to pay by a day "
                  "not yet past); null for none. A drive plans no stop for them and a cut is refused (409 "
                  "settlement_current)")

    class Meta:
        model = DefaulterEntry
        fields = ["account_no", "name", "arrears", "oldest_due_date", "days_overdue", "rank", "age_bucket", "band",
                  "is_protected", "address", "phone", "meter_no", "status", "settlement"]
        extra_kwargs = {
            "account_no": {"help_text": "the consumer's account number (8 digits, leading zeros kept)"},
            "name": {"help_text": "the consumer's name as billed (English or Hindi) when the list was built"},
            "arrears": {"help_text": "rupees overdue on the list's day: bills past their due date less payments"},
            "oldest_due_date": {"help_text": "the due date of the oldest bill not yet paid off"},
            "days_overdue": {"help_text": "days from oldest_due_date to the list's day"},
            "rank": {"help_text": "place on the list, 1 for the highest arrears"},
            "age_bucket": {"help_text": "how old the oldest unpaid due date is: 0-90 days, 91-180, 181-365, "
                                        "1-2y (one to two years), 2y+ (over two years)"},
            "band": {"help_text": "who is accountable for recovering these arrears (UPPCL practice): je junior "
                                  "engineer (up to ₹10,000), sdo (to ₹1 lakh), ee executive engineer (to ₹10 "
                                  "lakh), se superintending engineer (above ₹10 lakh)"},
            "is_protected": {"help_text": "a hospital or essential service: never put on a drive for "
                                          "disconnection"},
            "address": {"help_text": "the premises' address when the list was built"},
        }


class DefaulterEntryListInput(serializers.Serializer):
    min_arrears = AmountInput(required=False, allow_zero=True)


ENTRY_EXAMPLE = {
    "account_no": "01234567", "name": "Ramesh Chandra Tiwari", "arrears": "248512.50",
    "oldest_due_date": "2025-10-15", "days_overdue": 413, "rank": 1, "age_bucket": "1-2y", "band": "ee",
    "is_protected": False, "address": "117/45 Sarvodaya Nagar, Kanpur 208005", "phone": "9415012345",
    "meter_no": "KSC1048823", "status": "connected", "settlement": None,
}


@extend_schema(tags=["defaulter lists"], parameters=[
    OpenApiParameter("min_arrears", str, description="only arrears of at least this many rupees, e.g. 50000.00"),
], responses=responses({200: DefaulterEntryOutput(many=True)}, name="DefaulterEntryList", statuses=(400, 401, 404),
                       invalid={"min_arrears": ["must be zero or more"]}),
   examples=[OpenApiExample("the top of Ratanpur's list", value=ENTRY_EXAMPLE, response_only=True)])
class DefaulterEntryListApi(generics.ListAPIView):
    """The consumers on a list, by rank (highest arrears first), each with what a visit needs: address, phone,
    meter number and the connection status now, and whether a settlement or a promise keeps them from a cut
    (`settlement`)."""

    serializer_class = DefaulterEntryOutput

    def get_queryset(self):
        defaulters = defaulter_list_get(self.request.user, self.kwargs["pk"])
        params = DefaulterEntryListInput(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return defaulter_entries(defaulters, min_arrears=params.validated_data.get("min_arrears"))

    def paginate_queryset(self, queryset):
        # Each entry of the page marked (in OTS, on a plan, promised to pay): one question for the page's consumers.
        page = super().paginate_queryset(queryset)
        return entries_marked(page) if page is not None else None
