"""REST API for payments (DESIGN.md, REST API): one view per operation, one service call."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from arrears.models import Consumer
from core.api_docs import IDEMPOTENCY_KEY, responses
from core.api_fields import AmountInput, DateInput, ReceiptNoInput
from core.idempotency import idempotent
from core.models import MONEY, Source
from drives.models import StopPayment
from payments.models import PaymentMode
from payments.selectors import payments_listed
from payments.services import (
    BACKDATE_REASON_LENGTH,
    BANK_LENGTH,
    INSTRUMENT_NO_LENGTH,
    MAX_ID,
    RECEIPT_BLOCK_MAX,
    payment_record,
    receipt_block_reserve,
)

# The refusals of POST payments/ (409 codes), as payment_record raises them: documented in the schema. An
# amount of zero or less is not among them: AmountInput answers it 400 on `amount`, like a negative one.
# A drive_stop is refused (drives.reconnections.stop_for_payment) with invalid_drive_stop (no open or just-cut stop
# of this consumer in your division), drive_closed (its drive is closed), drive_not_today (its drive is of
# another day than the payment's; a clerk's payment is today's) or stop_not_yours (another clerk's stop; an
# officer or IT may name any stop of the division): examples below.
PAYMENT_CODES = ("amount_too_large", "invalid_mode", "receipt_required", "invalid_receipt_no",
                 "duplicate_receipt", "receipt_reserved", "invalid_drive_stop", "drive_closed", "drive_not_today",
                 "stop_not_yours", "invalid_reason", "invalid_paid_at", "paid_in_future", "backdated",
                 "balance_overflow", "instrument_required", "invalid_instrument_no", "invalid_bank")


class DateTimeInput(serializers.DateTimeField):
    """A date and time in any offset, refused (400) when it falls outside Python's years 1 to 9999 in
    another time zone: DRF's own check converts it to UTC and crashes on year 1 or 9999."""

    default_error_messages = {"out_of_range": gettext_lazy("Date and time out of range.")}

    def to_internal_value(self, value):
        try:
            return super().to_internal_value(value)
        except OverflowError:
            self.fail("out_of_range")


MODE_HELP = ("how it was paid: cash, cheque, dd (demand draft), upi, card (at a point of sale) or online (the "
             "KESCO/UPPCL portal)")


class BlankAsNullChoiceField(serializers.ChoiceField):
    """A choice stored blank for "none": answered null."""

    def to_representation(self, value):
        return None if value in ("", None) else super().to_representation(value)


class PaymentInput(serializers.Serializer):
    account_no = serializers.CharField(max_length=12, help_text="the consumer's account number (8 digits, leading "
                                                                 "zeros kept)")
    amount = AmountInput(help_text="rupees paid, a decimal string with at most 2 places (\"4512.50\"); more than "
                                   "zero (zero or negative: 400 on amount) and at most the PAYMENT_MAX_AMOUNT "
                                   "setting (409 amount_too_large)")
    mode = serializers.ChoiceField(choices=PaymentMode.choices, help_text=MODE_HELP)
    receipt_no = ReceiptNoInput(help_text="the receipt's number as issued, made canonical: Unicode NFKC, upper case, "
                                          "then only A-Z, 0-9, - and /, at most 40 characters (anything else, a "
                                          "space, an invisible or look-alike character, is a 400 on receipt_no); "
                                          "unique across KESCO (409 duplicate_receipt); one reserved to another "
                                          "user is 409 receipt_reserved")
    paid_at = DateTimeInput(required=False, allow_null=True,
                            help_text="when it was paid (ISO 8601 with offset); now when absent. At most "
                                      "PAYMENT_BACKDATE_DAYS back unless an officer gives backdate_reason")
    drive_stop = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID,
        help_text="the stop's id when paid on the spot during a drive: an open (or just cut) stop of this consumer, "
                  "else 409 invalid_drive_stop; on a drive not closed (409 drive_closed) of the day it is paid, "
                  "today for a clerk (409 drive_not_today); the clerk's own stop (409 stop_not_yours; an officer "
                  "may name any stop of the division). The stop is closed as paid only when the payment brings "
                  "the arrears to the threshold or below or, with any earlier payment at the stop, reaches the "
                  "reconnection minimum on the arrears before it; a smaller sum leaves it open and part-paid "
                  "(stop_outcome)")
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
    id = serializers.IntegerField(help_text="the payment's id")
    account_no = serializers.CharField(source="consumer.account_no", help_text="the consumer's account number")
    amount = serializers.DecimalField(**MONEY, help_text="rupees paid")
    mode = serializers.ChoiceField(choices=PaymentMode.choices, help_text=MODE_HELP)
    receipt_no = serializers.CharField(help_text="the receipt's number")
    paid_at = serializers.DateTimeField(help_text="when it was paid (India time)")
    instrument_no = serializers.CharField(help_text="the UPI reference or cheque/DD number; blank for cash, card "
                                                    "and online")
    bank = serializers.CharField(help_text="the bank of a cheque or DD; blank for the other modes")
    balance_after = serializers.DecimalField(**MONEY, help_text="the consumer's balance after it, rupees (negative: "
                                                                "paid in advance)")
    arrears_after = serializers.DecimalField(**MONEY, help_text="the consumer's arrears after it, rupees")
    reconnection_order = serializers.IntegerField(
        allow_null=True, source="reconnection_order_id", default=None,
        help_text="the reconnection order this payment brought about (a disconnected consumer who has now paid "
                  "the reconnection minimum), or null")
    stop_outcome = BlankAsNullChoiceField(
        choices=StopPayment.choices, allow_null=True,
        help_text="what the payment did to the drive stop it names: paid (closed as paid on the spot), part_paid "
                  "(recorded on the stop, which stays open and may still be cut), or null (no stop named, or a "
                  "stop already cut: the money is towards the reconnection)")
    reconnection_short_by = serializers.DecimalField(
        **MONEY, allow_null=True,
        help_text="for a consumer disconnected and still without a reconnection order after this payment: what "
                  "they still owe towards the reconnection minimum, rupees; else null")


