"""REST API: Form I demand notices and recovery certificates (recovery.services), listed, raised and walked."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import may_recover_dues, may_view_recovery
from arrears.models import Consumer
from core.api_docs import IDEMPOTENCY_KEY, responses
from core.api_fields import AmountInput, DateInput, notes_field
from core.idempotency import idempotent
from core.models import MONEY, Source
from payments.models import PaymentMode
from recovery.models import RCStatus, RecoveryCertificate, ServiceMode
from recovery.selectors import rcs_visible_to
from recovery.services import PROOF_REF_LENGTH, SERVED_TO_LENGTH, demand_notice_issue, rc_raise, rc_status_set

ACCOUNT_NO_LENGTH = 12
DIVISION_CODE_LENGTH = 10
ACCOUNT_NO_HELP = "the consumer's account number (8 digits, leading zeros kept)"
STATUS_HELP = ("sent (to the collector), citation_issued (the tehsil has issued its citation), attachment (property "
               "attached), then recovered, partly_recovered or returned (the collector sent it back unexecuted)")
MODE_HELP = ("how the Form I was served: registered_post, by_hand (to the consumer or an adult of the household) or "
             "affixed (fixed on the premises)")
NOTICE_CODES = ("not_permanently_disconnected", "invalid_served_on", "invalid_service_mode", "invalid_served_to",
                "invalid_proof_ref", "nothing_due")
RAISE_CODES = ("not_permanently_disconnected", "demand_notice_not_found", "notice_period_running", "rc_exists",
               "nothing_due")
STATUS_CODES = ("invalid_transition", "invalid_date", "amount_required", "amount_not_allowed", "invalid_notes",
                "amount_too_large", "invalid_mode", "instrument_required", "invalid_instrument_no", "invalid_bank",
                "duplicate_receipt")


class SeesRecovery(IsAuthenticated):
    """Officers (their division), HQ and IT: accounts.permissions "view_recovery"; clerks have no part in it."""

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and may_view_recovery(request.user)


def _require_recovers(request) -> None:
    if not may_recover_dues(request.user):
        raise PermissionDenied(_("only officers and IT recover dues through the collector"))


def _consumer_missing(account_no: str) -> NotFound:
    return NotFound(_("no consumer %(account_no)s in your division") % {"account_no": account_no})


class DemandNoticeOutput(serializers.Serializer):
    id = serializers.IntegerField(help_text="the demand notice's id: name it in POST rc/")
    reference = serializers.CharField(help_text="its reference, FORM1-<division>-000001")
    account_no = serializers.CharField(source="consumer.account_no", help_text=ACCOUNT_NO_HELP)
    division = serializers.CharField(source="division.code", help_text="the consumer's division when served")
    principal = serializers.DecimalField(**MONEY, help_text="principal due on the day it was served")
    surcharge = serializers.DecimalField(**MONEY, help_text="surcharge due on that day")
    amount = serializers.DecimalField(**MONEY, help_text="the dues demanded: principal + surcharge")
    served_on = serializers.DateField(help_text="the day it was served")
    service_mode = serializers.ChoiceField(choices=ServiceMode.choices, help_text=MODE_HELP)
    served_to = serializers.CharField(help_text="who took it when not the consumer (by hand)")
    proof_ref = serializers.CharField(help_text="the proof of service: the post's dispatch number, an acknowledgement")
    issued_by = serializers.CharField(source="issued_by.username", help_text="the username of who recorded it")


class RCOutput(serializers.Serializer):
    id = serializers.IntegerField(help_text="the certificate's id")
    reference = serializers.CharField(help_text="its reference, RC-<division>-000001; also the receipt number of "
                                                "the money recovered under it")
    account_no = serializers.CharField(source="consumer.account_no", help_text=ACCOUNT_NO_HELP)
    name = serializers.CharField(source="consumer.name", help_text="the consumer's name as billed")
    division = serializers.CharField(source="division.code", help_text="the consumer's division when raised")
    demand_notice_id = serializers.IntegerField(help_text="the Form I demand notice it rests on")
    demand_notice_served_on = serializers.DateField(source="demand_notice.served_on",
                                                    help_text="the day that notice was served")
    principal = serializers.DecimalField(**MONEY, help_text="principal certified (due on the day it was raised)")
    surcharge = serializers.DecimalField(**MONEY, help_text="surcharge certified")
    amount = serializers.DecimalField(**MONEY, help_text="the dues certified: principal + surcharge")
    status = serializers.ChoiceField(choices=RCStatus.choices, help_text=STATUS_HELP)
    sent_on = serializers.DateField(help_text="the day it was sent to the collector")
    citation_on = serializers.DateField(allow_null=True, help_text="the day the citation was issued")
    attachment_on = serializers.DateField(allow_null=True, help_text="the day of the attachment")
    closed_on = serializers.DateField(allow_null=True, help_text="the day it was recovered, partly recovered or "
                                                                 "returned")
    amount_recovered = serializers.DecimalField(**MONEY, help_text="rupees recovered under it, on the ledger as a "
                                                                   "payment of source rc")
    receipt_no = serializers.CharField(source="payment.receipt_no", default=None, allow_null=True,
                                       help_text="the receipt number of that payment; null before")
    notes = serializers.CharField(help_text="the officer's notes, each step's dated")


class RCListInput(serializers.Serializer):
    division = serializers.CharField(required=False, allow_blank=True, max_length=DIVISION_CODE_LENGTH)
    status = serializers.ChoiceField(choices=RCStatus.choices, required=False, allow_blank=True)


class RCInput(serializers.Serializer):
    account_no = serializers.CharField(max_length=ACCOUNT_NO_LENGTH, help_text=ACCOUNT_NO_HELP)
    demand_notice_id = serializers.IntegerField(min_value=1, max_value=2**31 - 1,
                                                help_text="the consumer's Form I demand notice (POST "
                                                          "rc/demand-notices/), served RC_NOTICE_DAYS or more ago")


class DemandNoticeInput(serializers.Serializer):
    account_no = serializers.CharField(max_length=ACCOUNT_NO_LENGTH, help_text=ACCOUNT_NO_HELP)
    served_on = DateInput(help_text="the day it was served: from the day the consumer became permanently "
                                    "disconnected to today")
    service_mode = serializers.ChoiceField(choices=ServiceMode.choices, help_text=MODE_HELP)
    served_to = serializers.CharField(required=False, allow_blank=True, max_length=SERVED_TO_LENGTH,
                                      help_text="by hand: the adult of the household who took it, when not the "
                                                "consumer")
    proof_ref = serializers.CharField(required=False, allow_blank=True, max_length=PROOF_REF_LENGTH,
                                      help_text="the post's dispatch number or the acknowledgement's reference")


class RCStatusInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=RCStatus.choices,
                                     help_text="the next step: sent → citation_issued → attachment → recovered, "
                                               "partly_recovered or returned (citation_issued may go straight to "
                                               "recovered or partly_recovered; any open step to returned)")
    on = DateInput(help_text="the day of the step: not in the future, not before the certificate's last step")
    amount_recovered = AmountInput(required=False, allow_null=True,
                                   help_text="recovered and partly_recovered only: the rupees the collector "
                                             "remitted, recorded as a payment of source rc on the ledger")
    notes = notes_field(help_text="what happened: the tehsil's citation number, the property attached, why returned")
    mode = serializers.ChoiceField(choices=PaymentMode.choices, required=False, default=PaymentMode.CASH,
                                   help_text="how the collector remitted the money (default cash)")
    instrument_no = serializers.CharField(required=False, allow_blank=True, max_length=40,
                                          help_text="the cheque or DD number, or the UPI reference, for those modes")
    bank = serializers.CharField(required=False, allow_blank=True, max_length=100,
                                 help_text="the bank a cheque or DD is drawn on")


NOTICE_EXAMPLE = {"id": 41, "reference": "FORM1-RTP-000041", "account_no": "01234567", "division": "RTP",
                  "principal": "15000.00", "surcharge": "1200.00", "amount": "16200.00", "served_on": "2026-10-20",
                  "service_mode": "by_hand", "served_to": "Geeta Devi (wife)", "proof_ref": "",
                  "issued_by": "officer.rtp"}
RC_EXAMPLE = {"id": 9, "reference": "RC-RTP-000009", "account_no": "01234567", "name": "Shyam Lal", "division": "RTP",
              "demand_notice_id": 41, "demand_notice_served_on": "2026-10-20", "principal": "15000.00",
              "surcharge": "1200.00", "amount": "16200.00", "status": "recovered", "sent_on": "2026-11-20",
              "citation_on": "2026-11-28", "attachment_on": "2026-12-04", "closed_on": "2026-12-07",
              "amount_recovered": "16200.00", "receipt_no": "RC-RTP-000009",
              "notes": "28-11-2026: Tehsil Sadar, citation 14/26"}


@extend_schema(tags=["recovery certificates"])
class RCListCreateApi(generics.ListAPIView):
    """Recovery certificates for the permanently disconnected. `GET` lists those of your division (HQ and IT: every
    division's, or `division`'s), newest first; `status` filters. `POST` raises one for a consumer of your division
    (officers and IT) on their Form I demand notice, once RC_NOTICE_DAYS have passed since it was served: the dues
    today in principal and surcharge, sent to the collector today."""

    permission_classes = [SeesRecovery]
    serializer_class = RCOutput

    @extend_schema(parameters=[OpenApiParameter("division", str, description="a division's code (HQ and IT)"),
                               OpenApiParameter("status", str, enum=RCStatus.values, description=STATUS_HELP)],
                   responses=responses({200: RCOutput(many=True)}, name="RCList", statuses=(400, 401, 403),
                                       invalid={"status": ["\"open\" is not a valid choice."]}),
                   examples=[OpenApiExample("a certificate recovered", value=RC_EXAMPLE, response_only=True)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = RCListInput(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        values = params.validated_data
        rcs = rcs_visible_to(self.request.user)
        if values.get("division"):
            rcs = rcs.filter(division__code=values["division"])
        if values.get("status"):
            rcs = rcs.filter(status=values["status"])
        # Index rc_division_status_sent serves a division's list by status.
        return rcs.order_by("-sent_on", "-id")

    @extend_schema(request=RCInput, parameters=[IDEMPOTENCY_KEY],
                   responses=responses({201: RCOutput}, name="RCCreate", codes=RAISE_CODES, idempotent=True,
                                       invalid={"demand_notice_id": ["A valid integer is required."]},
                                       refused={"code": "notice_period_running", "field": "demand_notice_id",
                                                "detail": "demand_notice_id: the demand notice was served on "
                                                          "20-10-2026: a recovery certificate may be raised from "
                                                          "19-11-2026"}),
                   examples=[OpenApiExample("an RC on a Form I", value={"account_no": "01234567",
                                                                        "demand_notice_id": 41},
                                            request_only=True),
                             OpenApiExample("an RC on a Form I", response_only=True, status_codes=["201"], value={
                                 **RC_EXAMPLE, "status": "sent", "citation_on": None, "attachment_on": None,
                                 "closed_on": None, "amount_recovered": "0.00", "receipt_no": None, "notes": ""})])
    def post(self, request):
        _require_recovers(request)
        return idempotent(request, operation="rc.create", handler=lambda: self._create(request))

    def _create(self, request) -> Response:
        data = RCInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            rc = rc_raise(user=request.user, account_no=values["account_no"],
                          demand_notice_id=values["demand_notice_id"], source=Source.API)
        except Consumer.DoesNotExist:
            raise _consumer_missing(values["account_no"]) from None
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from None
        return Response(RCOutput(rc).data, status=status.HTTP_201_CREATED)


def _rc_of_division(request, pk: int) -> RecoveryCertificate:
    rc = rcs_visible_to(request.user).filter(pk=pk).first()
    if rc is None:
        raise NotFound(_("no such recovery certificate in your division"))
    return rc


@extend_schema(tags=["recovery certificates"])
class RCDetailApi(APIView):
    """One recovery certificate of your division: the dues certified, its steps with their days, what was
    recovered."""

    permission_classes = [SeesRecovery]

    @extend_schema(responses=responses({200: RCOutput}, name="RCDetail", statuses=(401, 403, 404)),
                   examples=[OpenApiExample("a certificate recovered", value=RC_EXAMPLE, response_only=True)])
    def get(self, request, pk: int):
        return Response(RCOutput(_rc_of_division(request, pk)).data)


@extend_schema(tags=["recovery certificates"])
class RCStatusApi(APIView):
    """The next step of a certificate of your division (officers and IT), dated `on`: a step off its walk is 409
    invalid_transition. Recovered or partly recovered takes `amount_recovered`, recorded as a payment with source
    `rc` on the consumer's ledger (its receipt number the certificate's reference), as any payment: the position,
    the MD's collections, a reconnection order if it brings one about."""

    permission_classes = [SeesRecovery]

    @extend_schema(request=RCStatusInput, parameters=[IDEMPOTENCY_KEY],
                   responses=responses({201: RCOutput}, name="RCStatus", codes=STATUS_CODES, idempotent=True,
                                       invalid={"on": ["Date has wrong format. Use one of these formats instead: "
                                                       "YYYY-MM-DD."]},
                                       refused={"code": "invalid_transition", "field": "status",
                                                "detail": "status: a certificate sent to the collector cannot be "
                                                          "recovered"}),
                   examples=[OpenApiExample("recovered in full", request_only=True, value={
                       "status": "recovered", "on": "2026-12-07", "amount_recovered": "16200.00",
                       "notes": "Remitted by the tehsil"}),
                             OpenApiExample("recovered in full", value=RC_EXAMPLE, response_only=True,
                                            status_codes=["201"])])
    def post(self, request, pk: int):
        _require_recovers(request)
        return idempotent(request, operation=f"rc.status.{pk}", handler=lambda: self._step(request, pk))

    def _step(self, request, pk: int) -> Response:
        _rc_of_division(request, pk)
        data = RCStatusInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            rc = rc_status_set(user=request.user, rc_id=pk, status=values["status"], on=values["on"],
                               amount_recovered=values.get("amount_recovered"), notes=values.get("notes", ""),
                               mode=values["mode"], instrument_no=values.get("instrument_no", ""),
                               bank=values.get("bank", ""), source=Source.API)
        except (RecoveryCertificate.DoesNotExist, Consumer.DoesNotExist):
            raise NotFound(_("no such recovery certificate in your division")) from None
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from None
        return Response(RCOutput(rc).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["recovery certificates"])
