"""REST API for notices, drives and their stops, outcomes, reconnections and disputes (DESIGN.md, REST API).

One view per operation with its own input and output serializers: check the role (403), find the record
through the scoping selectors (another division's is a 404), validate, call one service, answer. Business
refusals are the services' DomainErrors, answered 409 {code, detail, field} by kesco.api. Every POST honours
`Idempotency-Key`: the field app retries from a queue on the phone, and a retry must never cut, note or
reconnect twice.
"""

from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.permissions import (
    may_log_outcome,
    may_plan_drive,
    may_reconnect,
    may_record_dispute,
    may_record_notice,
    may_view_drives,
)
from accounts.selectors import divisions_visible_to, users_visible_to
from arrears.models import Consumer
from core.api_docs import IDEMPOTENCY_KEY, responses
from core.api_fields import AmountInput, CoordinateInput, DateInput, DateTimeInput, notes_field
from core.idempotency import idempotent
from core.models import MONEY, Source
from drives.models import (
    DisconnectionMethod,
    DisputeStatus,
    Drive,
    DriveStatus,
    NoticeMode,
    Outcome,
    ReconnectionStatus,
    StopStatus,
)
from drives.reconnections import reconnection_done
from drives.selectors import (
    RECONNECTION_FILTERS,
    disputes_visible_to,
    drive_get,
    drive_progress,
    drives_visible_to,
    notices_visible_to,
    reconnections_visible_to,
    stops_of_drive,
    stops_visible_to,
)
from drives.services import dispute_record, dispute_resolve, drive_plan, notice_record, stop_outcome_log

# A drive's stops are planned in one request: 5,000 is a big division's day (the bench plans that many).
MAX_STOPS = 5000
# More clerks than a division has on one drive is a mistake, not a plan.
MAX_CLERKS = 100
ACCOUNT_NO_LENGTH = 12
DIVISION_CODE_LENGTH = 10
USERNAME_LENGTH = 150
# Each operation's refusals (409 codes), as its service raises them: documented in the schema. Amounts of zero
# or less are not among them: AmountInput answers them 400 on the amount's field.
NOTICE_CODES = ("invalid_date", "invalid_mode")
DRIVE_CODES = ("invalid_name", "drive_date_past", "invalid_max_stops", "invalid_clerk",
               "no_defaulter_list", "no_stops")
OUTCOME_CODES = (
    "invalid_outcome", "method_required", "invalid_method", "invalid_notes", "invalid_position", "invalid_photo",
    "invalid_date", "stop_closed", "payment_required",
    # Section 56 and the consumer's state, for a disconnection.
    "protected_consumer", "already_disconnected", "notice_required", "dispute_pending", "settled", "balance_overflow",
)
RECONNECTION_CODES = ("invalid_status", "invalid_date", "balance_overflow")
DISPUTE_CODES = ("invalid_date", "invalid_deposit_receipt_no", "receipt_required", "invalid_notes")
RESOLVE_CODES = ("invalid_status", "invalid_date", "invalid_resolution", "invalid_notes")


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


class ViewsDrives(IsAuthenticated):
    """Every operation here is for those who work drives (accounts.permissions "view_drives")."""

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and may_view_drives(request.user)


DRIVES_PERMISSIONS = [ViewsDrives]


ACCOUNT_NO_HELP = "the consumer's account number (8 digits, leading zeros kept)"
NAME_HELP = "the consumer's name as billed (English or Hindi)"
ADDRESS_HELP = "the premises' address"
PHONE_HELP = "the consumer's phone number; blank when the billing system has none"
MODE_HELP = "how the notice was served: hand (by hand), post, sms or bill (printed on the bill)"
OUTCOME_HELP = ("what happened at the stop: disconnected (supply cut; give method), paid (paid on the spot: "
                "logged by POST payments/ with drive_stop, not here), premises_locked, not_found (no such premises "
                "or consumer), refused_access, disputed (the consumer disputes the bill), theft_detected (a theft "
                "case is opened)")
METHOD_HELP = ("how the supply was cut: cable_removed (service cable pulled), meter_removed, fuse_pulled, remote "
               "(a smart meter switched off)")
STOP_STATUS_HELP = ("open (to visit), done (its outcome logged) or settled (the consumer paid, at the counter, online "
                    "or on the spot, and dropped off the list)")
