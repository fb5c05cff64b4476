"""REST API for consumers, their ledger and payments (DESIGN.md, REST API).

Each view: check access (querysets start from the scoping selectors), validate
input, call one service, answer.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers

from arrears.models import ConnectionStatus, Consumer, LedgerEntry
from arrears.selectors import consumer_get, consumers_search, ledger_visible_to
from core.api_docs import responses

MONEY = {"max_digits": 14, "decimal_places": 2}


class ConsumerOutput(serializers.ModelSerializer):
    division = serializers.CharField(source="division.code")

    class Meta:
        model = Consumer
        fields = ["account_no", "name", "division", "category", "category_group", "status", "is_protected", "balance",
                  "arrears", "oldest_due_date"]


class ConsumerDetailOutput(ConsumerOutput):
    class Meta(ConsumerOutput.Meta):
        fields = ConsumerOutput.Meta.fields + ["address", "phone", "meter_no", "sanctioned_load_kw"]


class ConsumerListInput(serializers.Serializer):
    division = serializers.CharField(required=False, allow_blank=True, max_length=10)
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)
    status = serializers.ChoiceField(choices=ConnectionStatus.choices, required=False, allow_blank=True)


@extend_schema(parameters=[
    OpenApiParameter("division", str, description="division code, e.g. RTP"),
    OpenApiParameter("q", str, description="account no., phone or meter no. (exact) or part of the name"),
    OpenApiParameter("status", str, enum=ConnectionStatus.values),
], responses=responses({200: ConsumerOutput(many=True)}, name="ConsumerList", statuses=(400, 401)))
class ConsumerListApi(generics.ListAPIView):
    """Consumers of the caller's division (every division for HQ and IT), highest arrears first."""

    serializer_class = ConsumerOutput

    def get_queryset(self):
        params = ConsumerListInput(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return consumers_search(self.request.user, **params.validated_data).order_by("-arrears", "account_no")


@extend_schema(responses=responses({200: ConsumerDetailOutput}, name="ConsumerDetail", statuses=(401, 404)))
class ConsumerDetailApi(generics.RetrieveAPIView):
    serializer_class = ConsumerDetailOutput

    def get_object(self):
        return consumer_get(self.request.user, self.kwargs["account_no"])


class LedgerEntryOutput(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username", default=None)

    class Meta:
        model = LedgerEntry
        fields = ["id", "entry_date", "kind", "amount", "reference", "due_date", "created_at", "created_by",
                  "source"]


@extend_schema(responses=responses({200: LedgerEntryOutput(many=True)}, name="ConsumerLedger", statuses=(401, 404)))
class ConsumerLedgerApi(generics.ListAPIView):
    """The consumer's ledger, oldest first. Append-only: corrections are ADJUSTMENT entries."""

    serializer_class = LedgerEntryOutput

    def get_queryset(self):
        consumer = consumer_get(self.request.user, self.kwargs["account_no"])
        # Index ledger_consumer_due_on serves the consumer filter.
        return ledger_visible_to(self.request.user).filter(consumer=consumer).order_by("entry_date", "id")


