"""REST API: theft cases (drives.theft), reported from the field, assessed onto the ledger, taken to the police."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import may_report_theft, may_work_theft_case
from arrears.models import Consumer
from core.api_docs import IDEMPOTENCY_KEY, responses
from core.api_fields import AmountInput, DateInput, DateTimeInput, notes_field
from core.idempotency import idempotent
from core.models import MONEY, Source
from drives.api.common import (
    ACCOUNT_NO_HELP,
    ACCOUNT_NO_LENGTH,
    DIVISION_CODE_LENGTH,
    DRIVES_PERMISSIONS,
    NAME_HELP,
    consumer_missing,
    require,
)
from drives.models import MeterSeal, TheftCase, TheftFinding, TheftSection, TheftStatus
from drives.selectors import theft_case_paid, theft_cases_visible_to
from drives.theft import (
    FIR_LENGTH,
    POLICE_STATION_LENGTH,
    theft_case_assess,
    theft_case_fir_lodge,
    theft_case_report,
)

REPORT_CODES = ("invalid_drive_stop", "theft_case_exists", "invalid_found", "invalid_meter_seal", "invalid_notes",
                "invalid_date", "stop_closed", "before_drive_date")
ASSESS_CODES = ("invalid_status", "invalid_date", "duplicate_reference", "reference_required", "invalid_reference",
                "balance_overflow")
FIR_CODES = ("invalid_status", "invalid_date", "invalid_fir_number", "invalid_police_station")
STATUS_HELP = ("reported (from the field), assessed (the sum is on the ledger), fir_lodged (the FIR is lodged, "
               "with or without an assessment), settled (paid in full since the assessment, or closed by the "
               "officer) or in_court")
FOUND_HELP = ("what the inspection found: direct_hooking (a wire hooked to the line), meter_bypass, "
              "meter_tampering or other (say what in notes); blank when not stated")
SEAL_HELP = "the meter seal's state: intact, broken or missing; blank when not stated"
SECTION_HELP = "the Electricity Act 2003's section: 126 (unauthorised use of electricity) or 135 (theft)"


def _case_of_division(request, pk: int) -> TheftCase:
    """The case, if the caller may see it (a clerk: one they reported); another division's is a 404."""
    case = theft_cases_visible_to(request.user).filter(pk=pk).first()
    if case is None:
        raise NotFound(_("no such theft case in your division"))
    return case


class TheftCaseOutput(serializers.Serializer):
    id = serializers.IntegerField(help_text="the case's id")
    account_no = serializers.CharField(source="consumer.account_no", help_text=ACCOUNT_NO_HELP)
    name = serializers.CharField(source="consumer.name", help_text=NAME_HELP)
    division = serializers.CharField(source="division.code",
                                     help_text="the division it counts for: the consumer's when it was reported")
    status = serializers.ChoiceField(choices=TheftStatus.choices, help_text=STATUS_HELP)
    found = serializers.CharField(help_text=FOUND_HELP)
    meter_seal = serializers.CharField(help_text=SEAL_HELP)
    notes = serializers.CharField(help_text="what the clerk or officer noted")
    drive_stop = serializers.IntegerField(source="stop_id", allow_null=True,
                                          help_text="the stop it was found at; null when reported without one")
    photo = serializers.SerializerMethodField(help_text="the stop's photo's address (shown to those who may see the "
                                                        "stop); null without one")
    reported_by = serializers.CharField(source="opened_by.username", help_text="the username of who reported it")
    reported_at = serializers.DateTimeField(source="opened_at", help_text="when it was found")
    age_days = serializers.IntegerField(help_text="days since it was reported (India time); to the day it was "
                                                  "closed, once closed")
    assessment_amount = serializers.DecimalField(**MONEY, allow_null=True,
                                                 help_text="rupees assessed; null before the assessment")
    section = serializers.IntegerField(allow_null=True, help_text=SECTION_HELP + "; null before the assessment")
    assessed_on = serializers.DateField(allow_null=True, help_text="the day of the assessment")
    assessment_reference = serializers.CharField(help_text="the assessment's reference, also the ledger entry's")
    fir_number = serializers.CharField(help_text="the FIR's number; blank before it is lodged")
    police_station = serializers.CharField(help_text="where the FIR was lodged")
    fir_lodged_on = serializers.DateField(allow_null=True, help_text="the day the FIR was lodged")
    closed_on = serializers.DateField(allow_null=True, help_text="the day it was settled or went to court")
    closing_note = serializers.CharField(help_text="the officer's note on how it ended")

    def get_photo(self, case) -> str | None:
        stop = case.stop
        return stop.photo.url if stop is not None and stop.photo else None