DRIVE_STATUS_HELP = "planned (not started), in_progress (started) or closed (its day is over; no more outcomes)"


def _consumer_missing(account_no: str) -> NotFound:
    return NotFound(_("no consumer %(account_no)s in your division") % {"account_no": account_no})


# --- notices ------------------------------------------------------------------------------------------------

class NoticeInput(serializers.Serializer):
    account_no = serializers.CharField(max_length=ACCOUNT_NO_LENGTH, help_text=ACCOUNT_NO_HELP)
    served_on = DateInput(help_text="the day the notice was served (also days earlier, from paper)")
    mode = serializers.ChoiceField(choices=NoticeMode.choices, help_text=MODE_HELP)
    amount_demanded = AmountInput(help_text="rupees the notice demands, more than zero (zero or negative: 400 on "
                                            "amount_demanded)")


class NoticeOutput(serializers.Serializer):
    id = serializers.IntegerField(help_text="the notice's id")
    account_no = serializers.CharField(source="consumer.account_no", help_text=ACCOUNT_NO_HELP)
    served_on = serializers.DateField(help_text="the day it was served")
    mode = serializers.ChoiceField(choices=NoticeMode.choices, help_text=MODE_HELP)
    amount_demanded = serializers.DecimalField(**MONEY, help_text="rupees it demands")
    time_barred_amount = serializers.DecimalField(
        **MONEY, help_text="s. 56(2): the part of the arrears first due more than two years before service")
    lawful_from = serializers.DateField(help_text="the first day a disconnection on this notice is lawful")
    recorded_by = serializers.CharField(source="recorded_by.username", help_text="the username of who recorded it")
    created_at = serializers.DateTimeField(help_text="when it was recorded")


class NoticeListInput(serializers.Serializer):
    account_no = serializers.CharField(required=False, allow_blank=True, max_length=ACCOUNT_NO_LENGTH)


NOTICE_REQUEST = {"account_no": "01234567", "served_on": "2026-11-16", "mode": "hand", "amount_demanded": "248512.50"}
NOTICE_CREATED = {"id": 30417, "account_no": "01234567", "served_on": "2026-11-16", "mode": "hand",
                  "amount_demanded": "248512.50", "time_barred_amount": "0.00", "lawful_from": "2026-12-02",
                  "recorded_by": "clerk.rtp.sunil", "created_at": "2026-11-16T12:40:31+05:30"}


