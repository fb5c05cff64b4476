"""REST API: bill disputes, recorded with their deposits under protest, more deposits counted, resolved."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import may_record_dispute
from arrears.models import Consumer
from core.api_docs import IDEMPOTENCY_KEY, responses
from core.api_fields import AmountInput, DateInput, notes_field
from core.idempotency import idempotent
from core.models import MONEY, Source
from drives.api.common import (
    ACCOUNT_NO_HELP,
    ACCOUNT_NO_LENGTH,
    DRIVES_PERMISSIONS,
    consumer_missing,
    require,
)
from drives.disputes import dispute_deposit_add, dispute_record, dispute_resolve
from drives.models import Dispute, DisputeStatus
from drives.selectors import disputes_visible_to

# The operation's refusals (409 codes), as its service raises them: documented in the schema. Amounts of zero
# or less are not among them: AmountInput answers them 400 on the amount's field.
DEPOSIT_REFUSALS = ("deposit_not_found", "deposit_too_early", "deposit_used")
DISPUTE_CODES = ("invalid_date", "dispute_backdated", "invalid_deposit_receipt_no", "receipt_required",
                 "deposit_mismatch", *DEPOSIT_REFUSALS, "invalid_notes")
# A blank or over-long receipt_no is a 400 here (the serializer), before the service's receipt checks.
DEPOSIT_CODES = ("invalid_status", *DEPOSIT_REFUSALS)
RESOLVE_CODES = ("invalid_status", "invalid_date", "invalid_resolution", "invalid_notes")
RECEIPT_NO_HELP = ("the receipt number of a payment of this consumer already recorded (at the counter, in the "
                   "field or imported from the billing system), not older than the disputed bills and not "
                   "counted for another dispute")


def _dispute_of_division(request, pk: int):
    """The dispute, if in the caller's division; another division's is a 404, as a missing one."""
    dispute = disputes_visible_to(request.user).filter(pk=pk).first()
    if dispute is None:
        raise NotFound(_("no such dispute in your division"))
    return dispute


class DisputeInput(serializers.Serializer):
    account_no = serializers.CharField(max_length=ACCOUNT_NO_LENGTH, help_text=ACCOUNT_NO_HELP)
    raised_on = DateInput(help_text="the day the consumer raised it: not in the future, at most "
                                    "DISPUTE_BACKDATE_DAYS (default 30) days back")
    amount_disputed = AmountInput(help_text="rupees of the bill in dispute, more than zero (zero or negative: 400)")
    deposit_amount = AmountInput(allow_zero=True, required=False, default=Decimal("0.00"),
                                 help_text="the sum of the payment deposit_receipt_no names, as a check (409 "
                                           "deposit_mismatch when it differs); 0.00 or absent: the payment's sum")
    deposit_receipt_no = serializers.CharField(required=False, allow_blank=True, max_length=40,
                                               help_text="the first deposit: " + RECEIPT_NO_HELP + "; blank "
                                                         "when no deposit is made yet (add it later with POST "
                                                         "disputes/{id}/deposits/)")
    notes = notes_field(help_text="at most 2000 characters")


class DepositOutput(serializers.Serializer):
    receipt_no = serializers.CharField(source="ledger_entry.reference", help_text="the payment's receipt number")
    amount = serializers.DecimalField(**MONEY, help_text="rupees of the payment, counted as deposit")
    paid_on = serializers.DateField(source="ledger_entry.entry_date", help_text="the day the payment was made")
    added_by = serializers.CharField(source="added_by.username", help_text="the username of who counted it")
    added_at = serializers.DateTimeField(help_text="when it was counted as the dispute's deposit")


class DisputeOutput(serializers.Serializer):
    id = serializers.IntegerField(help_text="the dispute's id")
    account_no = serializers.CharField(source="consumer.account_no", help_text=ACCOUNT_NO_HELP)
    raised_on = serializers.DateField(help_text="the day it was raised")
    amount_disputed = serializers.DecimalField(**MONEY, help_text="rupees in dispute")
    deposit_amount = serializers.DecimalField(**MONEY, help_text="rupees deposited under protest: the total of "
                                                                 "its deposits")
    deposit_receipt_no = serializers.CharField(help_text="the first deposit's receipt number; blank without one")
    deposits = DepositOutput(many=True, help_text="the payments counted as its deposit, first first")
    deposit_required = serializers.DecimalField(
        **MONEY, help_text="s. 56(1): the lesser of the sum disputed and the average monthly charge, the mean of "
                           "the consumer's last six bills before raised_on (of fewer when there are fewer; 0.00 "
                           "without a bill)")
    holds_disconnection = serializers.BooleanField(
        help_text="open, deposit_required more than zero and the deposits at least that: no disconnection (409 "
                  "dispute_pending)")
    status = serializers.ChoiceField(choices=DisputeStatus.choices, help_text="open or resolved")
    notes = serializers.CharField(help_text="the notes given when it was recorded")
    resolved_on = serializers.DateField(allow_null=True, help_text="the day it was resolved; null while open")
    resolution = serializers.CharField(help_text="what was decided; blank while open")
    recorded_by = serializers.CharField(source="recorded_by.username", help_text="the username of who recorded it")
    resolved_by = serializers.CharField(source="resolved_by.username", allow_null=True, default=None,
                                        help_text="the username of who resolved it; null while open")


DISPUTE_REQUEST = {"account_no": "01234567", "raised_on": "2026-12-02", "amount_disputed": "38400.00",
                   "deposit_amount": "4512.50", "deposit_receipt_no": "RTP-2026-004190",
                   "notes": "Consumer says the meter ran fast in August and September"}
DEPOSIT_EXAMPLE = {"receipt_no": "RTP-2026-004190", "amount": "4512.50", "paid_on": "2026-12-02",
                   "added_by": "sdo.rtp.verma", "added_at": "2026-12-02T11:42:07+05:30"}
DISPUTE_EXAMPLE = {"id": 412, "account_no": "01234567", "raised_on": "2026-12-02", "amount_disputed": "38400.00",
                   "deposit_amount": "4512.50", "deposit_receipt_no": "RTP-2026-004190",
                   "deposits": [DEPOSIT_EXAMPLE], "deposit_required": "4512.50",
                   "holds_disconnection": True, "status": "open",
                   "notes": "Consumer says the meter ran fast in August and September", "resolved_on": None,
                   "resolution": "", "recorded_by": "sdo.rtp.verma", "resolved_by": None}


@extend_schema(tags=["disputes"])
class DisputeCreateApi(APIView):
    """Record a consumer's bill dispute (officers and IT), with its first deposit under protest when made. The
    deposit is a payment of the consumer already recorded, named by its receipt number (409 deposit_not_found
    otherwise). While the dispute is open and its deposits add up to deposit_required (more than zero), a
    disconnection is refused (409 dispute_pending)."""

    permission_classes = DRIVES_PERMISSIONS

    @extend_schema(request=DisputeInput, parameters=[IDEMPOTENCY_KEY],
                   examples=[OpenApiExample("a deposit under protest", value=DISPUTE_REQUEST, request_only=True),
                             OpenApiExample("a deposit under protest", value=DISPUTE_EXAMPLE, response_only=True,
                                            status_codes=["201"])],
                   responses=responses({201: DisputeOutput}, name="DisputeCreate", codes=DISPUTE_CODES,
                                       invalid={"amount_disputed": ["must be more than zero"]},
                                       refused={"code": "deposit_not_found", "field": "deposit_receipt_no",
                                                "detail": "deposit_receipt_no: no payment of this consumer has "
                                                          "this receipt number: record the payment first"},
                                       idempotent=True))
    def post(self, request):
        require(may_record_dispute(request.user), _("only officers and IT record disputes"))
        return idempotent(request, operation="disputes.create", handler=lambda: self._create(request))

    def _create(self, request) -> Response:
        data = DisputeInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            dispute = dispute_record(user=request.user, account_no=values["account_no"],
                                     raised_on=values["raised_on"], amount_disputed=values["amount_disputed"],
                                     deposit_amount=values["deposit_amount"],
                                     deposit_receipt_no=values.get("deposit_receipt_no", ""),
                                     notes=values.get("notes", ""), source=Source.API)
        except Consumer.DoesNotExist:
            raise consumer_missing(values["account_no"]) from None
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from None
        return Response(DisputeOutput(dispute).data, status=status.HTTP_201_CREATED)


class DisputeResolveInput(serializers.Serializer):
    resolved_on = DateInput(help_text="the day it was resolved: not before it was raised")
    resolution = serializers.CharField(max_length=2000, help_text="what was decided")
    notes = notes_field(help_text="at most 2000 characters")


@extend_schema(tags=["disputes"])
class DisputeResolveApi(APIView):
    """Resolve a dispute (officers and IT): the hold on disconnection ends."""

    permission_classes = DRIVES_PERMISSIONS

    @extend_schema(request=DisputeResolveInput, parameters=[IDEMPOTENCY_KEY],
                   examples=[OpenApiExample("meter tested", value={
                       "resolved_on": "2026-12-20", "resolution": "Meter tested at the lab: accurate; bill stands",
                       "notes": ""}, request_only=True),
                             OpenApiExample("meter tested", value={
                                 **DISPUTE_EXAMPLE, "status": "resolved", "holds_disconnection": False,
                                 "resolved_on": "2026-12-20",
                                 "resolution": "Meter tested at the lab: accurate; bill stands",
                                 "resolved_by": "sdo.rtp.verma"}, response_only=True, status_codes=["200"])],
                   responses=responses({200: DisputeOutput}, name="DisputeResolve", codes=RESOLVE_CODES,
                                       invalid={"resolved_on": ["This field is required."]},
                                       refused={"code": "invalid_status", "field": "status",
                                                "detail": "status: the dispute is already resolved"},
                                       idempotent=True))
    def post(self, request, pk: int):
        require(may_record_dispute(request.user), _("only officers and IT resolve disputes"))
        return idempotent(request, operation=f"disputes.resolve.{pk}", handler=lambda: self._resolve(request, pk))

    def _resolve(self, request, pk: int) -> Response:
        dispute = _dispute_of_division(request, pk)
        data = DisputeResolveInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            dispute = dispute_resolve(user=request.user, dispute=dispute, resolved_on=values["resolved_on"],
                                      resolution=values["resolution"], notes=values.get("notes", ""),
                                      source=Source.API)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from None
        return Response(DisputeOutput(dispute).data, status=status.HTTP_200_OK)


class DisputeDepositInput(serializers.Serializer):
    receipt_no = serializers.CharField(max_length=40, help_text=RECEIPT_NO_HELP)


DEPOSIT_REQUEST = {"receipt_no": "RTP-2026-004377"}


@extend_schema(tags=["disputes"])
class DisputeDepositApi(APIView):
    """Count another payment of the consumer as the open dispute's deposit under protest (officers and IT): a
    consumer may deposit after raising the dispute, or in parts. The answer is the dispute, with
    holds_disconnection true once its deposits add up to deposit_required."""

    permission_classes = DRIVES_PERMISSIONS

    @extend_schema(request=DisputeDepositInput, parameters=[IDEMPOTENCY_KEY],
                   examples=[OpenApiExample("the deposit made a week later", value=DEPOSIT_REQUEST,
                                            request_only=True),
                             OpenApiExample("the deposit made a week later", value={
                                 **DISPUTE_EXAMPLE, "deposit_receipt_no": "RTP-2026-004377",
                                 "deposits": [{**DEPOSIT_EXAMPLE, "receipt_no": "RTP-2026-004377",
                                               "paid_on": "2026-12-09",
                                               "added_at": "2026-12-09T10:05:31+05:30"}]},
                                 response_only=True, status_codes=["201"])],
                   responses=responses({201: DisputeOutput}, name="DisputeDeposit", codes=DEPOSIT_CODES,
                                       invalid={"receipt_no": ["This field is required."]},
                                       refused={"code": "deposit_used", "field": "receipt_no",
                                                "detail": "receipt_no: receipt RTP-2026-004377 is already counted "
                                                          "as a dispute's deposit"},
                                       idempotent=True))
    def post(self, request, pk: int):
        require(may_record_dispute(request.user), _("only officers and IT add a dispute's deposit"))
        return idempotent(request, operation=f"disputes.deposits.{pk}", handler=lambda: self._add(request, pk))

    def _add(self, request, pk: int) -> Response:
        dispute = _dispute_of_division(request, pk)
        data = DisputeDepositInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            dispute = dispute_deposit_add(user=request.user, dispute=dispute,
                                          receipt_no=data.validated_data["receipt_no"], source=Source.API)
        except Dispute.DoesNotExist:
            raise NotFound(_("no such dispute in your division")) from None
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from None
        return Response(DisputeOutput(dispute).data, status=status.HTTP_201_CREATED)