class TheftCaseDetailOutput(TheftCaseOutput):
    paid_since_assessment = serializers.SerializerMethodField(
        help_text="rupees the consumer has paid since the assessment (credits dated on or after assessed_on); "
                  "\"0.00\" before it")
    outstanding = serializers.SerializerMethodField(
        help_text="what remains of the sum assessed: assessment_amount − paid_since_assessment, at least 0.00; "
                  "null before the assessment")

    def get_paid_since_assessment(self, case) -> str:
        return str(theft_case_paid(case))

    def get_outstanding(self, case) -> str | None:
        if case.assessment_amount is None:
            return None
        return str(max(case.assessment_amount - theft_case_paid(case), Decimal("0.00")))


class TheftCaseListInput(serializers.Serializer):
    division = serializers.CharField(required=False, allow_blank=True, max_length=DIVISION_CODE_LENGTH)
    status = serializers.ChoiceField(choices=TheftStatus.choices, required=False, allow_blank=True)


class TheftCaseInput(serializers.Serializer):
    account_no = serializers.CharField(max_length=ACCOUNT_NO_LENGTH, help_text=ACCOUNT_NO_HELP)
    drive_stop = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                          help_text="the stop it was found at, a stop of this consumer (a clerk: "
                                                    "their own): an open stop gets the outcome theft_detected; "
                                                    "absent or null for none")
    found = serializers.ChoiceField(choices=TheftFinding.choices, required=False, allow_blank=True,
                                    help_text=FOUND_HELP)
    meter_seal = serializers.ChoiceField(choices=MeterSeal.choices, required=False, allow_blank=True,
                                         help_text=SEAL_HELP)
    notes = notes_field(help_text="what was found, in words: at most 2000 characters")
    at = DateTimeInput(required=False, allow_null=True,
                       help_text="when it was found, ISO 8601 with its offset (the phone's time); default now")


class AssessmentInput(serializers.Serializer):
    amount = AmountInput(help_text="rupees assessed, more than zero: put on the consumer's ledger as a charge")
    section = serializers.ChoiceField(choices=TheftSection.choices, help_text=SECTION_HELP)
    assessed_on = DateInput(help_text="the day of the assessment: not in the future, not before the case was "
                                      "reported; the ledger entry's date (due that day)")
    reference = serializers.CharField(max_length=40, help_text="the assessment's reference (order number), also "
                                                               "the ledger entry's: unique among adjustments")


class FirInput(serializers.Serializer):
    fir_number = serializers.CharField(max_length=FIR_LENGTH, help_text="the FIR's number, e.g. 0412/2026")
    police_station = serializers.CharField(max_length=POLICE_STATION_LENGTH,
                                           help_text="the police station it was lodged at")
    lodged_on = DateInput(help_text="the day it was lodged: not in the future, not before the case was reported")


CASE_EXAMPLE = {
    "id": 57, "account_no": "01234567", "name": "Ramesh Chandra Tiwari", "division": "RTP", "status": "assessed",
    "found": "direct_hooking", "meter_seal": "broken", "notes": "Hook on the LT line behind the house",
    "drive_stop": 88231, "photo": "/media/stops/2026/12/3f9c0e.jpg", "reported_by": "clerk.rtp.sunil",
    "reported_at": "2026-12-03T11:02:40+05:30", "age_days": 4, "assessment_amount": "48000.00", "section": 135,
    "assessed_on": "2026-12-05", "assessment_reference": "ASMT/RTP/2026/112", "fir_number": "",
    "police_station": "", "fir_lodged_on": None, "closed_on": None, "closing_note": "",
    "paid_since_assessment": "10000.00", "outstanding": "38000.00",
}
REPORT_REQUEST = {"account_no": "01234567", "drive_stop": 88231, "found": "direct_hooking", "meter_seal": "broken",
                  "notes": "Hook on the LT line behind the house", "at": "2026-12-03T11:02:40+05:30"}