@extend_schema(tags=["notices"])
class NoticeListCreateApi(generics.ListAPIView):
    """Notices served: `GET` lists them (newest first, of one consumer with `account_no`); `POST` records one.

    An officer or clerk of the division records a notice when it is served, or days later from paper.
    A disconnection is lawful from the 16th day after service (`lawful_from`).
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
                                       refused={"code": "invalid_date", "field": "served_on",
                                                "detail": "served_on: cannot be in the future"}),
                   examples=[OpenApiExample("a notice served by hand", value=NOTICE_REQUEST, request_only=True),
                             OpenApiExample("a notice served by hand", value=NOTICE_CREATED, response_only=True,
                                            status_codes=["201"])])
    def post(self, request):
        _require(may_record_notice(request.user), _("only officers, clerks and IT record notices"))
        return idempotent(request, operation="notices.create", handler=lambda: self._create(request))

    def _create(self, request) -> Response:
        data = NoticeInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            notice = notice_record(user=request.user, account_no=values["account_no"], served_on=values["served_on"],
                                   mode=values["mode"], amount_demanded=values["amount_demanded"], source=Source.API)
        except Consumer.DoesNotExist:
            raise _consumer_missing(values["account_no"]) from None
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from None
        return Response(NoticeOutput(notice).data, status=status.HTTP_201_CREATED)


# --- drives and their stops ---------------------------------------------------------------------------------

class StopOutput(serializers.Serializer):
    id = serializers.IntegerField(help_text="the stop's id: for its outcome, and drive_stop of a payment on the spot")
    account_no = serializers.CharField(source="consumer.account_no", help_text=ACCOUNT_NO_HELP)
    name = serializers.CharField(source="consumer.name", help_text=NAME_HELP)
    address = serializers.CharField(source="consumer.address", help_text=ADDRESS_HELP)
    phone = serializers.CharField(source="consumer.phone", help_text=PHONE_HELP)
    locality = serializers.CharField(help_text="the locality the address was grouped under, for the walking order")
    clerk = serializers.CharField(source="clerk.username", help_text="the username of the clerk it is assigned to")
    sequence = serializers.IntegerField(help_text="the clerk's walking order, from 1")
    rank = serializers.IntegerField(help_text="the consumer's rank on the defaulter list (1: highest arrears)")
    arrears = serializers.DecimalField(**MONEY, source="live_arrears", help_text="the consumer's arrears now")
    time_barred_amount = serializers.DecimalField(
        **MONEY, help_text="s. 56(2): the part of the arrears first due more than two years ago; check it was "
                           "carried as arrears before demanding it")
    notice_valid = serializers.BooleanField(help_text="a notice makes a disconnection lawful on the drive's day")
    status = serializers.ChoiceField(choices=StopStatus.choices, help_text=STOP_STATUS_HELP)
    outcome = serializers.ChoiceField(choices=Outcome.choices, allow_null=True,
                                      help_text=f"null until logged; {OUTCOME_HELP}")
    method = serializers.ChoiceField(choices=DisconnectionMethod.choices, allow_null=True,
                                     help_text=f"null but for disconnected; {METHOD_HELP}")
    outcome_at = serializers.DateTimeField(allow_null=True, help_text="when the outcome was logged; null until then")

    def to_representation(self, stop):
        data = super().to_representation(stop)
        # The model keeps "not logged" as blank text; the contract promises null.
        data["outcome"] = stop.outcome or None
        data["method"] = stop.method or None
        return data


class DriveOutput(serializers.Serializer):
    id = serializers.IntegerField(help_text="the drive's id")
    division = serializers.CharField(source="division.code", help_text="the division's code, e.g. RTP")
    date = serializers.DateField(help_text="the drive's day")
    name = serializers.CharField(help_text="the drive's name, e.g. a locality and the day")
    status = serializers.ChoiceField(choices=DriveStatus.choices, help_text=DRIVE_STATUS_HELP)
    officer = serializers.CharField(source="officer.username", help_text="the username of the officer who planned it")
    clerks = serializers.SerializerMethodField(help_text="the clerks' usernames")
    min_arrears = serializers.DecimalField(**MONEY, help_text="rupees: only consumers with at least these arrears "
                                                              "were taken from the list")
    locality = serializers.CharField(help_text="only addresses containing this text; blank for all")
    max_stops = serializers.IntegerField(help_text="the most stops it was planned with")
    defaulter_list = serializers.IntegerField(source="defaulter_list_id", allow_null=True,
                                              help_text="the id of the defaulter list its stops came from")
    created_at = serializers.DateTimeField(help_text="when it was planned")
    closed_at = serializers.DateTimeField(allow_null=True, help_text="when it was closed; null while open")

    def get_clerks(self, drive) -> list[str]:
        return [clerk.username for clerk in drive.clerks.all()]  # prefetched in username order


class DrivePlanOutput(DriveOutput):
    stops = StopOutput(many=True, source="planned_stops", help_text="the stops planned, each clerk's in walking order")


class ClerkProgressOutput(serializers.Serializer):
    clerk = serializers.CharField(help_text="the clerk's username")
    clerk_name = serializers.CharField(help_text="the clerk's full name")
    done = serializers.IntegerField(help_text="their stops with an outcome or settled")
    left = serializers.IntegerField(help_text="their stops still open")


class DriveProgressOutput(serializers.Serializer):
    clerks = ClerkProgressOutput(many=True, help_text="per clerk")
    stops = serializers.IntegerField(help_text="stops on the drive")
    left = serializers.IntegerField(help_text="stops still open")
    settled = serializers.IntegerField(help_text="stops settled by a payment (at the counter, online or on the spot)")
    outcomes = serializers.DictField(child=serializers.IntegerField(), help_text="stops per outcome")
    disconnections = serializers.IntegerField(help_text="connections cut on this drive")
    payments = serializers.IntegerField(help_text="payments taken at this drive's stops (paid on the spot)")
    collected = serializers.DecimalField(**MONEY, help_text="their amount")


class DriveDetailOutput(DriveOutput):
    progress = DriveProgressOutput(source="progress_now", help_text="the day so far")


class DriveInput(serializers.Serializer):
    division = serializers.CharField(max_length=DIVISION_CODE_LENGTH, help_text="division code, e.g. RTP")
    date = DateInput(help_text="the drive's day: today or later")
    name = serializers.CharField(max_length=Drive._meta.get_field("name").max_length,
                                 help_text="a name the team knows it by, e.g. \"Juhi Kalan, 3 Dec\"")
    min_arrears = AmountInput(allow_zero=True, help_text="rupees: take only consumers with at least these arrears "
                                                         "from the latest list; zero or more (negative: 400)")
    locality = serializers.CharField(required=False, allow_blank=True,
                                     max_length=Drive._meta.get_field("locality").max_length,
                                     help_text="only addresses containing this text (any case)")
    clerks = serializers.ListField(child=serializers.CharField(max_length=USERNAME_LENGTH), min_length=1,
                                   max_length=MAX_CLERKS, help_text="the clerks' usernames; stops are split among "
                                                                    "them by locality")
    max_stops = serializers.IntegerField(min_value=1, max_value=MAX_STOPS,
                                         help_text="the most stops to plan, highest arrears first")


class DriveListInput(serializers.Serializer):
    division = serializers.CharField(required=False, allow_blank=True, max_length=DIVISION_CODE_LENGTH)
    date = DateInput(required=False)
    status = serializers.ChoiceField(choices=DriveStatus.choices, required=False, allow_blank=True)


def _drive_queryset(drives):
    return drives.select_related("division", "officer").prefetch_related(
        Prefetch("clerks", queryset=User.objects.order_by("username")))


STOP_EXAMPLE = {
    "id": 88231, "account_no": "01234567", "name": "Ramesh Chandra Tiwari",
    "address": "117/45 Sarvodaya Nagar, Kanpur 208005", "phone": "9415012345", "locality": "sarvodaya nagar",
    "clerk": "clerk.rtp.sunil", "sequence": 1, "rank": 1, "arrears": "248512.50", "time_barred_amount": "0.00",
    "notice_valid": True, "status": "open", "outcome": None, "method": None, "outcome_at": None,
}
DRIVE_REQUEST = {"division": "RTP", "date": "2026-12-03", "name": "Sarvodaya Nagar, 3 Dec", "min_arrears": "50000.00",
                 "locality": "Sarvodaya Nagar", "clerks": ["clerk.rtp.sunil", "clerk.rtp.anita"], "max_stops": 40}
DRIVE_EXAMPLE = {"id": 1207, "division": "RTP", "date": "2026-12-03", "name": "Sarvodaya Nagar, 3 Dec",
                 "status": "planned", "officer": "sdo.rtp.verma", "clerks": ["clerk.rtp.anita", "clerk.rtp.sunil"],
                 "min_arrears": "50000.00", "locality": "Sarvodaya Nagar", "max_stops": 40, "defaulter_list": 5121,
                 "created_at": "2026-12-02T16:05:12+05:30", "closed_at": None}


@extend_schema(tags=["drives"])
class DriveListCreateApi(generics.ListAPIView):
    """Disconnection drives: `GET` lists those the caller may see (a clerk: the drives they are on), newest
    first; `POST` plans one (officers and IT) from the division's latest defaulter list and answers the drive
    with its stops, split among the clerks by locality, each clerk's in walking order."""

    permission_classes = DRIVES_PERMISSIONS

    serializer_class = DriveOutput

    @extend_schema(parameters=[
        OpenApiParameter("division", str, description="division code, e.g. RTP"),
        OpenApiParameter("date", OpenApiTypes.DATE, description="the drive's day (YYYY-MM-DD)"),
        OpenApiParameter("status", str, enum=DriveStatus.values),
    ], responses=responses({200: DriveOutput(many=True)}, name="DriveList", statuses=(400, 401, 403),
                           invalid={"date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]}),
       examples=[OpenApiExample("tomorrow's drive in Ratanpur", value=DRIVE_EXAMPLE, response_only=True)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = DriveListInput(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        values = params.validated_data
        drives = drives_visible_to(self.request.user)
        if values.get("division"):
            drives = drives.filter(division__code=values["division"])
        if values.get("date"):
            drives = drives.filter(date=values["date"])
        if values.get("status"):
            drives = drives.filter(status=values["status"])
        # Index drive_division_date serves the division and date filters.
        return _drive_queryset(drives).order_by("-date", "-id")

    @extend_schema(request=DriveInput, parameters=[IDEMPOTENCY_KEY],
                   responses=responses({201: DrivePlanOutput}, name="DrivePlan", codes=DRIVE_CODES, idempotent=True,
                                       invalid={"min_arrears": ["must be zero or more"]},
                                       refused={"code": "no_defaulter_list",
                                                "detail": "RTP has no defaulter list yet; build one first"}),
                   examples=[OpenApiExample("two clerks in Sarvodaya Nagar", value=DRIVE_REQUEST, request_only=True),
                             OpenApiExample("two clerks in Sarvodaya Nagar",
                                            value={**DRIVE_EXAMPLE, "stops": [STOP_EXAMPLE]}, response_only=True,
                                            status_codes=["201"])])
    def post(self, request):
        _require(may_plan_drive(request.user), _("only officers and IT plan drives"))
        return idempotent(request, operation="drives.create", handler=lambda: self._create(request))

    def _create(self, request) -> Response:
        data = DriveInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        division = divisions_visible_to(request.user).filter(code=values["division"]).first()
        if division is None:
            raise NotFound(_("no division %(code)s of yours") % {"code": values["division"]})
        usernames = list(dict.fromkeys(values["clerks"]))  # each once, in the order given
        found = {u.username: u for u in users_visible_to(request.user).filter(username__in=usernames)}
        unknown = [name for name in usernames if name not in found]
        if unknown:
            raise ValidationError({"clerks": [_("no user %(username)r in your division") % {"username": name}
                                               for name in unknown]})
        try:
            drive = drive_plan(user=request.user, division=division, date=values["date"], name=values["name"],
                               min_arrears=values["min_arrears"], locality=values.get("locality", ""),
                               max_stops=values["max_stops"], clerks=[found[name] for name in usernames],
                               source=Source.API)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from None
        drive = _drive_queryset(Drive.objects).get(pk=drive.pk)
        drive.planned_stops = stops_of_drive(request.user, drive)
        return Response(DrivePlanOutput(drive).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["drives"], responses=responses({200: DriveDetailOutput}, name="DriveDetail",
                                                    statuses=(401, 403, 404)))
class DriveDetailApi(generics.RetrieveAPIView):
    """A drive and its day so far: stops done and left per clerk, counts by outcome, cuts, money taken."""

    permission_classes = DRIVES_PERMISSIONS

    serializer_class = DriveDetailOutput

    def get_object(self):
        drive = drive_get(self.request.user, self.kwargs["pk"])
        drive = _drive_queryset(Drive.objects).get(pk=drive.pk)
        drive.progress_now = drive_progress(drive)
        return drive


class StopListInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=StopStatus.choices, required=False, allow_blank=True)


@extend_schema(tags=["drives"], parameters=[OpenApiParameter("status", str, enum=StopStatus.values)],
               responses=responses({200: StopOutput(many=True)}, name="StopList", statuses=(400, 401, 403, 404),
                                   invalid={"status": ["\"shut\" is not a valid choice."]}),
               examples=[OpenApiExample("the first stop of the day", value=STOP_EXAMPLE, response_only=True)])
class StopListApi(generics.ListAPIView):
    """A drive's stops, each clerk's in walking order. A clerk sees the stops assigned to them."""

    permission_classes = DRIVES_PERMISSIONS

    serializer_class = StopOutput

    def get_queryset(self):
        drive = drive_get(self.request.user, self.kwargs["pk"])
        params = StopListInput(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        stops = stops_of_drive(self.request.user, drive)
        if params.validated_data.get("status"):
            stops = stops.filter(status=params.validated_data["status"])
        return stops


class OutcomeInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices, help_text=OUTCOME_HELP)
    method = serializers.ChoiceField(choices=DisconnectionMethod.choices, required=False, allow_blank=True,
                                     help_text=f"required for disconnected (409 method_required); {METHOD_HELP}")
    notes = notes_field(help_text="what the clerk saw, at most 2000 characters")
    latitude = CoordinateInput(limit=90, required=False, allow_null=True,
                               help_text="where it was logged, degrees north (with longitude), e.g. 26.449923")
    longitude = CoordinateInput(limit=180, required=False, allow_null=True,
                                help_text="degrees east (with latitude), e.g. 80.331874")
    photo = serializers.FileField(required=False, allow_null=True, max_length=100,
                                  help_text="a photo of the premises or the meter (multipart only)")


@extend_schema(tags=["drives"])
class StopOutcomeApi(APIView):
    """Log what happened at a stop: the clerk of the stop, or an officer or IT of the division.

    A disconnection needs a notice served at least 15 clear days before (409 notice_required), no pending
    dispute with its deposit (409 dispute_pending), an unprotected consumer (409 protected_consumer) and
    arrears still over the threshold (409 settled: the consumer has paid). It adds the disconnection charge
    to the ledger. A payment on the spot is `POST payments/` with `drive_stop`: it logs `paid` itself.
    """

    permission_classes = DRIVES_PERMISSIONS

    @extend_schema(request={"application/json": OutcomeInput, "multipart/form-data": OutcomeInput},
                   parameters=[IDEMPOTENCY_KEY],
                   responses=responses({200: StopOutput}, name="StopOutcome", codes=OUTCOME_CODES, idempotent=True,
                                       invalid={"outcome": ["\"cut\" is not a valid choice."]},
                                       refused={"code": "notice_required",
                                                "detail": "no notice served by 16.11.2026: section 56 asks for 15 "
                                                          "clear days"}),
                   examples=[OpenApiExample("cable removed", value={
                       "outcome": "disconnected", "method": "cable_removed", "notes": "Cut at the pole, meter sealed",
                       "latitude": "26.449923", "longitude": "80.331874"}, request_only=True),
                             OpenApiExample("cable removed", value={
                                 **STOP_EXAMPLE, "status": "done", "outcome": "disconnected", "method": "cable_removed",
                                 "outcome_at": "2026-12-03T10:42:09+05:30"}, response_only=True, status_codes=["200"])])
    def post(self, request, pk: int, stop_id: int):
        _require(may_log_outcome(request.user), _("only clerks, officers and IT log outcomes"))
        # The stop is part of the operation: one key reused on another stop is another request.
        return idempotent(request, operation=f"stops.outcome.{stop_id}",
                          handler=lambda: self._log(request, pk, stop_id))

    def _log(self, request, pk: int, stop_id: int) -> Response:
        drive = drive_get(request.user, pk)
        stop = stops_visible_to(request.user).filter(drive=drive, pk=stop_id).first()
        if stop is None:
            raise NotFound(_("no such stop of yours on this drive"))
        data = OutcomeInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            stop = stop_outcome_log(user=request.user, stop=stop, outcome=values["outcome"],
                                    method=values.get("method", ""), notes=values.get("notes", ""),
                                    latitude=values.get("latitude"), longitude=values.get("longitude"),
                                    photo=values.get("photo"), source=Source.API)
        except ObjectDoesNotExist:  # the consumer moved to another division since the stop was read
            raise NotFound(_("no such stop of yours on this drive")) from None
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from None
        stop = stops_of_drive(request.user, drive).get(pk=stop.pk)
        return Response(StopOutput(stop).data, status=status.HTTP_200_OK)


# --- reconnections ------------------------------------------------------------------------------------------

class ReconnectionOutput(serializers.Serializer):
    id = serializers.IntegerField(help_text="the order's id")
    account_no = serializers.CharField(source="consumer.account_no", help_text=ACCOUNT_NO_HELP)
    name = serializers.CharField(source="consumer.name", help_text=NAME_HELP)
    address = serializers.CharField(source="consumer.address", help_text=ADDRESS_HELP)
    phone = serializers.CharField(source="consumer.phone", help_text=PHONE_HELP)
    status = serializers.ChoiceField(choices=ReconnectionStatus.choices,
                                     help_text="open (supply still to restore) or done (restored)")
    overdue = serializers.SerializerMethodField(help_text="open past its due time")
    ordered_at = serializers.DateTimeField(help_text="when the payment that brought it about was taken")
    due_at = serializers.DateTimeField(help_text="when supply must be restored by (RECONNECTION_DUE_HOURS later)")
    minimum = serializers.DecimalField(**MONEY, help_text="the reconnection minimum")
    paid = serializers.DecimalField(**MONEY, help_text="paid since the disconnection")
    approved_by = serializers.CharField(source="approved_by.username", allow_null=True, default=None,
                                        help_text="the officer who approved it below the minimum")
    approval_reason = serializers.CharField(help_text="why it was approved below the minimum; blank otherwise")
    done_at = serializers.DateTimeField(allow_null=True, help_text="when supply was restored; null while open")
    done_by = serializers.CharField(source="done_by.username", allow_null=True, default=None,
                                    help_text="the username of who restored it; null while open")
    notes = serializers.CharField(help_text="the notes given when it was done")

    def get_overdue(self, order) -> bool:
        return order.status == ReconnectionStatus.OPEN and order.due_at < timezone.now()


class ReconnectionListInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=RECONNECTION_FILTERS, required=False, allow_blank=True)


RECONNECTION_EXAMPLE = {
    "id": 7714, "account_no": "01234567", "name": "Ramesh Chandra Tiwari",
    "address": "117/45 Sarvodaya Nagar, Kanpur 208005", "phone": "9415012345", "status": "open", "overdue": False,
    "ordered_at": "2026-12-03T13:05:44+05:30", "due_at": "2026-12-04T13:05:44+05:30", "minimum": "62128.13",
    "paid": "65000.00", "approved_by": None, "approval_reason": "", "done_at": None, "done_by": None, "notes": "",
}


@extend_schema(tags=["reconnections"], parameters=[
    OpenApiParameter("status", str, enum=list(RECONNECTION_FILTERS),
                     description="open, overdue (open past its due time) or done; all when absent"),
], responses=responses({200: ReconnectionOutput(many=True)}, name="ReconnectionList", statuses=(400, 401, 403),
                       invalid={"status": ["\"late\" is not a valid choice."]}),
   examples=[OpenApiExample("paid the minimum an hour ago", value=RECONNECTION_EXAMPLE, response_only=True)])
class ReconnectionListApi(generics.ListAPIView):
    """Reconnection orders of the caller's division, the soonest due first."""

    permission_classes = DRIVES_PERMISSIONS

    serializer_class = ReconnectionOutput

    def get_queryset(self):
        params = ReconnectionListInput(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        orders = reconnections_visible_to(self.request.user, status=params.validated_data.get("status") or None)
        return orders.select_related("approved_by").order_by("due_at", "id")


class ReconnectionDoneInput(serializers.Serializer):
    reconnected_at = DateTimeInput(required=False, allow_null=True, help_text="when supply was restored; now when "
                                                                              "absent")
    notes = notes_field(help_text="at most 2000 characters")


@extend_schema(tags=["reconnections"])
class ReconnectionDoneApi(APIView):
    """Supply restored: the order is done, the reconnection charge goes to the ledger, the consumer is
    connected again."""

    permission_classes = DRIVES_PERMISSIONS

    @extend_schema(request=ReconnectionDoneInput, parameters=[IDEMPOTENCY_KEY],
                   examples=[OpenApiExample("restored", value={"reconnected_at": "2026-12-03T16:20:00+05:30",
                                                               "notes": "Cable refitted, supply checked"},
                                            request_only=True),
                             OpenApiExample("restored", value={
                                 **RECONNECTION_EXAMPLE, "status": "done", "done_at": "2026-12-03T16:20:00+05:30",
                                 "done_by": "clerk.rtp.sunil", "notes": "Cable refitted, supply checked"},
                                 response_only=True, status_codes=["200"])],
                   responses=responses({200: ReconnectionOutput}, name="ReconnectionDone", codes=RECONNECTION_CODES,
                                       invalid={"reconnected_at": ["Datetime has wrong format. Use one of these "
                                                                   "formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]]"
                                                                   "[+HH:MM|-HH:MM|Z]."]},
                                       refused={"code": "invalid_status",
                                                "detail": "the connection was already restored"},
                                       idempotent=True))
    def post(self, request, pk: int):
        _require(may_reconnect(request.user), _("only clerks, officers and IT reconnect"))
        return idempotent(request, operation=f"reconnections.done.{pk}", handler=lambda: self._done(request, pk))

    def _done(self, request, pk: int) -> Response:
        order = reconnections_visible_to(request.user).filter(pk=pk).first()
        if order is None:
            raise NotFound(_("no such reconnection order in your division"))
        data = ReconnectionDoneInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            order = reconnection_done(user=request.user, order=order, reconnected_at=values.get("reconnected_at"),
                                      notes=values.get("notes", ""), source=Source.API)
        except ObjectDoesNotExist:  # the consumer moved to another division since the order was read
            raise NotFound(_("no such reconnection order in your division")) from None
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from None
        return Response(ReconnectionOutput(order).data, status=status.HTTP_200_OK)


# --- disputes -----------------------------------------------------------------------------------------------

class DisputeInput(serializers.Serializer):
    account_no = serializers.CharField(max_length=ACCOUNT_NO_LENGTH, help_text=ACCOUNT_NO_HELP)
    raised_on = DateInput(help_text="the day the consumer raised it")
    amount_disputed = AmountInput(help_text="rupees of the bill in dispute, more than zero (zero or negative: 400)")
    deposit_amount = AmountInput(allow_zero=True, required=False, default=Decimal("0.00"),
                                 help_text="rupees deposited under protest, zero or more; 0.00 when absent")
    deposit_receipt_no = serializers.CharField(required=False, allow_blank=True, max_length=40,
                                               help_text="the deposit's receipt number: required with a deposit")
    notes = notes_field(help_text="at most 2000 characters")


class DisputeOutput(serializers.Serializer):
    id = serializers.IntegerField(help_text="the dispute's id")
    account_no = serializers.CharField(source="consumer.account_no", help_text=ACCOUNT_NO_HELP)
    raised_on = serializers.DateField(help_text="the day it was raised")
    amount_disputed = serializers.DecimalField(**MONEY, help_text="rupees in dispute")
    deposit_amount = serializers.DecimalField(**MONEY, help_text="rupees deposited under protest")
    deposit_receipt_no = serializers.CharField(help_text="the deposit's receipt number; blank without one")
    deposit_required = serializers.DecimalField(
        **MONEY, help_text="s. 56(1): the lesser of the sum disputed and the average monthly bill of the last six "
                           "months")
    holds_disconnection = serializers.BooleanField(help_text="open with its deposit made: no disconnection")
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
DISPUTE_EXAMPLE = {"id": 412, "account_no": "01234567", "raised_on": "2026-12-02", "amount_disputed": "38400.00",
                   "deposit_amount": "4512.50", "deposit_receipt_no": "RTP-2026-004190", "deposit_required": "4512.50",
                   "holds_disconnection": True, "status": "open",
                   "notes": "Consumer says the meter ran fast in August and September", "resolved_on": None,
                   "resolution": "", "recorded_by": "sdo.rtp.verma", "resolved_by": None}


@extend_schema(tags=["disputes"])
class DisputeCreateApi(APIView):
    """Record a consumer's bill dispute (officers and IT). While it is open with its deposit under protest
    made, a disconnection is refused (409 dispute_pending)."""

    permission_classes = DRIVES_PERMISSIONS

    @extend_schema(request=DisputeInput, parameters=[IDEMPOTENCY_KEY],
                   examples=[OpenApiExample("a deposit under protest", value=DISPUTE_REQUEST, request_only=True),
                             OpenApiExample("a deposit under protest", value=DISPUTE_EXAMPLE, response_only=True,
                                            status_codes=["201"])],
                   responses=responses({201: DisputeOutput}, name="DisputeCreate", codes=DISPUTE_CODES,
                                       invalid={"amount_disputed": ["must be more than zero"]},
                                       refused={"code": "receipt_required", "field": "deposit_receipt_no",
                                                "detail": "deposit_receipt_no: give the receipt number of the "
                                                          "deposit"},
                                       idempotent=True))
    def post(self, request):
        _require(may_record_dispute(request.user), _("only officers and IT record disputes"))
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
            raise _consumer_missing(values["account_no"]) from None
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
        _require(may_record_dispute(request.user), _("only officers and IT resolve disputes"))
        return idempotent(request, operation=f"disputes.resolve.{pk}", handler=lambda: self._resolve(request, pk))

    def _resolve(self, request, pk: int) -> Response:
        dispute = disputes_visible_to(request.user).filter(pk=pk).first()
        if dispute is None:
            raise NotFound(_("no such dispute in your division"))
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