class PaymentListInput(serializers.Serializer):
    division = serializers.CharField(required=False, allow_blank=True, max_length=10)
    date = DateInput(required=False)  # 1900 to 2099: the day after 9999-12-31 can't be counted to


class PaymentListOutput(PaymentOutput):
    division = serializers.CharField(source="consumer.division.code", help_text="the consumer's division code")
    taken_by = serializers.CharField(source="taken_by.username", help_text="the username of who took it")
    drive_stop = serializers.IntegerField(allow_null=True, source="drive_stop_id",
                                          help_text="the drive stop it was taken at (paid on the spot), or null")
    source = serializers.ChoiceField(choices=Source.choices,
                                     help_text="where it was recorded: web, api (the field app), import (the "
                                               "billing system), task, admin or command")


PAYMENT_REQUEST = {"account_no": "01234567", "amount": "4512.50", "mode": "upi", "receipt_no": "RTP-2026-004187",
                   "instrument_no": "433612987654", "drive_stop": 88231}
PAYMENT_CREATED = {"id": 90412, "account_no": "01234567", "amount": "4512.50", "mode": "upi",
                   "receipt_no": "RTP-2026-004187", "paid_at": "2026-12-02T11:13:00+05:30",
                   "instrument_no": "433612987654", "bank": "", "balance_after": "14020.00",
                   "arrears_after": "9780.00", "reconnection_order": None, "stop_outcome": "paid",
                   "reconnection_short_by": None}
PART_PAID_REQUEST = {"account_no": "01234568", "amount": "500.00", "mode": "cash", "receipt_no": "RTP-2026-004188",
                     "drive_stop": 88232}
PART_PAID_CREATED = {"id": 90413, "account_no": "01234568", "amount": "500.00", "mode": "cash",
                     "receipt_no": "RTP-2026-004188", "paid_at": "2026-12-02T11:40:00+05:30", "instrument_no": "",
                     "bank": "", "balance_after": "18542.00", "arrears_after": "18542.00", "reconnection_order": None,
                     "stop_outcome": "part_paid", "reconnection_short_by": None}
SHORT_CREATED = {"id": 90414, "account_no": "01234569", "amount": "2000.00", "mode": "cash",
                 "receipt_no": "RTP-2026-004189", "paid_at": "2026-12-02T12:05:00+05:30", "instrument_no": "",
                 "bank": "", "balance_after": "38300.00", "arrears_after": "38300.00", "reconnection_order": None,
                 "stop_outcome": None, "reconnection_short_by": "8075.00"}
# The refusals of a drive_stop, as answered (409).
STOP_REFUSALS = {
    "another clerk's stop": {"code": "stop_not_yours", "field": "drive_stop",
                             "detail": "drive_stop: this stop is another clerk's: take the payment without the stop, "
                                       "or ask the officer"},
    "a stop of yesterday's drive": {"code": "drive_not_today", "field": "drive_stop",
                                    "detail": "drive_stop: this stop is on the drive of 1 December 2026: a payment "
                                              "names a stop of the drive of the day it is paid"},
    "a stop of a closed drive": {"code": "drive_closed", "field": "drive_stop",
                                 "detail": "drive_stop: the drive of this stop is closed; record the payment without "
                                           "the stop"},
}
PAYMENT_LISTED = {**PAYMENT_CREATED, "division": "RTP", "taken_by": "clerk.rtp.sunil", "drive_stop": 88231,
                  "source": "api"}


