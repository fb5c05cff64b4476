"""REST API of the reports (DESIGN.md, REST API): `GET reports/summary/`, exactly per the contract."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import may_see_reports
from core.api_docs import responses
from core.errors import DomainError
from core.replica import replica_reads
from reports.ranges import summary_range
from reports.selectors import summary

# Figures as decimal strings that no sum overflows: a total over divisions, or collections against a ₹1 target
# (achievement 650000000.0 %), passes the 14 digits of a money column. The page, CSV, XLSX and PDF show them
# as they are; so does the API (max_digits=None: any number of whole digits, the places still fixed).
SUM = {"max_digits": None, "decimal_places": 2}
PERCENT = {"max_digits": None, "decimal_places": 1}


class SeesReports(IsAuthenticated):
    """Officers (their division), HQ and IT (every division): accounts.permissions "see_reports"."""

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and may_see_reports(request.user)


class SummaryInput(serializers.Serializer):
    # "from" is a keyword: the field is declared under another name and renamed below.
    from_ = serializers.DateField(required=False)
    to = serializers.DateField(required=False)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields

    def validate(self, attrs):
        try:
            attrs["from"], attrs["to"] = summary_range(attrs.get("from"), attrs.get("to"))
        except DomainError as exc:
            raise serializers.ValidationError({exc.field: [exc.detail]}) from None
        return attrs


class _Figures(serializers.Serializer):
    defaulters = serializers.IntegerField(help_text="consumers on the latest defaulter list as of `to`")
    arrears = serializers.DecimalField(**SUM, help_text="their arrears on that list, rupees")
    notices_served = serializers.IntegerField(help_text="section 56 notices served in the range")
    disconnections = serializers.IntegerField(help_text="connections cut in the range")
    paid_on_spot_count = serializers.IntegerField(help_text="payments recorded against a drive stop")
    paid_on_spot_amount = serializers.DecimalField(**SUM, help_text="their amount, rupees")
    collections = serializers.DecimalField(**SUM, help_text="every PAYMENT on the ledger dated in the range")
    reconnections = serializers.IntegerField(help_text="reconnections done in the range")
    target = serializers.DecimalField(**SUM, allow_null=True,
                                      help_text="the revenue target prorated over the range; null without one")
    achievement_pct = serializers.DecimalField(**PERCENT, allow_null=True,
                                               help_text="collections / target × 100, one decimal; null without "
                                                         "a target")
    theft_cases_found = serializers.IntegerField(help_text="theft cases reported in the range, in the division "
                                                           "each was reported in")
    theft_cases_assessed = serializers.IntegerField(help_text="theft cases assessed (assessed_on) in the range")
    settlements_registered = serializers.IntegerField(
        help_text="registrations into settlement schemes and instalment plans granted in the range, in the division "
                  "each was registered in")
    settlement_deposits = serializers.DecimalField(**SUM, help_text="the registration deposits of those, rupees")
    settlement_collected = serializers.DecimalField(
        **SUM, help_text="PAYMENTs dated in the range recorded while a settlement was live, each up to what the "
                         "settlement still had to be paid (the deposit apart), rupees")
    settlement_waivers = serializers.DecimalField(
        **SUM, help_text="surcharge waived and principal rebated, credited on the ledger at completion in the range "
                         "(less IT's reversals in it), rupees")
    settlements_defaulted = serializers.IntegerField(
        help_text="settlements defaulted (a missed instalment) in the range")
    scheme_target_registrations = serializers.IntegerField(
        allow_null=True, help_text="the division's registration target of the schemes open on some day of the range; "
                                   "null without one")
    scheme_registrations_pct = serializers.DecimalField(
        **PERCENT, allow_null=True, help_text="registrations into those schemes in the range / their target × 100")
    scheme_target_amount = serializers.DecimalField(
        **SUM, allow_null=True, help_text="the division's amount target of those schemes; null without one")
    scheme_amount_pct = serializers.DecimalField(
        **PERCENT, allow_null=True, help_text="deposits and collected under those schemes in the range / their "
                                              "amount target × 100")
    rc_raised = serializers.IntegerField(
        help_text="recovery certificates sent to the collector in the range, in the division each was raised in")
    rc_recovered = serializers.DecimalField(
        **SUM, help_text="money recovered under recovery certificates closed (recovered or partly recovered) in the "
                         "range: payments of source rc, rupees")


class _DivisionFigures(_Figures):
    code = serializers.CharField(help_text="the division's code, e.g. RTP")
    name = serializers.CharField(help_text="the division's name, in the caller's language")

    def get_fields(self):
        fields = super().get_fields()
        return {"code": fields.pop("code"), "name": fields.pop("name"), **fields}


class SummaryOutput(serializers.Serializer):
    from_ = serializers.DateField(help_text="the first day of the range (India time)")
    to = serializers.DateField(help_text="the last day, included")
    divisions = _DivisionFigures(many=True, help_text="a row per division the caller may see")
    totals = _Figures(help_text="sums over the rows; the percentage from the summed figures")

    def get_fields(self):
        fields = super().get_fields()
        return {"from": fields.pop("from_"), **fields}


SETTLEMENT_EXAMPLE = {
    "settlements_registered": 14, "settlement_deposits": "42600.00", "settlement_collected": "18250.00",
    "settlement_waivers": "6300.00", "settlements_defaulted": 1, "scheme_target_registrations": 700,
    "scheme_registrations_pct": "2.0", "scheme_target_amount": "5000000.00", "scheme_amount_pct": "1.2",
    "rc_raised": 3, "rc_recovered": "16200.00"}
EXAMPLE = {
    "from": "2026-12-01", "to": "2026-12-01",
    "divisions": [{"code": "RTP", "name": "Ratanpur", "defaulters": 412, "arrears": "48213950.00",
                   "notices_served": 35, "disconnections": 51, "paid_on_spot_count": 21,
                   "paid_on_spot_amount": "365400.00", "collections": "1284500.00", "reconnections": 19,
                   "target": "1612903.23", "achievement_pct": "79.6", "theft_cases_found": 3,
                   "theft_cases_assessed": 2, **SETTLEMENT_EXAMPLE}],
    "totals": {"defaulters": 412, "arrears": "48213950.00", "notices_served": 35, "disconnections": 51,
               "paid_on_spot_count": 21, "paid_on_spot_amount": "365400.00", "collections": "1284500.00",
               "reconnections": 19, "target": "1612903.23", "achievement_pct": "79.6", "theft_cases_found": 3,
               "theft_cases_assessed": 2, **SETTLEMENT_EXAMPLE},
}


@extend_schema(
    tags=["reports"],
    parameters=[
        OpenApiParameter("from", OpenApiTypes.DATE, description="first day (India time); default: `to`, or yesterday"),
        OpenApiParameter("to", OpenApiTypes.DATE, description="last day, included; default: yesterday"),
    ],
    responses=responses({200: SummaryOutput}, name="Summary", statuses=(400, 401, 403),
                        invalid={"to": ["must not be before the start of the range"]}),
    examples=[OpenApiExample("a day in one division", value=EXAMPLE, response_only=True)],
)
class SummaryApi(APIView):
    """The summary of a date range: a row per division (an officer gets their own only) and the total.

    Defaulters and arrears come from each division's latest defaulter list as of `to`; the other figures
    count events dated from `from` to `to`. `target` is each month's target times the share of its days
    inside the range. Totals are sums over the rows, their percentage from the summed figures.
    """

    permission_classes = [SeesReports]

    def get(self, request):
        params = SummaryInput(data=request.query_params)
        params.is_valid(raise_exception=True)
        with replica_reads():  # a report: from the read replica when there is one (core.replica)
            result = summary(request.user, date_from=params.validated_data["from"],
                             date_to=params.validated_data["to"])
        return Response({
            "from": result.date_from, "to": result.date_to,
            "divisions": _DivisionFigures([row.as_dict() | {"code": row.code, "name": row.name}
                                           for row in result.rows], many=True).data,
            "totals": _Figures(result.totals.as_dict()).data,
        })
