"""REST API: settlement schemes (held as data) and a scheme's quote for one consumer (settlements.quotes)."""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from arrears.selectors import consumers_visible_to
from core.api_docs import responses
from core.dates import india_today
from core.models import MONEY
from settlements.api.common import (
    ACCOUNT_NO_HELP,
    ACCOUNT_NO_LENGTH,
    PLAN_HELP,
    SETTLEMENTS_PERMISSIONS,
    DueOutput,
    consumer_missing,
)
from settlements.models import Connection, PlanKind, Scheme, SchemeTerm
from settlements.quotes import scheme_quote

PERCENT = {"max_digits": 5, "decimal_places": 2}
LOAD = {"max_digits": 10, "decimal_places": 2}
# Why a quote is not eligible (settlements.quotes.Quote.code): stable, blank when eligible.
QUOTE_CODES = {
    "scheme_closed": "the scheme is not open for registration today (its dates, or it was closed)",
    "not_eligible": "the consumer meets none of the scheme's rules (reason says which bound), or no plan of "
                    "today's phase fits them",
    "nothing_due": "nothing was owed up to the scheme's dues cut-off",
    "already_registered": "the consumer has a live registration or plan already (one at a time)",
}
CONNECTION_HELP = ("any (connected or disconnected), connected, or disconnected (permanently disconnected "
                   "consumers only)")


class BoundsOutput(serializers.Serializer):
    categories = serializers.ListField(child=serializers.CharField(),
                                       help_text="the rate schedules it is for (\"LMV-1\"); empty: any")
    load_min_kw = serializers.DecimalField(**LOAD, allow_null=True,
                                           help_text="sanctioned load strictly above this (kW); null: no bound")
    load_max_kw = serializers.DecimalField(**LOAD, allow_null=True,
                                           help_text="sanctioned load up to this (kW); null: no bound")
    principal_min = serializers.DecimalField(**MONEY, allow_null=True,
                                             help_text="principal strictly above this (rupees); null: no bound")
    principal_max = serializers.DecimalField(**MONEY, allow_null=True,
                                             help_text="principal up to this (rupees); null: no bound")
    connection = serializers.ChoiceField(choices=Connection.choices, help_text=CONNECTION_HELP)


class PhaseOutput(serializers.Serializer):
    number = serializers.IntegerField(help_text="the phase's number, from 1")
    starts_on = serializers.DateField(help_text="its first day of registration")
    ends_on = serializers.DateField(help_text="its last day of registration")


class TermOutput(BoundsOutput):
    phase = serializers.IntegerField(source="phase.number", allow_null=True, default=None,
                                     help_text="the phase it applies in; null: every phase")
    plan = serializers.ChoiceField(choices=PlanKind.choices, help_text=PLAN_HELP)
    surcharge_waiver_pct = serializers.DecimalField(**PERCENT, help_text="% of the surcharge waived")
    principal_rebate_pct = serializers.DecimalField(**PERCENT, help_text="% of the principal rebated")
    instalments = serializers.IntegerField(allow_null=True, help_text="for instalments: how many; else null")
    instalment_amount = serializers.DecimalField(**MONEY, allow_null=True,
                                                 help_text="for fixed_instalments: rupees each; else null")
    deposit_pct = serializers.DecimalField(**PERCENT, allow_null=True,
                                           help_text="the registration deposit as % of the principal; null: none "
                                                     "or fixed")
    deposit_fixed = serializers.DecimalField(**MONEY, allow_null=True,
                                             help_text="the registration deposit in rupees; null: none or a %")


class SchemeOutput(serializers.Serializer):
    id = serializers.IntegerField(help_text="the scheme's id: for its eligibility and POST settlements/")
    code = serializers.CharField(help_text="the scheme's code, e.g. OTS-2024-25")
    name = serializers.CharField(help_text="its name in the caller's language")
    name_en = serializers.CharField(help_text="its name in English")
    name_hi = serializers.CharField(help_text="its name in Hindi")
    starts_on = serializers.DateField(help_text="registration from")
    ends_on = serializers.DateField(help_text="registration until (inclusive)")
    dues_cutoff = serializers.DateField(help_text="principal and surcharge are counted as of this day")
    instalment_months = serializers.IntegerField(help_text="months between instalments")
    lump_sum_days = serializers.IntegerField(help_text="days after registration to pay a lump sum")
    is_active = serializers.BooleanField(help_text="false: closed by IT whatever its dates")
    open = serializers.SerializerMethodField(help_text="open for registration today (active, within its dates)")
    phases = PhaseOutput(many=True, help_text="its phases, in order")
    rules = BoundsOutput(many=True, help_text="who may join: a consumer meeting every bound of any one rule")
    terms = TermOutput(many=True, help_text="per phase and plan, what it gives: the first term of the phase and "
                                            "plan whose bounds the consumer meets applies")

    def get_open(self, scheme) -> bool:
        today = self.context.get("today") or india_today()
        return scheme.is_active and scheme.starts_on <= today <= scheme.ends_on