ASSESS_REQUEST = {"amount": "48000.00", "section": 135, "assessed_on": "2026-12-05",
                  "reference": "ASMT/RTP/2026/112"}
FIR_REQUEST = {"fir_number": "0412/2026", "police_station": "Kakadeo", "lodged_on": "2026-12-06"}
REPORTED = {**CASE_EXAMPLE, "status": "reported", "age_days": 0, "assessment_amount": None, "section": None,
            "assessed_on": None, "assessment_reference": "", "paid_since_assessment": "0.00", "outstanding": None}


@extend_schema(tags=["theft cases"])
class TheftCaseListCreateApi(generics.ListAPIView):
    """Theft cases. `GET` lists them, newest first, with their age: an officer's division's, HQ's and IT's every
    division's (or `division`'s), a clerk's those they reported; `status` filters. A case counts for the division
    it was reported in. `POST` reports one (a clerk from the field, an officer or IT of the consumer's division)."""

    permission_classes = DRIVES_PERMISSIONS
    serializer_class = TheftCaseOutput

    @extend_schema(parameters=[OpenApiParameter("division", str, description="a division's code (HQ and IT)"),
                               OpenApiParameter("status", str, enum=TheftStatus.values, description=STATUS_HELP)],
                   responses=responses({200: TheftCaseOutput(many=True)}, name="TheftCaseList",
                                       statuses=(400, 401, 403),
                                       invalid={"status": ["\"open\" is not a valid choice."]}),
                   examples=[OpenApiExample("an assessed case", value={k: v for k, v in CASE_EXAMPLE.items()
                                                                       if k not in ("paid_since_assessment",
                                                                                    "outstanding")},
                                            response_only=True)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = TheftCaseListInput(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return theft_cases_visible_to(self.request.user, division=params.validated_data.get("division") or None,
                                      status=params.validated_data.get("status") or None)

    @extend_schema(request=TheftCaseInput, parameters=[IDEMPOTENCY_KEY],
                   responses=responses({201: TheftCaseDetailOutput}, name="TheftCaseCreate", codes=REPORT_CODES,
                                       idempotent=True, invalid={"found": ["\"wire\" is not a valid choice."]},
                                       refused={"code": "theft_case_exists", "field": "drive_stop",
                                                "detail": "drive_stop: this stop has its theft case already"}),
                   examples=[OpenApiExample("hooking found at a stop", value=REPORT_REQUEST, request_only=True),
                             OpenApiExample("hooking found at a stop", value=REPORTED, response_only=True,
                                            status_codes=["201"])])
    def post(self, request):
        require(may_report_theft(request.user), _("only clerks, officers and IT report theft"))
        return idempotent(request, operation="theft-cases.create", handler=lambda: self._create(request))

    def _create(self, request) -> Response:
        data = TheftCaseInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            case = theft_case_report(user=request.user, account_no=values["account_no"],
                                     drive_stop=values.get("drive_stop"), found=values.get("found", ""),
                                     meter_seal=values.get("meter_seal", ""), notes=values.get("notes", ""),
                                     at=values.get("at"), source=Source.API)
        except Consumer.DoesNotExist:
            raise consumer_missing(values["account_no"]) from None
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from None
        return Response(TheftCaseDetailOutput(case).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["theft cases"])
class TheftCaseDetailApi(APIView):
    """One theft case: the inspection, the stop's photo, the assessment with what the consumer has paid since and
    what remains of it, the FIR, how it ended."""

    permission_classes = DRIVES_PERMISSIONS

    @extend_schema(responses=responses({200: TheftCaseDetailOutput}, name="TheftCaseDetail", statuses=(401, 403, 404)),
                   examples=[OpenApiExample("an assessed case", value=CASE_EXAMPLE, response_only=True)])
    def get(self, request, pk: int):
        return Response(TheftCaseDetailOutput(_case_of_division(request, pk)).data)


class _CaseWork(APIView):
    """An officer's (or IT's) step on a case: the role (403), the case (404), the input (400), the service (409)."""

    permission_classes = DRIVES_PERMISSIONS
    operation = ""
    input_class: type[serializers.Serializer]

    def post(self, request, pk: int):
        require(may_work_theft_case(request.user), _("only officers and IT work theft cases"))
        return idempotent(request, operation=f"theft-cases.{self.operation}.{pk}",
                          handler=lambda: self._work(request, pk))

    def _work(self, request, pk: int) -> Response:
        case = _case_of_division(request, pk)
        data = self.input_class(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            case = self.call(request, case, data.validated_data)
        except TheftCase.DoesNotExist:
            raise NotFound(_("no such theft case in your division")) from None
        except Consumer.DoesNotExist:
            raise NotFound(_("the case's consumer is no longer in your division")) from None
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from None
        return Response(TheftCaseDetailOutput(case).data, status=status.HTTP_201_CREATED)

    def call(self, request, case: TheftCase, values: dict) -> TheftCase:
        raise NotImplementedError


@extend_schema(tags=["theft cases"])
class TheftCaseAssessmentApi(_CaseWork):
    """The assessment (officers and IT): the sum assessed under section 126 or 135 goes on the consumer's ledger as
    a charge (an ADJUSTMENT dated assessed_on, due that day, under the reference). Once per case."""

    operation, input_class = "assessment", AssessmentInput

    @extend_schema(request=AssessmentInput, parameters=[IDEMPOTENCY_KEY],
                   responses=responses({201: TheftCaseDetailOutput}, name="TheftCaseAssessment", codes=ASSESS_CODES,
                                       idempotent=True, invalid={"section": ["\"120\" is not a valid choice."]},
                                       refused={"code": "duplicate_reference", "field": "reference",
                                                "detail": "reference: adjustment reference ASMT/RTP/2026/112 is "
                                                          "already recorded; adjustment references are unique "
                                                          "across KESCO"}),
                   examples=[OpenApiExample("assessed under s. 135", value=ASSESS_REQUEST, request_only=True),
                             OpenApiExample("assessed under s. 135", value={**CASE_EXAMPLE, "age_days": 2,
                                                                           "paid_since_assessment": "0.00",
                                                                           "outstanding": "48000.00"},
                                            response_only=True, status_codes=["201"])])
    def post(self, request, pk: int):
        return super().post(request, pk)

    def call(self, request, case, values):
        return theft_case_assess(user=request.user, case=case, amount=values["amount"], section=values["section"],
                                 assessed_on=values["assessed_on"], reference=values["reference"], source=Source.API)


@extend_schema(tags=["theft cases"])
class TheftCaseFirApi(_CaseWork):
    """The FIR lodged with the police (officers and IT): its number, the police station and the day. Once per case;
    it may come before the assessment."""

    operation, input_class = "fir", FirInput

    @extend_schema(request=FirInput, parameters=[IDEMPOTENCY_KEY],
                   responses=responses({201: TheftCaseDetailOutput}, name="TheftCaseFir", codes=FIR_CODES,
                                       idempotent=True, invalid={"police_station": ["This field is required."]},
                                       refused={"code": "invalid_status", "field": "status",
                                                "detail": "status: the FIR is lodged already: 0412/2026"}),
                   examples=[OpenApiExample("lodged at Kakadeo", value=FIR_REQUEST, request_only=True),
                             OpenApiExample("lodged at Kakadeo", value={**CASE_EXAMPLE, "status": "fir_lodged",
                                                                       "fir_number": "0412/2026",
                                                                       "police_station": "Kakadeo",
                                                                       "fir_lodged_on": "2026-12-06"},
                                            response_only=True, status_codes=["201"])])
    def post(self, request, pk: int):
        return super().post(request, pk)

    def call(self, request, case, values):
        return theft_case_fir_lodge(user=request.user, case=case, fir_number=values["fir_number"],
                                    police_station=values["police_station"], lodged_on=values["lodged_on"],
                                    source=Source.API)