class DemandNoticeCreateApi(APIView):
    """Records a demand notice in Form I served on a permanently disconnected consumer of your division (officers
    and IT): the dues on the day it was served in principal and surcharge, how and to whom it was served. A recovery
    certificate may be raised on it RC_NOTICE_DAYS later (POST rc/)."""

    permission_classes = [SeesRecovery]

    @extend_schema(request=DemandNoticeInput, parameters=[IDEMPOTENCY_KEY],
                   responses=responses({201: DemandNoticeOutput}, name="DemandNoticeCreate", codes=NOTICE_CODES,
                                       idempotent=True,
                                       invalid={"service_mode": ["\"sms\" is not a valid choice."]},
                                       refused={"code": "not_permanently_disconnected", "field": "account_no",
                                                "detail": "account_no: 01234567 is not permanently disconnected: a "
                                                          "demand notice and a recovery certificate are for "
                                                          "consumers cut 180 days and not reconnected"}),
                   examples=[OpenApiExample("served by hand", request_only=True, value={
                       "account_no": "01234567", "served_on": "2026-10-20", "service_mode": "by_hand",
                       "served_to": "Geeta Devi (wife)"}),
                             OpenApiExample("served by hand", value=NOTICE_EXAMPLE, response_only=True,
                                            status_codes=["201"])])
    def post(self, request):
        _require_recovers(request)
        return idempotent(request, operation="rc.demand-notices.create", handler=lambda: self._create(request))

    def _create(self, request) -> Response:
        data = DemandNoticeInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            notice = demand_notice_issue(user=request.user, account_no=values["account_no"],
                                         served_on=values["served_on"], service_mode=values["service_mode"],
                                         served_to=values.get("served_to", ""),
                                         proof_ref=values.get("proof_ref", ""), source=Source.API)
        except Consumer.DoesNotExist:
            raise _consumer_missing(values["account_no"]) from None
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from None
        return Response(DemandNoticeOutput(notice).data, status=status.HTTP_201_CREATED)