class SchemeListInput(serializers.Serializer):
    open = serializers.BooleanField(required=False, default=False)


class PlanQuoteOutput(serializers.Serializer):
    plan = serializers.ChoiceField(choices=PlanKind.choices, help_text=PLAN_HELP)
    surcharge_waiver_pct = serializers.DecimalField(**PERCENT, help_text="% of the surcharge waived")
    principal_rebate_pct = serializers.DecimalField(**PERCENT, help_text="% of the principal rebated")
    waiver = serializers.DecimalField(**MONEY, help_text="rupees of surcharge waived (credited on the ledger when "
                                                         "all is paid)")
    rebate = serializers.DecimalField(**MONEY, help_text="rupees of principal rebated (credited with the waiver)")
    payable = serializers.DecimalField(**MONEY, help_text="what is to be paid: principal + surcharge − waiver − "
                                                          "rebate")
    deposit = serializers.DecimalField(**MONEY, help_text="the registration deposit, paid (recorded as a payment) "
                                                          "before registering; 0.00: none")
    schedule = DueOutput(many=True, help_text="what falls due when: number 0 the deposit (today), then the "
                                              "instalments; they add up to payable")


class QuoteOutput(serializers.Serializer):
    scheme = serializers.IntegerField(source="scheme.pk", help_text="the scheme's id")
    scheme_code = serializers.CharField(source="scheme.code", help_text="the scheme's code")
    account_no = serializers.CharField(source="consumer.account_no", help_text=ACCOUNT_NO_HELP)
    on = serializers.DateField(help_text="the day quoted for: today in India")
    dues_cutoff = serializers.DateField(source="scheme.dues_cutoff",
                                        help_text="principal and surcharge are as of this day")
    eligible = serializers.BooleanField(help_text="whether the consumer may register today")
    code = serializers.ChoiceField(choices=list(QUOTE_CODES.items()), allow_blank=True,
                                   help_text="why not, stable (blank when eligible): "
                                             + "; ".join(f"{code}: {meaning}" for code, meaning in QUOTE_CODES.items()))
    reason = serializers.CharField(help_text="why not, a sentence to show (blank when eligible)")
    phase = serializers.IntegerField(source="phase.number", allow_null=True, default=None,
                                     help_text="today's phase of the scheme; null outside its phases")
    principal = serializers.DecimalField(**MONEY, help_text="principal owed as of the cut-off (bills, debit "
                                                            "adjustments; credits pay the oldest dues first)")
    surcharge = serializers.DecimalField(**MONEY, help_text="late-payment surcharge owed as of the cut-off")
    plans = PlanQuoteOutput(many=True, help_text="per plan the consumer may choose: empty when not eligible")


class EligibilityInput(serializers.Serializer):
    account_no = serializers.CharField(max_length=ACCOUNT_NO_LENGTH, help_text=ACCOUNT_NO_HELP)


TERM_EXAMPLE = {"phase": 1, "plan": "lump_sum", "categories": [], "load_min_kw": None, "load_max_kw": None,
                "principal_min": None, "principal_max": "5000.00", "connection": "any",
                "surcharge_waiver_pct": "100.00", "principal_rebate_pct": "0.00", "instalments": None,
                "instalment_amount": None, "deposit_pct": "30.00", "deposit_fixed": None}
