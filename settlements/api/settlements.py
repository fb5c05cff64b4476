"""REST API: registrations into a scheme and instalment plans (settlements.services), listed and read."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import may_grant_plan, may_register_settlement
from arrears.models import Consumer
from core.api_docs import IDEMPOTENCY_KEY, responses
from core.api_fields import DateInput, ReceiptNoInput, plain_text
from core.idempotency import idempotent
from core.models import MONEY, Source
from settlements.api.common import (
    ACCOUNT_NO_HELP,
    ACCOUNT_NO_LENGTH,
    DIVISION_CODE_LENGTH,
    NAME_HELP,
    PLAN_HELP,
    SETTLEMENTS_PERMISSIONS,
    DueOutput,
    consumer_missing,
    require,
)
from settlements.models import PlanKind, Scheme, Settlement, SettlementKind, SettlementStatus
from settlements.quotes import MAX_INSTALMENTS
from settlements.selectors import settlements_visible_to
from settlements.services import REASON_LENGTH, plan_grant, settlement_register

# The refusals of POST settlements/ (409 codes), as settlement_register and plan_grant raise them.
REGISTER_CODES = ("scheme_closed", "not_eligible", "nothing_due", "already_registered", "invalid_plan",
                  "deposit_required", "deposit_not_found", "deposit_short", "deposit_used")
PLAN_CODES = ("reason_required", "invalid_reason", "invalid_instalments", "invalid_date")
STATUS_HELP = ("live (being paid: the consumer is not cut), completed (all paid: the waiver and rebate are "
               "credited on the ledger), defaulted (an instalment missed past the grace days: no waiver, back on "
               "the drives' lists) or cancelled (IT reversed the credit)")
KIND_HELP = "scheme (a registration into a scheme) or plan (an instalment plan an officer granted, no waiver)"


class InstalmentOutput(DueOutput):
    paid = serializers.DecimalField(**MONEY, help_text="rupees of it paid so far (payments go to the schedule in "
                                                       "order)")
    paid_on = serializers.DateField(allow_null=True, help_text="the day it was paid in full; null until then")


class SettlementOutput(serializers.Serializer):
    id = serializers.IntegerField(help_text="the settlement's id")
    reference = serializers.CharField(help_text="its reference: OTS-<division>-000001 for a scheme, PLN-… for a "
                                                "plan; also the reference of the waiver's credit on the ledger")
    account_no = serializers.CharField(source="consumer.account_no", help_text=ACCOUNT_NO_HELP)
    name = serializers.CharField(source="consumer.name", help_text=NAME_HELP)
    division = serializers.CharField(source="division.code", help_text="the consumer's division when registered")
    kind = serializers.ChoiceField(choices=SettlementKind.choices, help_text=KIND_HELP)
    scheme = serializers.IntegerField(source="scheme_id", allow_null=True,
                                      help_text="the scheme's id; null for a plan")
    scheme_code = serializers.CharField(source="scheme.code", allow_null=True, default=None,
                                        help_text="the scheme's code; null for a plan")
    phase = serializers.IntegerField(source="phase.number", allow_null=True, default=None,
                                     help_text="the scheme's phase it was registered in; null for a plan")
    plan = serializers.ChoiceField(choices=PlanKind.choices, help_text=PLAN_HELP)
    status = serializers.ChoiceField(choices=SettlementStatus.choices, help_text=STATUS_HELP)
    dues_cutoff = serializers.DateField(help_text="principal and surcharge as of this day (a plan: the day granted)")
    principal = serializers.DecimalField(**MONEY, help_text="principal fixed at registration")
    surcharge = serializers.DecimalField(**MONEY, help_text="surcharge fixed at registration")
    waiver = serializers.DecimalField(**MONEY, help_text="surcharge waived (credited when all is paid)")
    rebate = serializers.DecimalField(**MONEY, help_text="principal rebated (credited with the waiver)")
    payable = serializers.DecimalField(**MONEY, help_text="what is to be paid in all")
    deposit = serializers.DecimalField(**MONEY, help_text="the registration deposit (instalment 0)")
    deposit_receipt_no = serializers.CharField(help_text="the receipt number of the payment that is the deposit; "
                                                         "blank when none")
    paid = serializers.DecimalField(**MONEY, help_text="paid towards it so far")
    outstanding = serializers.DecimalField(**MONEY, help_text="what remains to be paid: payable − paid")
    reason = serializers.CharField(help_text="why an officer granted the plan (and a reversal's reason)")
    registered_at = serializers.DateTimeField(help_text="when it was registered")
    registered_by = serializers.CharField(source="registered_by.username", help_text="the username of who did")
    closed_at = serializers.DateTimeField(allow_null=True, help_text="when it was completed or defaulted")


class SettlementDetailOutput(SettlementOutput):
    instalments = InstalmentOutput(many=True, source="instalments.all",
                                   help_text="the schedule, in order: number 0 the deposit")


class SettlementListInput(serializers.Serializer):
    division = serializers.CharField(required=False, allow_blank=True, max_length=DIVISION_CODE_LENGTH)
    status = serializers.ChoiceField(choices=SettlementStatus.choices, required=False, allow_blank=True)


class SettlementInput(serializers.Serializer):
    account_no = serializers.CharField(max_length=ACCOUNT_NO_LENGTH, help_text=ACCOUNT_NO_HELP)
    scheme = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**31 - 1,
        help_text="the scheme's id (GET schemes/): a registration into it (clerks, officers and IT). Absent or "
                  "null: an instalment plan outside any scheme (officers and IT), with instalments and reason")
    plan = serializers.ChoiceField(choices=PlanKind.choices,
                                   help_text=PLAN_HELP + "; one the quote offers the consumer (409 invalid_plan "
                                                         "otherwise). A plan outside a scheme is instalments")
    deposit_receipt_no = ReceiptNoInput(
        required=False, allow_blank=True,
        help_text="the receipt number of the payment that is the registration deposit: a payment of this "
                  "consumer (409 deposit_not_found), made since the scheme opened, at least the deposit (409 "
                  "deposit_short), no other registration's (409 deposit_used); required when the quote asks a "
                  "deposit (409 deposit_required)")
    instalments = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_INSTALMENTS,
        help_text=f"a plan outside a scheme: how many monthly instalments, 1 to {MAX_INSTALMENTS}; the consumer's "
                  "arrears today (principal and surcharge) split equally, no waiver")
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=REASON_LENGTH, validators=[plain_text(one_line=False)],
        help_text="a plan outside a scheme: why the officer grants it (409 reason_required when blank)")
    first_due_on = DateInput(
        required=False, allow_null=True,
        help_text="a plan outside a scheme: the first instalment's day, today to 90 days ahead (409 invalid_date); "
                  "a month from today when absent")

    def validate(self, data):
        if data.get("scheme") is None:
            if data["plan"] != PlanKind.INSTALMENTS:
                raise ValidationError({"plan": [_("a plan outside a scheme is instalments")]})
            if data.get("instalments") is None:
                raise ValidationError({"instalments": [_("required for a plan outside a scheme")]})
        return data


SETTLEMENT_EXAMPLE = {
    "id": 311, "reference": "OTS-RTP-000311", "account_no": "01234567", "name": "Ramesh Chandra Tiwari",
    "division": "RTP", "kind": "scheme", "scheme": 1, "scheme_code": "OTS-2024-25", "phase": 1,
    "plan": "instalments", "status": "live", "dues_cutoff": "2024-09-30", "principal": "4000.00",
    "surcharge": "1200.00", "waiver": "900.00", "rebate": "0.00", "payable": "4300.00", "deposit": "1200.00",
    "deposit_receipt_no": "RTP-2024-004187", "paid": "1200.00", "outstanding": "3100.00", "reason": "",
    "registered_at": "2024-12-20T11:40:00+05:30", "registered_by": "clerk.rtp.sunil", "closed_at": None,
}
SETTLEMENT_DETAIL = {**SETTLEMENT_EXAMPLE, "instalments": [
    {"number": 0, "due_on": "2024-12-20", "amount": "1200.00", "paid": "1200.00", "paid_on": "2024-12-20"},
    *[{"number": n, "due_on": f"{2024 + (11 + n) // 12}-{(11 + n) % 12 + 1:02d}-20", "amount": "310.00",
       "paid": "0.00", "paid_on": None} for n in range(1, 11)]]}
REGISTER_REQUEST = {"account_no": "01234567", "scheme": 1, "plan": "instalments",
                    "deposit_receipt_no": "RTP-2024-004187"}
PLAN_REQUEST = {"account_no": "01234568", "plan": "instalments", "instalments": 6,
                "reason": "Widow's pension; pays ₹2,000 a month", "first_due_on": "2026-12-15"}
PLAN_GRANTED = {**SETTLEMENT_EXAMPLE, "id": 312, "reference": "PLN-RTP-000312", "account_no": "01234568",
                "name": "Kamla Devi", "kind": "plan", "scheme": None, "scheme_code": None, "phase": None,
                "dues_cutoff": "2026-12-07", "principal": "11000.00", "surcharge": "1000.00", "waiver": "0.00",
                "payable": "12000.00", "deposit": "0.00", "deposit_receipt_no": "", "paid": "0.00",
                "outstanding": "12000.00", "reason": "Widow's pension; pays ₹2,000 a month",
                "registered_at": "2026-12-07T12:10:00+05:30", "registered_by": "officer.rtp",
                "instalments": [{"number": n, "due_on": f"2027-{n - 1:02d}-15" if n > 1 else "2026-12-15",
                                 "amount": "2000.00", "paid": "0.00", "paid_on": None} for n in range(1, 7)]}


def _settlement_of_division(request, pk: int) -> Settlement:
    settlement = (settlements_visible_to(request.user).select_related("phase")
                  .prefetch_related("instalments").filter(pk=pk).first())
    if settlement is None:
        raise NotFound(_("no such settlement in your division"))
    return settlement


@extend_schema(tags=["settlements"])
class SettlementListCreateApi(generics.ListAPIView):
    """Registrations into settlement schemes and instalment plans. `GET` lists those of your division (HQ and IT:
    every division's, or `division`'s), newest first; `status` filters. `POST` registers a consumer of your
    division into a scheme under one of the plans its quote offers (clerks, officers and IT), the deposit being
    a payment already recorded (POST payments/) named by its receipt number; or, with no `scheme`, grants an
    instalment plan outside any scheme (officers and IT): `plan` instalments, `instalments`, `reason` and
    optionally `first_due_on`. One live registration or plan per consumer. While it is kept the consumer is
    not cut; payments go to its schedule in order."""

    permission_classes = SETTLEMENTS_PERMISSIONS
    serializer_class = SettlementOutput

    @extend_schema(parameters=[OpenApiParameter("division", str, description="a division's code (HQ and IT)"),
                               OpenApiParameter("status", str, enum=SettlementStatus.values,
                                                description=STATUS_HELP)],
                   responses=responses({200: SettlementOutput(many=True)}, name="SettlementList",
                                       statuses=(400, 401, 403),
                                       invalid={"status": ["\"open\" is not a valid choice."]}),
                   examples=[OpenApiExample("a live registration", value=SETTLEMENT_EXAMPLE, response_only=True)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = SettlementListInput(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        values = params.validated_data
        settlements = settlements_visible_to(self.request.user).select_related("phase")
        if values.get("division"):
            settlements = settlements.filter(division__code=values["division"])
        if values.get("status"):
            settlements = settlements.filter(status=values["status"])
        # Index settlement_division_status serves an officer's division and status.
        return settlements.order_by("-registered_at", "-id")

    @extend_schema(request=SettlementInput, parameters=[IDEMPOTENCY_KEY],
                   responses=responses({201: SettlementDetailOutput}, name="SettlementCreate",
                                       codes=REGISTER_CODES + PLAN_CODES, idempotent=True,
                                       invalid={"plan": ["\"monthly\" is not a valid choice."]},
                                       refused={"code": "deposit_short", "field": "deposit_receipt_no",
                                                "detail": "deposit_receipt_no: the payment of ₹1,000.00 is less "
                                                          "than the deposit of ₹1,200.00"}),
                   examples=[OpenApiExample("10 instalments under the 2024-25 scheme", value=REGISTER_REQUEST,
                                            request_only=True),
                             OpenApiExample("10 instalments under the 2024-25 scheme", value=SETTLEMENT_DETAIL,
                                            response_only=True, status_codes=["201"]),
                             OpenApiExample("an officer's plan of 6 instalments", value=PLAN_REQUEST,
                                            request_only=True),
                             OpenApiExample("an officer's plan of 6 instalments", value=PLAN_GRANTED,
                                            response_only=True, status_codes=["201"])])
    def post(self, request):
        return idempotent(request, operation="settlements.create", handler=lambda: self._create(request))

    def _create(self, request) -> Response:
        data = SettlementInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        scheme_id = values.get("scheme")
        if scheme_id is not None:
            require(may_register_settlement(request.user), _("only clerks, officers and IT register settlements"))
            scheme = Scheme.objects.filter(pk=scheme_id).first()
            if scheme is None:
                raise ValidationError({"scheme": [_("no scheme %(id)s") % {"id": scheme_id}]})
        else:
            require(may_grant_plan(request.user), _("only officers and IT grant instalment plans"))
        try:
            if scheme_id is not None:
                settlement = settlement_register(
                    user=request.user, account_no=values["account_no"], scheme=scheme, plan=values["plan"],
                    deposit_receipt_no=values.get("deposit_receipt_no", ""), source=Source.API)
            else:
                settlement = plan_grant(user=request.user, account_no=values["account_no"],
                                        instalments=values["instalments"], reason=values.get("reason", ""),
                                        first_due_on=values.get("first_due_on"), source=Source.API)
        except Consumer.DoesNotExist:
            raise consumer_missing(values["account_no"]) from None
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc) or None) from None
        # The service's own instance (its consumer, division, scheme and phase at hand): the schedule is read back.
        return Response(SettlementDetailOutput(settlement).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["settlements"])
class SettlementDetailApi(APIView):
    """One registration or plan of your division: its figures, what is paid and outstanding, and its schedule
    with what is paid of each instalment."""

    permission_classes = SETTLEMENTS_PERMISSIONS

    @extend_schema(responses=responses({200: SettlementDetailOutput}, name="SettlementDetail",
                                       statuses=(401, 403, 404)),
                   examples=[OpenApiExample("a live registration", value=SETTLEMENT_DETAIL, response_only=True)])
    def get(self, request, pk: int):
        return Response(SettlementDetailOutput(_settlement_of_division(request, pk)).data)
