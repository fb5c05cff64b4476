"""REST API for payments (DESIGN.md, REST API): one view per operation, one service call."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from arrears.models import Consumer
from core.api_docs import IDEMPOTENCY_KEY, responses
from core.idempotency import idempotent
from core.models import MONEY, Source
from payments.models import PaymentMode
from payments.selectors import payments_listed
from payments.services import BACKDATE_REASON_LENGTH, BANK_LENGTH, INSTRUMENT_NO_LENGTH, MAX_ID, payment_record

# The refusals of POST payments/ (409 codes), as payment_record raises them: documented in the schema.
PAYMENT_CODES = ("invalid_amount", "amount_too_large", "invalid_mode", "receipt_required", "invalid_receipt_no",
                 "duplicate_receipt", "invalid_drive_stop", "invalid_reason", "invalid_paid_at", "paid_in_future",
                 "backdated", "balance_overflow", "instrument_required", "invalid_instrument_no", "invalid_bank")


class DateTimeInput(serializers.DateTimeField):
    """A date and time in any offset, refused (400) when it falls outside Python's years 1 to 9999 in
    another time zone: DRF's own check converts it to UTC and crashes on year 1 or 9999."""

    default_error_messages = {"out_of_range": "Date and time out of range."}

    def to_internal_value(self, value):
        try:
            return super().to_internal_value(value)
        except OverflowError:
            self.fail("out_of_range")


class PaymentInput(serializers.Serializer):
    account_no = serializers.CharField(max_length=12)
    amount = serializers.DecimalField(**MONEY, min_value=0)
    mode = serializers.ChoiceField(choices=PaymentMode.choices)
    receipt_no = serializers.CharField(max_length=40)
    paid_at = DateTimeInput(required=False, allow_null=True)
    drive_stop = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID)
    backdate_reason = serializers.CharField(
        required=False, allow_blank=True, max_length=BACKDATE_REASON_LENGTH,
        help_text="why paid_at is further back than the PAYMENT_BACKDATE_DAYS setting allows; officers and IT only")
    instrument_no = serializers.CharField(
        required=False, allow_blank=True, max_length=INSTRUMENT_NO_LENGTH,
        help_text="the UPI reference (mode upi) or the cheque or DD number (cheque, dd): required for those modes; "
                  "dropped for cash, card and online")
    bank = serializers.CharField(
        required=False, allow_blank=True, max_length=BANK_LENGTH,
        help_text="the bank a cheque or DD is drawn on: required for cheque and dd; dropped for the other modes")


class PaymentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    account_no = serializers.CharField(source="consumer.account_no")
    amount = serializers.DecimalField(**MONEY)
    mode = serializers.CharField()
    receipt_no = serializers.CharField()
    paid_at = serializers.DateTimeField()
    instrument_no = serializers.CharField()
    bank = serializers.CharField()
    balance_after = serializers.DecimalField(**MONEY)
    arrears_after = serializers.DecimalField(**MONEY)
    reconnection_order = serializers.IntegerField(allow_null=True, source="reconnection_order_id", default=None)


class PaymentListInput(serializers.Serializer):
    division = serializers.CharField(required=False, allow_blank=True, max_length=10)
    date = serializers.DateField(required=False)


class PaymentListOutput(PaymentOutput):
    division = serializers.CharField(source="consumer.division.code")
    taken_by = serializers.CharField(source="taken_by.username")
    drive_stop = serializers.IntegerField(allow_null=True, source="drive_stop_id")
    source = serializers.CharField()


class PaymentApi(generics.ListAPIView):
    """`GET`: payments for reconciliation: a clerk's own, an officer's division's, every division's for HQ
    and IT. `POST`: take a payment: a PAYMENT on the ledger, a receipt, and the consumer's new balance and
    arrears; the reconnection order it brought about, if the consumer was disconnected and has now paid the
    minimum.

    `POST` honours `Idempotency-Key`: a retried request replays the first answer and never pays twice.
    """

    serializer_class = PaymentListOutput

    @extend_schema(parameters=[
        OpenApiParameter("division", str, description="division code, e.g. RTP"),
        OpenApiParameter("date", OpenApiTypes.DATE, description="the India day paid (YYYY-MM-DD)"),
    ], responses=responses({200: PaymentListOutput(many=True)}, name="PaymentList", statuses=(400, 401)))
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = PaymentListInput(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return payments_listed(self.request.user, division=params.validated_data.get("division", ""),
                               on=params.validated_data.get("date")).select_related("consumer__division")

    @extend_schema(request=PaymentInput, parameters=[IDEMPOTENCY_KEY],
                   responses=responses({201: PaymentOutput}, name="PaymentCreate", codes=PAYMENT_CODES,
                                       idempotent=True))
    def post(self, request):
        return idempotent(request, operation="payments.create", handler=lambda: self._create(request))

    def _create(self, request) -> Response:
        data = PaymentInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            payment = payment_record(
                user=request.user, account_no=values["account_no"], amount=values["amount"], mode=values["mode"],
                receipt_no=values["receipt_no"], paid_at=values.get("paid_at"),
                drive_stop_id=values.get("drive_stop"), backdate_reason=values.get("backdate_reason", ""),
                instrument_no=values.get("instrument_no", ""), bank=values.get("bank", ""),
                source=Source.API,
            )
        except Consumer.DoesNotExist:
            raise NotFound(f"no consumer {values['account_no']} in your division") from None
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from None
        return Response(PaymentOutput(payment).data, status=status.HTTP_201_CREATED)