SCHEME_EXAMPLE = {
    "id": 1, "code": "OTS-2024-25", "name": "One Time Settlement Scheme 2024-25",
    "name_en": "One Time Settlement Scheme 2024-25", "name_hi": "एकमुश्त समाधान योजना 2024-25",
    "starts_on": "2024-12-15", "ends_on": "2025-01-31", "dues_cutoff": "2024-09-30", "instalment_months": 1,
    "lump_sum_days": 30, "is_active": True, "open": True,
    "phases": [{"number": 1, "starts_on": "2024-12-15", "ends_on": "2024-12-31"},
               {"number": 2, "starts_on": "2025-01-01", "ends_on": "2025-01-31"}],
    "rules": [{"categories": ["LMV-1", "LMV-2", "LMV-4B", "LMV-6"], "load_min_kw": None, "load_max_kw": None,
               "principal_min": None, "principal_max": None, "connection": "any"}],
    "terms": [TERM_EXAMPLE, {**TERM_EXAMPLE, "plan": "instalments", "instalments": 10,
                             "surcharge_waiver_pct": "75.00"}],
}
QUOTE_EXAMPLE = {
    "scheme": 1, "scheme_code": "OTS-2024-25", "account_no": "01234567", "on": "2024-12-20",
    "dues_cutoff": "2024-09-30", "eligible": True, "code": "", "reason": "", "phase": 1, "principal": "4000.00",
    "surcharge": "1200.00",
    "plans": [
        {"plan": "lump_sum", "surcharge_waiver_pct": "100.00", "principal_rebate_pct": "0.00", "waiver": "1200.00",
         "rebate": "0.00", "payable": "4000.00", "deposit": "1200.00",
         "schedule": [{"number": 0, "due_on": "2024-12-20", "amount": "1200.00"},
                      {"number": 1, "due_on": "2025-01-19", "amount": "2800.00"}]},
        {"plan": "instalments", "surcharge_waiver_pct": "75.00", "principal_rebate_pct": "0.00", "waiver": "900.00",
         "rebate": "0.00", "payable": "4300.00", "deposit": "1200.00",
         "schedule": [{"number": 0, "due_on": "2024-12-20", "amount": "1200.00"},
                      *[{"number": n, "due_on": f"{2024 + (11 + n) // 12}-{(11 + n) % 12 + 1:02d}-20",
                         "amount": "310.00"} for n in range(1, 11)]]},
    ],
}
REFUSED_QUOTE = {
    "scheme": 2, "scheme_code": "BBRY-2025", "account_no": "01234568", "on": "2025-12-10",
    "dues_cutoff": "2025-11-30", "eligible": False, "code": "not_eligible",
    "reason": "sanctioned load 2.00 kW is above 1 kW", "phase": 1, "principal": "8000.00", "surcharge": "900.00",
    "plans": [],
}


def _schemes():
    # The terms as IT wrote them, phase by phase (within a plan, by position: the quote's order too).
    terms = SchemeTerm.objects.select_related("phase").order_by("phase__number", "position", "id")
    return Scheme.objects.prefetch_related("phases", "rules", Prefetch("terms", queryset=terms))


@extend_schema(tags=["settlements"])
class SchemeListApi(generics.ListAPIView):
    """Settlement schemes (UPPCL's एकमुश्त समाधान योजना and the like), held as data: those open today and those
    past, newest first, each with its phases, eligibility rules and terms. `open=true`: only those open for
    registration today. Every role that sees settlements reads them."""

    permission_classes = SETTLEMENTS_PERMISSIONS
    serializer_class = SchemeOutput

    @extend_schema(parameters=[OpenApiParameter("open", bool, description="true: only the schemes open for "
                                                                          "registration today")],
                   responses=responses({200: SchemeOutput(many=True)}, name="SchemeList", statuses=(400, 401, 403),
                                       invalid={"open": ["Must be a valid boolean."]}),
                   examples=[OpenApiExample("the 2024-25 scheme", value=SCHEME_EXAMPLE, response_only=True)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": india_today()}

    def get_queryset(self):
        params = SchemeListInput(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        today = india_today()
        schemes = _schemes().filter(starts_on__lte=today)
        if params.validated_data["open"]:
            schemes = schemes.filter(is_active=True, ends_on__gte=today)
        return schemes.order_by("-starts_on", "code")


@extend_schema(tags=["settlements"])
class SchemeEligibilityApi(APIView):
    """The scheme's quote for one consumer of your division, registering today: eligible or why not (a stable
    `code` and a `reason` to show), the principal and surcharge as of the scheme's dues cut-off, and per plan
    the waiver, the rebate, what is to be paid, the registration deposit and the schedule. What the clerk tells
    the consumer at the door; POST settlements/ registers on the same figures."""

    permission_classes = SETTLEMENTS_PERMISSIONS

    @extend_schema(parameters=[OpenApiParameter("account_no", str, required=True, description=ACCOUNT_NO_HELP)],
                   responses=responses({200: QuoteOutput}, name="SchemeEligibility", statuses=(400, 401, 403, 404),
                                       invalid={"account_no": ["This field is required."]}),
                   examples=[OpenApiExample("phase 1 of 2024-25, ₹4,000 principal and ₹1,200 surcharge",
                                            value=QUOTE_EXAMPLE, response_only=True),
                             OpenApiExample("a 2 kW shop refused by the 2025 scheme", value=REFUSED_QUOTE,
                                            response_only=True)])
    def get(self, request, pk: int):
        params = EligibilityInput(data=request.query_params)
        params.is_valid(raise_exception=True)
        scheme = _schemes().filter(pk=pk).first()
        if scheme is None:
            raise NotFound(_("no such scheme"))
        account_no = params.validated_data["account_no"]
        consumer = consumers_visible_to(request.user).filter(account_no=account_no).first()
        if consumer is None:
            raise consumer_missing(account_no)
        return Response(QuoteOutput(scheme_quote(scheme=scheme, consumer=consumer, on=india_today())).data)
