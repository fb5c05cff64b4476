"""REST API: drives, planned and read, with their stops."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from accounts.models import User
from accounts.permissions import may_plan_drive
from accounts.selectors import divisions_visible_to, users_visible_to
from arrears.models import ConnectionStatus
from core.api_docs import IDEMPOTENCY_KEY, responses
from core.api_fields import AmountInput, DateInput
from core.idempotency import idempotent
from core.models import MONEY, Source
from drives.api.common import (
    ACCOUNT_NO_HELP,
    ADDRESS_HELP,
    DIVISION_CODE_LENGTH,
    DRIVE_STATUS_HELP,
    DRIVES_PERMISSIONS,
    MAX_CLERKS,
    MAX_STOPS,
    METHOD_HELP,
    NAME_HELP,
    OUTCOME_HELP,
    PHONE_HELP,
    STOP_STATUS_HELP,
    USERNAME_LENGTH,
    require,
)
from drives.models import (
    DisconnectionMethod,
    Drive,
    DriveStatus,
    Outcome,
    StopStatus,
)
from drives.reconnections import reconnection_due, reconnection_minimum_for, stop_paid_needs
from drives.selectors import (
    NOTICE_STATES,
    drive_get,
    drive_progress,
    drives_visible_to,
    notice_state,
    stops_of_drive_for_field,
)
from drives.services import drive_plan

# The operation's refusals (409 codes), as its service raises them: documented in the schema. Amounts of zero
# or less are not among them: AmountInput answers them 400 on the amount's field.
DRIVE_CODES = ("invalid_name", "drive_date_past", "drive_date_far", "invalid_max_stops", "invalid_clerk",
               "no_defaulter_list", "no_stops", "plan_conflict")



def _field_money(stop) -> None:
    """The stop's notice state and money rules for the field (drives.reconnections' rules, as a payment applies
    them), set on the stop read with stops_with_field_facts."""
    consumer = stop.consumer
    stop.notice_state, stop.lawful_from = notice_state(stop)
    due = reconnection_due(consumer=consumer) if consumer.status == ConnectionStatus.DISCONNECTED else None
    stop.reconnection_minimum = (due.minimum if due is not None
                                 else reconnection_minimum_for(consumer=consumer, arrears=consumer.arrears))
    stop.reconnection_short_by = None if due is None else due.short_by
    stop.paid_needs = stop_paid_needs(stop=stop, consumer=consumer) if stop.status == StopStatus.OPEN else None


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
    notice_valid = serializers.BooleanField(help_text="a notice makes a disconnection lawful on the drive's day: "
                                                      "served at least 15 clear days before and not spent (false "
                                                      "once the consumer has paid the sum it demanded)")
    status = serializers.ChoiceField(choices=StopStatus.choices, help_text=STOP_STATUS_HELP)
    outcome = serializers.ChoiceField(choices=Outcome.choices, allow_null=True,
                                      help_text=f"null until logged; {OUTCOME_HELP}")
    method = serializers.ChoiceField(choices=DisconnectionMethod.choices, allow_null=True,
                                     help_text=f"null but for disconnected; {METHOD_HELP}")
    outcome_at = serializers.DateTimeField(allow_null=True, help_text="when the outcome was logged; null until then")
    paid_amount = serializers.DecimalField(
        **MONEY, help_text="rupees taken at this stop (payments naming it). On an open stop more than zero means "
                           "part-paid: too little to close it as paid, so it may still be cut")

    # What the field app needs at the door (the day stored on the phone): read with stops_with_field_facts.
    drive = serializers.IntegerField(source="drive_id", help_text="the drive's id")
    drive_name = serializers.CharField(source="drive.name", help_text="the drive's name")
    drive_date = serializers.DateField(source="drive.date", help_text="the drive's day")
    notice_state = serializers.ChoiceField(
        choices=[(state, state) for state in NOTICE_STATES],
        help_text="whether a cut is lawful on the drive's day: valid (a notice served at least 15 clear days before "
                  "and not spent), later (a notice is served but its 15 clear days end later: see lawful_from), "
                  "spent (the consumer has paid what the notice demanded: serve a new one) or none (no notice)")
    lawful_from = serializers.DateField(allow_null=True, help_text="for later: the first day a cut is lawful; "
                                                                   "null otherwise")
    consumer_status = serializers.ChoiceField(source="consumer.status", choices=ConnectionStatus.choices,
                                              help_text="the consumer's connection now: connected or disconnected")
    category = serializers.CharField(source="consumer.category", help_text="the consumer's tariff category, e.g. "
                                                                           "LMV-1")
    reconnection_minimum = serializers.DecimalField(
        **MONEY, help_text="rupees a disconnected consumer pays (since the cut) to get a reconnection order: for one "
                           "cut and waiting, the minimum of that cut; otherwise the minimum on the arrears now")
    reconnection_short_by = serializers.DecimalField(
        **MONEY, allow_null=True, help_text="for a consumer cut and waiting for the reconnection order: what is still "
                                            "short of the minimum (0.00 never: the order is made then); null "
                                            "otherwise")
    paid_needs = serializers.DecimalField(
        **MONEY, allow_null=True, help_text="for an open stop: what one more payment here must reach to close it as "
                                            "paid (less is part-paid: the stop stays open and may still be cut); "
                                            "null for a stop not open")
    part_paid = serializers.BooleanField(help_text="open, with money taken here too little to close it as paid: it "
                                                   "may still be cut")
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, source="known_latitude", allow_null=True,
                                        help_text="the consumer's last known position, degrees north (from the "
                                                  "latest outcome at any stop of theirs that recorded one); null "
                                                  "when unknown")
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, source="known_longitude", allow_null=True,
                                         help_text="degrees east, with latitude")
    reconnected = serializers.BooleanField(help_text="the consumer was cut at this stop and has been reconnected "
                                                     "since")
    photo = serializers.FileField(read_only=True, allow_null=True,
                                  help_text="the photo logged with the outcome (a JPEG re-encoded from the upload), "
                                            "for whoever may see the stop: its clerk, the division's officer, HQ and "
                                            "IT; null when none was taken")

    def to_representation(self, stop):
        _field_money(stop)
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


class KeptOffOutput(serializers.Serializer):
    ots = serializers.IntegerField(help_text="registered in a One Time Settlement scheme")
    plan = serializers.IntegerField(help_text="on an instalment plan an officer granted")
    promise = serializers.IntegerField(help_text="promised to pay by a day not yet past")


class DrivePlanOutput(DriveOutput):
    stops = StopOutput(many=True, source="planned_stops", help_text="the stops planned, each clerk's in walking order")
    skipped_on_open_stop = serializers.IntegerField(
        help_text="consumers who matched but were left out: each is already on an open stop of another drive (a "
                  "consumer is on at most one open stop at a time)")
    kept_off = KeptOffOutput(
        help_text="consumers who matched but were left out because a settlement keeps them from a cut (they stay "
                  "on the defaulter list, marked), by kind")


class ClerkProgressOutput(serializers.Serializer):
    clerk = serializers.CharField(help_text="the clerk's username")
    clerk_name = serializers.CharField(help_text="the clerk's full name")
    done = serializers.IntegerField(help_text="their stops with an outcome or settled")
    left = serializers.IntegerField(help_text="their stops still open (or not visited, once the drive is closed)")


class DriveProgressOutput(serializers.Serializer):
    clerks = ClerkProgressOutput(many=True, help_text="per clerk")
    stops = serializers.IntegerField(help_text="stops on the drive")
    left = serializers.IntegerField(help_text="stops still open (or not visited, once the drive is closed)")
    settled = serializers.IntegerField(help_text="stops settled by a payment (at the counter, online or on the spot)")
    outcomes = serializers.DictField(child=serializers.IntegerField(), help_text="stops per outcome")
    disconnections = serializers.IntegerField(help_text="connections cut on this drive")
    payments = serializers.IntegerField(help_text="payments taken at this drive's stops, part payments included")
    collected = serializers.DecimalField(**MONEY, help_text="their amount")
    paid_on_spot_amount = serializers.DecimalField(
        **MONEY, help_text="the money taken at the stops closed as paid on the spot (outcomes.paid counts them)")
    part_paid = serializers.IntegerField(help_text="stops where a part payment was taken, too little to close them "
                                                   "as paid, and which were not cut: they may still be cut")


class DriveDetailOutput(DriveOutput):
    progress = DriveProgressOutput(source="progress_now", help_text="the day so far")


class DriveInput(serializers.Serializer):
    division = serializers.CharField(max_length=DIVISION_CODE_LENGTH, help_text="division code, e.g. RTP")
    date = DateInput(help_text="the drive's day: today or later, at most DRIVE_AHEAD_DAYS (default 14) ahead "
                               "(409 drive_date_past, drive_date_far)")
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


# A filter beside the statuses: the drives not closed (planned or in progress), the field app's day.
OPEN_DRIVES = "open"
DRIVE_FILTERS = [*DriveStatus.values, OPEN_DRIVES]


class DriveListInput(serializers.Serializer):
    division = serializers.CharField(required=False, allow_blank=True, max_length=DIVISION_CODE_LENGTH)
    date = DateInput(required=False)
    status = serializers.ChoiceField(choices=DRIVE_FILTERS, required=False, allow_blank=True)


def _drive_queryset(drives):
    return drives.select_related("division", "officer").prefetch_related(
        Prefetch("clerks", queryset=User.objects.order_by("username")))


STOP_EXAMPLE = {
    "id": 88231, "account_no": "01234567", "name": "Ramesh Chandra Tiwari",
    "address": "117/45 Sarvodaya Nagar, Kanpur 208005", "phone": "9415012345", "locality": "sarvodaya nagar",
    "clerk": "clerk.rtp.sunil", "sequence": 1, "rank": 1, "arrears": "248512.50", "time_barred_amount": "0.00",
    "notice_valid": True, "status": "open", "outcome": None, "method": None, "outcome_at": None,
    "paid_amount": "0.00", "drive": 1207, "drive_name": "Sarvodaya Nagar, 3 Dec", "drive_date": "2026-12-03",
    "notice_state": "valid", "lawful_from": None, "consumer_status": "connected", "category": "LMV-1",
    "reconnection_minimum": "62128.13", "reconnection_short_by": None, "paid_needs": "62128.13", "part_paid": False,
    "latitude": "26.449923", "longitude": "80.331874", "reconnected": False, "photo": None,
}
DRIVE_REQUEST = {"division": "RTP", "date": "2026-12-03", "name": "Sarvodaya Nagar, 3 Dec", "min_arrears": "50000.00",
                 "locality": "Sarvodaya Nagar", "clerks": ["clerk.rtp.sunil", "clerk.rtp.anita"], "max_stops": 40}
DRIVE_EXAMPLE = {"id": 1207, "division": "RTP", "date": "2026-12-03", "name": "Sarvodaya Nagar, 3 Dec",
                 "status": "planned", "officer": "sdo.rtp.verma", "clerks": ["clerk.rtp.anita", "clerk.rtp.sunil"],
                 "min_arrears": "50000.00", "locality": "Sarvodaya Nagar", "max_stops": 40, "defaulter_list": 5121,
                 "created_at": "2026-12-02T16:05:12+05:30", "closed_at": None}


@extend_schema(tags=["drives"])
class DriveListCreateApi(generics.ListAPIView):
    """Disconnection drives: `GET` lists those the caller may see (a clerk: the drives they are on or have stops
    on), newest first; `POST` plans one (officers and IT) from the division's latest defaulter list and answers
    the drive with its stops, split among the clerks by locality, each clerk's in walking order."""

    permission_classes = DRIVES_PERMISSIONS

    serializer_class = DriveOutput

    @extend_schema(parameters=[
        OpenApiParameter("division", str, description="division code, e.g. RTP"),
        OpenApiParameter("date", OpenApiTypes.DATE, description="the drive's day (YYYY-MM-DD)"),
        OpenApiParameter("status", str, enum=DRIVE_FILTERS,
                         description="planned, in_progress, closed, or open (planned or in progress: the field app "
                                     "reads the day with date=today&status=open)"),
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
        if values.get("status") == OPEN_DRIVES:
            drives = drives.exclude(status=DriveStatus.CLOSED)
        elif values.get("status"):
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
                                            value={**DRIVE_EXAMPLE, "stops": [STOP_EXAMPLE],
                                                   "skipped_on_open_stop": 2,
                                                   "kept_off": {"ots": 3, "plan": 1, "promise": 0}},
                                            response_only=True,
                                            status_codes=["201"])])
    def post(self, request):
        require(may_plan_drive(request.user), _("only officers and IT plan drives"))
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
        skipped, kept_off = drive.skipped_on_open_stop, drive.kept_off
        drive = _drive_queryset(Drive.objects).get(pk=drive.pk)
        drive.planned_stops = stops_of_drive_for_field(request.user, drive)
        drive.skipped_on_open_stop, drive.kept_off = skipped, kept_off
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
