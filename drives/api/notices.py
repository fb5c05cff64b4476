"""REST API: notices served (DESIGN.md, REST API)."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.permissions import may_record_notice
from arrears.models import Consumer
from core.api_docs import IDEMPOTENCY_KEY, responses
from core.api_fields import AmountInput, DateInput
from core.idempotency import idempotent
from core.models import MONEY, Source
from drives.api.common import (
    ACCOUNT_NO_HELP,
    ACCOUNT_NO_LENGTH,
    DRIVES_PERMISSIONS,
    MODE_HELP,
    consumer_missing,
    require,
)
from drives.models import NoticeMode
from drives.notices import PROOF_REF_LENGTH, REASON_LENGTH, notice_record
from drives.selectors import notices_visible_to

# The operation's refusals (409 codes), as its service raises them: documented in the schema, each with an
# example. Amounts of zero or less are not among them: AmountInput answers them 400 on the amount's field.
NOTICE_REFUSALS = {
    "invalid_date": {"code": "invalid_date", "field": "served_on", "detail": "served_on: cannot be in the future"},
    "invalid_mode": {"code": "invalid_mode", "field": "mode", "detail": "mode: one of hand, post, sms, bill"},
    "backdated": {"code": "backdated", "field": "served_on",
                  "detail": "served_on: a notice is recorded at most 3 days after it was served; an officer can "
                            "record an older one, with a reason and the proof of service"},
    "amount_too_small": {"code": "amount_too_small", "field": "amount_demanded",
                         "detail": "amount_demanded: a notice demands at least ₹1.00"},
    "amount_above_balance": {"code": "amount_above_balance", "field": "amount_demanded",
                             "detail": "amount_demanded: more than the balance of ₹19,042.00 on the day of service"},
    "amount_below_arrears": {"code": "amount_below_arrears", "field": "amount_demanded",
                             "detail": "amount_demanded: less than the arrears of ₹19,042.00 on the day of service; "
                                       "only an officer may demand less, with a reason"},
    "no_mobile_number": {"code": "no_mobile_number", "field": "mode",
                         "detail": "mode: 01234567 has no mobile number to serve a notice by SMS on (1 without one); "
                                   "serve those by hand or by post"},
    "invalid_reason": {"code": "invalid_reason", "field": "reason",
                       "detail": "reason: letters, digits and signs only"},
    "invalid_proof_ref": {"code": "invalid_proof_ref", "field": "proof_ref",
                          "detail": "proof_ref: letters, digits and signs only"},
}
NOTICE_CODES = tuple(NOTICE_REFUSALS)


class NoticeInput(serializers.Serializer):
    account_no = serializers.CharField(max_length=ACCOUNT_NO_LENGTH, help_text=ACCOUNT_NO_HELP)
    served_on = DateInput(help_text="the day the notice was served (also days earlier, from paper)")
    mode = serializers.ChoiceField(choices=NoticeMode.choices, help_text=MODE_HELP)
    amount_demanded = AmountInput(help_text="rupees the notice demands: at least 1.00 (zero or negative: 400 on "
                                            "amount_demanded) and at most the balance on served_on; less than the "
                                            "arrears on served_on only by an officer, with a reason")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=REASON_LENGTH, trim_whitespace=True,
                                   help_text="an officer's reason, needed for a notice served more than "
                                             "NOTICE_BACKDATE_DAYS (default 3) days back or demanding less than the "
                                             "arrears")
    proof_ref = serializers.CharField(required=False, allow_blank=True, max_length=PROOF_REF_LENGTH,
                                      help_text="the reference of the proof of service (post dispatch number, signed "
                                                "acknowledgement), needed for a notice served more than "
                                                "NOTICE_BACKDATE_DAYS days back")


class NoticeOutput(serializers.Serializer):
    id = serializers.IntegerField(help_text="the notice's id")
    account_no = serializers.CharField(source="consumer.account_no", help_text=ACCOUNT_NO_HELP)
    served_on = serializers.DateField(help_text="the day it was served")
    mode = serializers.ChoiceField(choices=NoticeMode.choices, help_text=MODE_HELP)
    amount_demanded = serializers.DecimalField(**MONEY, help_text="rupees it demands")
    reason = serializers.CharField(help_text="the officer's reason for back-dating it or demanding less than the "
                                             "arrears; blank when none was needed")
    proof_ref = serializers.CharField(help_text="the reference of the proof of service (post dispatch number, "
                                                "signed acknowledgement); blank when none was needed")
    time_barred_amount = serializers.DecimalField(
        **MONEY, help_text="s. 56(2): the part of the arrears first due more than two years before service")
    lawful_from = serializers.DateField(help_text="the first day a disconnection on this notice is lawful")
    recorded_by = serializers.CharField(source="recorded_by.username", help_text="the username of who recorded it")
    created_at = serializers.DateTimeField(help_text="when it was recorded")


class NoticeListInput(serializers.Serializer):
    account_no = serializers.CharField(required=False, allow_blank=True, max_length=ACCOUNT_NO_LENGTH)


NOTICE_REQUEST = {"account_no": "01234567", "served_on": "2026-11-16", "mode": "hand", "amount_demanded": "248512.50"}
NOTICE_CREATED = {"id": 30417, "account_no": "01234567", "served_on": "2026-11-16", "mode": "hand",
                  "amount_demanded": "248512.50", "reason": "", "proof_ref": "", "time_barred_amount": "0.00",
                  "lawful_from": "2026-12-02", "recorded_by": "clerk.rtp.sunil",
                  "created_at": "2026-11-16T12:40:31+05:30"}
NOTICE_BACKDATED_REQUEST = {"account_no": "01234567", "served_on": "2026-11-02", "mode": "post",
                            "amount_demanded": "248512.50", "reason": "registered post; the register reached the "
                                                                      "office today",
                            "proof_ref": "RP-KNP-2026-11-0417"}
NOTICE_BACKDATED = {**NOTICE_CREATED, "id": 30418, **NOTICE_BACKDATED_REQUEST, "lawful_from": "2026-11-18",
                    "recorded_by": "officer.rtp.verma", "created_at": "2026-11-16T15:02:10+05:30"}


@extend_schema(tags=["notices"])
class NoticeListCreateApi(generics.ListAPIView):
    """Notices served: `GET` lists them (newest first, of one consumer with `account_no`); `POST` records one.

    An officer or clerk of the division records a notice when it is served, or up to NOTICE_BACKDATE_DAYS
    (default 3) days later from paper; an older one only an officer, with a `reason` and the proof's
    reference (`proof_ref`: post dispatch number, signed acknowledgement), both kept (409 `backdated`).
    It demands at least ₹1 and at most the consumer's balance on `served_on`; less than the arrears on
    that day only an officer, with a reason. A disconnection is lawful from the 16th day after service
    (`lawful_from`) until the consumer has paid the sum demanded: a cut on a spent notice is refused
    (409 `notice_satisfied`).
    """

    permission_classes = DRIVES_PERMISSIONS

    serializer_class = NoticeOutput

    @extend_schema(parameters=[OpenApiParameter("account_no", str, description="the consumer's account no.")],
                   responses=responses({200: NoticeOutput(many=True)}, name="NoticeList", statuses=(400, 401, 403),
                                       invalid={"account_no": ["Ensure this field has no more than 12 characters."]}),
                   examples=[OpenApiExample("a notice served by hand", value=NOTICE_CREATED, response_only=True)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = NoticeListInput(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        notices = notices_visible_to(self.request.user)
        if params.validated_data.get("account_no"):
            notices = notices.filter(consumer__account_no=params.validated_data["account_no"])
        return notices.order_by("-served_on", "-id")

    @extend_schema(request=NoticeInput, parameters=[IDEMPOTENCY_KEY],
                   responses=responses({201: NoticeOutput}, name="NoticeCreate", codes=NOTICE_CODES, idempotent=True,
                                       invalid={"amount_demanded": ["must be more than zero"]},
                                       refused=NOTICE_REFUSALS["backdated"]),
                   examples=[OpenApiExample("a notice served by hand", value=NOTICE_REQUEST, request_only=True),
                             OpenApiExample("a notice served by hand", value=NOTICE_CREATED, response_only=True,
                                            status_codes=["201"]),
                             OpenApiExample("back-dated by an officer, with proof", value=NOTICE_BACKDATED_REQUEST,
                                            request_only=True),
                             OpenApiExample("back-dated by an officer, with proof", value=NOTICE_BACKDATED,
                                            response_only=True, status_codes=["201"]),
                             *[OpenApiExample(f"refused: {code}", value=body, response_only=True,
                                              status_codes=["409"])
                               for code, body in NOTICE_REFUSALS.items() if code != "backdated"]])
    def post(self, request):
        require(may_record_notice(request.user), _("only officers, clerks and IT record notices"))
        return idempotent(request, operation="notices.create", handler=lambda: self._create(request))

    def _create(self, request) -> Response:
        data = NoticeInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            notice = notice_record(user=request.user, account_no=values["account_no"], served_on=values["served_on"],
                                   mode=values["mode"], amount_demanded=values["amount_demanded"],
                                   reason=values.get("reason", ""), proof_ref=values.get("proof_ref", ""),
                                   source=Source.API)
        except Consumer.DoesNotExist:
            raise consumer_missing(values["account_no"]) from None
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from None
        return Response(NoticeOutput(notice).data, status=status.HTTP_201_CREATED)
