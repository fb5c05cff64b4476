"""REST API for consumers, their ledger and payments (DESIGN.md, REST API).

Each view: check access (querysets start from the scoping selectors), validate
input, call one service, answer.
"""

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, serializers

from arrears.models import ConnectionStatus, Consumer, LedgerEntry
from arrears.selectors import CONSUMERS_LISTED, consumer_get, consumers_paginator, consumers_search, ledger_visible_to
from core.api_docs import responses
from core.pagination import FirstMatchesPagination

MONEY = {"max_digits": 14, "decimal_places": 2}


CONSUMER_HELP = {
    "account_no": "the account number (8 digits, leading zeros kept)",
    "name": "the name as billed (English or Hindi)",
    "category": "the UPPCL rate schedule as the billing system writes it: LMV-1 domestic, LMV-2 non-domestic "
                "(commercial), LMV-3 public lamps, LMV-4A/4B public/private institutions, LMV-5 private tube wells, "
                "LMV-6 small and medium power, LMV-7 public water works, LMV-8 state tube wells, LMV-9 temporary, "
                "LMV-10 departmental employees, LMV-11 EV charging, HV-1 non-industrial bulk, HV-2 large and heavy "
                "power, HV-3 railway traction, HV-4 lift irrigation",
    "category_group": "the broad group derived from category, for filters and charges: domestic, commercial, "
                      "industrial, institutional, agricultural or government",
    "status": "the connection: connected (supply on) or disconnected (cut for non-payment)",
    "is_protected": "a hospital or essential service: never put on a drive for disconnection",
    "balance": "rupees: all debits less all credits on the ledger (negative: paid in advance)",
    "arrears": "rupees overdue today: bills past their due date less payments; a bill not yet due is not arrears",
    "oldest_due_date": "the due date of the oldest bill not yet paid off; null with no arrears",
    "address": "the premises' address",
    "phone": "the phone number; blank when the billing system has none",
    "meter_no": "the meter number; blank when unknown",
    "sanctioned_load_kw": "the sanctioned load in kW",
}


class ConsumerOutput(serializers.ModelSerializer):
    division = serializers.CharField(source="division.code", help_text="the division's code, e.g. RTP")

    class Meta:
        model = Consumer
        fields = ["account_no", "name", "division", "category", "category_group", "status", "is_protected", "balance",
                  "arrears", "oldest_due_date"]
        extra_kwargs = {name: {"help_text": text} for name, text in CONSUMER_HELP.items()}


class ConsumerDetailOutput(ConsumerOutput):
    class Meta(ConsumerOutput.Meta):
        fields = ConsumerOutput.Meta.fields + ["address", "phone", "meter_no", "sanctioned_load_kw"]


CONSUMER_EXAMPLE = {"account_no": "01234567", "name": "Ramesh Chandra Tiwari", "division": "RTP",
                    "category": "LMV-2", "category_group": "commercial", "status": "connected", "is_protected": False,
                    "balance": "262532.50", "arrears": "248512.50", "oldest_due_date": "2025-10-15"}


class ConsumerListInput(serializers.Serializer):
    division = serializers.CharField(required=False, allow_blank=True, max_length=10)
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)
    status = serializers.ChoiceField(choices=ConnectionStatus.choices, required=False, allow_blank=True)


class ConsumerPagination(FirstMatchesPagination):
    django_paginator_class = staticmethod(consumers_paginator)  # the consumers page's rule: the first 1,000


@extend_schema(description=(
    f"Consumers of the caller's division (every division for HQ and IT), highest arrears first, ties by account "
    f"number. Like the consumers page, it lists the first {CONSUMERS_LISTED:,} matches and counts no further: "
    f"when more match, `count_capped` is true, `count` is {CONSUMERS_LISTED:,} and the last page ends there "
    f"(narrow the search with `q`, `division` or `status` to reach the others)."), parameters=[
    OpenApiParameter("division", str, description="division code, e.g. RTP"),
    OpenApiParameter("q", str, description="account no., phone or meter no. (exact) or part of the name"),
    OpenApiParameter("status", str, enum=ConnectionStatus.values),
], responses=responses({200: ConsumerOutput(many=True)}, name="ConsumerList", statuses=(400, 401),
                       invalid={"status": ["\"cut\" is not a valid choice."]}),
   examples=[OpenApiExample("a shop in Sarvodaya Nagar", value=CONSUMER_EXAMPLE, response_only=True)])
class ConsumerListApi(generics.ListAPIView):
    """Consumers of the caller's division (every division for HQ and IT), highest arrears first."""

    serializer_class = ConsumerOutput
    pagination_class = ConsumerPagination

    def get_queryset(self):
        params = ConsumerListInput(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return consumers_search(self.request.user, **params.validated_data).order_by("-arrears", "account_no")


@extend_schema(responses=responses({200: ConsumerDetailOutput}, name="ConsumerDetail", statuses=(401, 404)),
               examples=[OpenApiExample("a shop in Sarvodaya Nagar", response_only=True, value={
                   **CONSUMER_EXAMPLE, "address": "117/45 Sarvodaya Nagar, Kanpur 208005", "phone": "9415012345",
                   "meter_no": "KSC1048823", "sanctioned_load_kw": "5.00"})])
class ConsumerDetailApi(generics.RetrieveAPIView):
    serializer_class = ConsumerDetailOutput

    def get_object(self):
        return consumer_get(self.request.user, self.kwargs["account_no"])


class LedgerEntryOutput(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username", default=None, allow_null=True,
                                       help_text="the username of who wrote it; null for the billing system's import")

    class Meta:
        model = LedgerEntry
        fields = ["id", "entry_date", "kind", "amount", "reference", "due_date", "created_at", "created_by",
                  "source"]
        extra_kwargs = {
            "id": {"help_text": "the entry's id"},
            "entry_date": {"help_text": "the day of the entry"},
            "kind": {"help_text": "BILL (a debit due on due_date), SURCHARGE (a debit due on its day, e.g. a "
                                  "disconnection charge), PAYMENT (a credit) or ADJUSTMENT (signed: negative is a "
                                  "credit)"},
            "amount": {"help_text": "rupees; positive but for an ADJUSTMENT, whose sign says debit or credit"},
            "reference": {"help_text": "the bill number, receipt number or other reference; unique per kind"},
            "due_date": {"help_text": "a BILL's due date; null for the other kinds"},
            "created_at": {"help_text": "when it was written"},
            "source": {"help_text": "where it came from: web, api, import (the billing system), task, admin or "
                                    "command"},
        }


@extend_schema(responses=responses({200: LedgerEntryOutput(many=True)}, name="ConsumerLedger", statuses=(401, 404)),
               examples=[OpenApiExample("a bill from the billing system", response_only=True, value={
                   "id": 18830412, "entry_date": "2025-09-30", "kind": "BILL", "amount": "18420.00",
                   "reference": "B2509-01234567", "due_date": "2025-10-15", "created_at": "2025-10-01T02:14:55+05:30",
                   "created_by": None, "source": "import"})])
class ConsumerLedgerApi(generics.ListAPIView):
    """The consumer's ledger, oldest first. Append-only: corrections are ADJUSTMENT entries."""

    serializer_class = LedgerEntryOutput

    def get_queryset(self):
        consumer = consumer_get(self.request.user, self.kwargs["account_no"])
        # Index ledger_consumer_due_on serves the consumer filter.
        return ledger_visible_to(self.request.user).filter(consumer=consumer).order_by("entry_date", "id")