class PaymentApi(generics.ListAPIView):
    """`GET`: payments for reconciliation: a clerk's own, an officer's division's, every division's for HQ
    and IT. `POST`: take a payment: a PAYMENT on the ledger, a receipt, and the consumer's new balance and
    arrears; what it did to the drive stop it names (paid on the spot, or part-paid: the stop stays open and
    may still be cut); the reconnection order it brought about, if the consumer was disconnected and has now
    paid the minimum, or else what they are still short of it.

    `POST` honours `Idempotency-Key`: a retried request replays the first answer and never pays twice.
    """

    serializer_class = PaymentListOutput

    @extend_schema(parameters=[
        OpenApiParameter("division", str, description="division code, e.g. RTP"),
        OpenApiParameter("date", OpenApiTypes.DATE, description="the India day paid (YYYY-MM-DD)"),
    ], responses=responses({200: PaymentListOutput(many=True)}, name="PaymentList", statuses=(400, 401),
                           invalid={"date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]}),
       examples=[OpenApiExample("a payment on the spot", value=PAYMENT_LISTED, response_only=True)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = PaymentListInput(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return payments_listed(self.request.user, division=params.validated_data.get("division", ""),
                               on=params.validated_data.get("date")).select_related("consumer__division")

    @extend_schema(request=PaymentInput, parameters=[IDEMPOTENCY_KEY],
                   responses=responses({201: PaymentOutput}, name="PaymentCreate", codes=PAYMENT_CODES,
                                       idempotent=True, invalid={"amount": ["must be more than zero"]},
                                       refused={"code": "duplicate_receipt", "field": "receipt_no",
                                                "detail": "receipt_no: receipt number RTP-2026-004187 is already "
                                                          "recorded; receipt numbers are unique across KESCO"}),
                   examples=[OpenApiExample("UPI on the spot during a drive", value=PAYMENT_REQUEST,
                                            request_only=True),
                             OpenApiExample("UPI on the spot during a drive", value=PAYMENT_CREATED,
                                            response_only=True, status_codes=["201"]),
                             OpenApiExample("a part payment at a stop", value=PART_PAID_REQUEST, request_only=True),
                             OpenApiExample("a part payment at a stop", value=PART_PAID_CREATED,
                                            response_only=True, status_codes=["201"]),
                             OpenApiExample("a disconnected consumer still short of the reconnection minimum",
                                            value=SHORT_CREATED, response_only=True, status_codes=["201"]),
                             *[OpenApiExample(name, value=body, response_only=True, status_codes=["409"])
                               for name, body in STOP_REFUSALS.items()]])
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
            raise NotFound(_("no consumer %(account_no)s in your division")
                           % {"account_no": values["account_no"]}) from None
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from None
        return Response(PaymentOutput(payment).data, status=status.HTTP_201_CREATED)


# --- receipt blocks: numbers reserved to a clerk for the field app -------------------------------------------

RECEIPT_BLOCK_CODES = ("series_full",)


class ReceiptBlockInput(serializers.Serializer):
    count = serializers.IntegerField(min_value=1, max_value=RECEIPT_BLOCK_MAX,
                                     help_text=f"how many numbers to reserve, 1 to {RECEIPT_BLOCK_MAX} (else 400 on "
                                               "count)")


class ReceiptBlockOutput(serializers.Serializer):
    numbers = serializers.ListField(child=serializers.CharField(), help_text=(
        "the numbers reserved to you, of your division's series for the year (\"RTP-2026-004187\"), in order: "
        "yours until a payment of yours uses one; anyone else's payment with one is 409 receipt_reserved"))


RECEIPT_BLOCK_REQUEST = {"count": 3}
RECEIPT_BLOCK_CREATED = {"numbers": ["RTP-2026-004187", "RTP-2026-004188", "RTP-2026-004189"]}


class ReceiptBlockApi(generics.GenericAPIView):
    """`POST`: reserve a block of receipt numbers to yourself, so the field app can issue receipts offline that no
    other phone or pay page ever issues. Clerks (for the field app) and officers (for their own counter use); HQ
    and IT belong to no division's series (403).

    Honours `Idempotency-Key`: a retried request replays the first block and reserves nothing more.
    """

    serializer_class = ReceiptBlockInput

    @extend_schema(request=ReceiptBlockInput, parameters=[IDEMPOTENCY_KEY],
                   responses=responses({201: ReceiptBlockOutput}, name="ReceiptBlockCreate",
                                       codes=RECEIPT_BLOCK_CODES, idempotent=True,
                                       invalid={"count": ["Ensure this value is less than or equal to 100."]},
                                       refused={"code": "idempotency_conflict", "field": "Idempotency-Key",
                                                "detail": "Idempotency-Key 'block-7' was used with another "
                                                          "request"}),
                   examples=[OpenApiExample("three numbers for the day", value=RECEIPT_BLOCK_REQUEST,
                                            request_only=True),
                             OpenApiExample("three numbers for the day", value=RECEIPT_BLOCK_CREATED,
                                            response_only=True, status_codes=["201"])])
    def post(self, request):
        return idempotent(request, operation="receipt-blocks.create", handler=lambda: self._create(request))

    def _create(self, request) -> Response:
        data = ReceiptBlockInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            reserved = receipt_block_reserve(user=request.user, count=data.validated_data["count"],
                                             source=Source.API)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from None
        return Response(ReceiptBlockOutput({"numbers": [r.number for r in reserved]}).data,
                        status=status.HTTP_201_CREATED)
