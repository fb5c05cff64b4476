"""REST API: promises to pay (settlements.services.promise_record), recorded and listed."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.permissions import may_record_promise
from arrears.models import Consumer
from core.api_docs import IDEMPOTENCY_KEY, responses
from core.api_fields import AmountInput, DateInput, plain_text
from core.idempotency import idempotent
from core.models import MONEY, Source
from settlements.api.common import (
    ACCOUNT_NO_HELP,
    ACCOUNT_NO_LENGTH,
    DIVISION_CODE_LENGTH,
    NAME_HELP,
    SETTLEMENTS_PERMISSIONS,
    consumer_missing,
    require,
)
from settlements.models import PromiseStatus
from settlements.selectors import promises_visible_to
from settlements.services import PROMISE_MAX_DAYS, REASON_LENGTH, promise_record

PROMISE_CODES = ("invalid_amount", "invalid_date", "reason_required", "invalid_reason", "promise_open")
STATUS_HELP = ("open (not yet paid: the consumer is not cut until its day passes), kept (paid in full) or broken "
               "(its day passed unpaid; the consumer is back on the drives' lists)")


class PromiseOutput(serializers.Serializer):
    id = serializers.IntegerField(help_text="the promise's id")
    account_no = serializers.CharField(source="consumer.account_no", help_text=ACCOUNT_NO_HELP)
    name = serializers.CharField(source="consumer.name", help_text=NAME_HELP)
    division = serializers.CharField(source="division.code", help_text="the consumer's division when recorded")
    amount = serializers.DecimalField(**MONEY, help_text="rupees promised")
    due_on = serializers.DateField(help_text="the day it is to be paid by")
    reason = serializers.CharField(help_text="why the officer accepted it")
    status = serializers.ChoiceField(choices=PromiseStatus.choices, help_text=STATUS_HELP)
    paid = serializers.DecimalField(**MONEY, help_text="rupees paid since it was recorded, up to the amount")
    created_at = serializers.DateTimeField(help_text="when it was recorded")
    created_by = serializers.CharField(source="created_by.username", help_text="the username of who recorded it")
    closed_at = serializers.DateTimeField(allow_null=True, help_text="when it was kept or broken")


class PromiseListInput(serializers.Serializer):
    division = serializers.CharField(required=False, allow_blank=True, max_length=DIVISION_CODE_LENGTH)
    status = serializers.ChoiceField(choices=PromiseStatus.choices, required=False, allow_blank=True)


class PromiseInput(serializers.Serializer):
    account_no = serializers.CharField(max_length=ACCOUNT_NO_LENGTH, help_text=ACCOUNT_NO_HELP)
    amount = AmountInput(help_text="rupees promised, more than zero and at most the consumer's balance (409 "
                                   "invalid_amount)")
    due_on = DateInput(help_text=f"the day it is to be paid by: today to {PROMISE_MAX_DAYS} days ahead (409 "
                                 "invalid_date)")
    reason = serializers.CharField(max_length=REASON_LENGTH, allow_blank=True,
                                   validators=[plain_text(one_line=False)],
                                   help_text="why the officer accepts it (409 reason_required when blank)")


PROMISE_REQUEST = {"account_no": "01234567", "amount": "15000.00", "due_on": "2026-12-20",
                   "reason": "Salary on the 15th; pays the whole arrears"}
PROMISE_CREATED = {"id": 77, "account_no": "01234567", "name": "Ramesh Chandra Tiwari", "division": "RTP",
                   "amount": "15000.00", "due_on": "2026-12-20",
                   "reason": "Salary on the 15th; pays the whole arrears", "status": "open", "paid": "0.00",
                   "created_at": "2026-12-07T12:30:00+05:30", "created_by": "officer.rtp", "closed_at": None}


@extend_schema(tags=["settlements"])
class PromiseListCreateApi(generics.ListAPIView):
    """Promises to pay. `GET` lists those of your division (HQ and IT: every division's, or `division`'s),
    newest first; `status` filters. `POST` records one (officers and IT): the consumer promises `amount` by
    `due_on`; while it is open and its day not past, the consumer is not cut. One open promise per consumer."""

    permission_classes = SETTLEMENTS_PERMISSIONS
    serializer_class = PromiseOutput

    @extend_schema(parameters=[OpenApiParameter("division", str, description="a division's code (HQ and IT)"),
                               OpenApiParameter("status", str, enum=PromiseStatus.values, description=STATUS_HELP)],
                   responses=responses({200: PromiseOutput(many=True)}, name="PromiseList", statuses=(400, 401, 403),
                                       invalid={"status": ["\"late\" is not a valid choice."]}),
                   examples=[OpenApiExample("an open promise", value=PROMISE_CREATED, response_only=True)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = PromiseListInput(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        values = params.validated_data
        promises = promises_visible_to(self.request.user)
        if values.get("division"):
            promises = promises.filter(division__code=values["division"])
        if values.get("status"):
            promises = promises.filter(status=values["status"])
        # Index promise_division_status serves an officer's division and status.
        return promises.order_by("-created_at", "-id")

    @extend_schema(request=PromiseInput, parameters=[IDEMPOTENCY_KEY],
                   responses=responses({201: PromiseOutput}, name="PromiseCreate", codes=PROMISE_CODES,
                                       idempotent=True, invalid={"due_on": ["This field is required."]},
                                       refused={"code": "promise_open", "field": "account_no",
                                                "detail": "account_no: the consumer has an open promise already"}),
                   examples=[OpenApiExample("the arrears by the 20th", value=PROMISE_REQUEST, request_only=True),
                             OpenApiExample("the arrears by the 20th", value=PROMISE_CREATED, response_only=True,
                                            status_codes=["201"])])
    def post(self, request):
        require(may_record_promise(request.user), _("only officers and IT record promises to pay"))
        return idempotent(request, operation="promises.create", handler=lambda: self._create(request))

    def _create(self, request) -> Response:
        data = PromiseInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            promise = promise_record(user=request.user, account_no=values["account_no"], amount=values["amount"],
                                     due_on=values["due_on"], reason=values["reason"], source=Source.API)
        except Consumer.DoesNotExist:
            raise consumer_missing(values["account_no"]) from None
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc) or None) from None
        promise = promises_visible_to(request.user).get(pk=promise.pk)
        return Response(PromiseOutput(promise).data, status=status.HTTP_201_CREATED)
