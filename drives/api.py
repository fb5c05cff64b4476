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
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
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
from core.api_fields import CoordinateInput, DateInput, DateTimeInput, notes_field
from core.idempotency import idempotent
from core.models import MONEY, Source
from drives.models import (
    DisconnectionMethod,
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
# Each operation's refusals (409 codes), as its service raises them: documented in the schema.
NOTICE_CODES = ("invalid_date", "invalid_amount", "invalid_mode")
DRIVE_CODES = ("invalid_name", "drive_date_past", "invalid_amount", "invalid_max_stops", "invalid_clerk",
               "no_defaulter_list", "no_stops")
OUTCOME_CODES = (
    "invalid_outcome", "method_required", "invalid_method", "invalid_notes", "invalid_position", "invalid_photo",
    "invalid_date", "stop_closed", "payment_required",
    # Section 56 and the consumer's state, for a disconnection.
    "protected_consumer", "already_disconnected", "notice_required", "dispute_pending", "settled", "balance_overflow",
)
RECONNECTION_CODES = ("invalid_status", "invalid_date", "balance_overflow")
DISPUTE_CODES = ("invalid_date", "invalid_amount", "invalid_deposit_receipt_no", "receipt_required", "invalid_notes")
RESOLVE_CODES = ("invalid_status", "invalid_date", "invalid_resolution", "invalid_notes")


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


class ViewsDrives(IsAuthenticated):
    """Every operation here is for those who work drives (accounts.permissions "view_drives")."""

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and may_view_drives(request.user)


DRIVES_PERMISSIONS = [ViewsDrives]


def _consumer_missing(account_no: str) -> NotFound:
    return NotFound(f"no consumer {account_no} in your division")


# --- notices ------------------------------------------------------------------------------------------------

class NoticeInput(serializers.Serializer):
    account_no = serializers.CharField(max_length=ACCOUNT_NO_LENGTH)
    served_on = DateInput(help_text="the day the notice was served (also days earlier, from paper)")
    mode = serializers.ChoiceField(choices=NoticeMode.choices)
    amount_demanded = serializers.DecimalField(**MONEY, min_value=0)


class NoticeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    account_no = serializers.CharField(source="consumer.account_no")
    served_on = serializers.DateField()
    mode = serializers.CharField()
    amount_demanded = serializers.DecimalField(**MONEY)
    time_barred_amount = serializers.DecimalField(
        **MONEY, help_text="s. 56(2): the part of the arrears first due more than two years before service")
    lawful_from = serializers.DateField(help_text="the first day a disconnection on this notice is lawful")
    recorded_by = serializers.CharField(source="recorded_by.username")
    created_at = serializers.DateTimeField()


class NoticeListInput(serializers.Serializer):
    account_no = serializers.CharField(required=False, allow_blank=True, max_length=ACCOUNT_NO_LENGTH)


@extend_schema(tags=["notices"])
class NoticeListCreateApi(generics.ListAPIView):
    """Notices served: `GET` lists them (newest first, of one consumer with `account_no`); `POST` records one.

    An officer or clerk of the division records a notice when it is served, or days later from paper.
    A disconnection is lawful from the 16th day after service (`lawful_from`).
    """

    permission_classes = DRIVES_PERMISSIONS

    serializer_class = NoticeOutput

    @extend_schema(parameters=[OpenApiParameter("account_no", str, description="the consumer's account no.")],
                   responses=responses({200: NoticeOutput(many=True)}, name="NoticeList", statuses=(400, 401, 403)))
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
                   responses=responses({201: NoticeOutput}, name="NoticeCreate", codes=NOTICE_CODES, idempotent=True))
    def post(self, request):
        _require(may_record_notice(request.user), "only officers, clerks and IT record notices")
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
    id = serializers.IntegerField()
    account_no = serializers.CharField(source="consumer.account_no")
    name = serializers.CharField(source="consumer.name")
    address = serializers.CharField(source="consumer.address")
    phone = serializers.CharField(source="consumer.phone")
    locality = serializers.CharField()
    clerk = serializers.CharField(source="clerk.username")
    sequence = serializers.IntegerField(help_text="the clerk's walking order, from 1")
    rank = serializers.IntegerField(help_text="the consumer's rank on the defaulter list (1: highest arrears)")
    arrears = serializers.DecimalField(**MONEY, source="live_arrears", help_text="the consumer's arrears now")
    time_barred_amount = serializers.DecimalField(
        **MONEY, help_text="s. 56(2): the part of the arrears first due more than two years ago; check it was "
                           "carried as arrears before demanding it")
    notice_valid = serializers.BooleanField(help_text="a notice makes a disconnection lawful on the drive's day")
    status = serializers.ChoiceField(choices=StopStatus.choices)
    outcome = serializers.ChoiceField(choices=Outcome.choices, allow_null=True, help_text="null until logged")
    method = serializers.ChoiceField(choices=DisconnectionMethod.choices, allow_null=True)
    outcome_at = serializers.DateTimeField(allow_null=True)

    def to_representation(self, stop):
        data = super().to_representation(stop)
        # The model keeps "not logged" as blank text; the contract promises null.
        data["outcome"] = stop.outcome or None
        data["method"] = stop.method or None
        return data


class DriveOutput(serializers.Serializer):
    id = serializers.IntegerField()
    division = serializers.CharField(source="division.code")
    date = serializers.DateField()
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=DriveStatus.choices)
    officer = serializers.CharField(source="officer.username")
    clerks = serializers.SerializerMethodField(help_text="the clerks' usernames")
    min_arrears = serializers.DecimalField(**MONEY)
    locality = serializers.CharField()
    max_stops = serializers.IntegerField()
    defaulter_list = serializers.IntegerField(source="defaulter_list_id", allow_null=True)
    created_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)

    def get_clerks(self, drive) -> list[str]:
        return [clerk.username for clerk in drive.clerks.all()]  # prefetched in username order


class DrivePlanOutput(DriveOutput):
    stops = StopOutput(many=True, source="planned_stops")


class ClerkProgressOutput(serializers.Serializer):
    clerk = serializers.CharField()
    clerk_name = serializers.CharField()
    done = serializers.IntegerField()
    left = serializers.IntegerField()


class DriveProgressOutput(serializers.Serializer):
    clerks = ClerkProgressOutput(many=True)
    stops = serializers.IntegerField()
    left = serializers.IntegerField(help_text="stops still open")
    settled = serializers.IntegerField(help_text="stops settled by a payment (at the counter, online or on the spot)")
    outcomes = serializers.DictField(child=serializers.IntegerField(), help_text="stops per outcome")
    disconnections = serializers.IntegerField()
    payments = serializers.IntegerField(help_text="payments taken at this drive's stops (paid on the spot)")
    collected = serializers.DecimalField(**MONEY, help_text="their amount")


class DriveDetailOutput(DriveOutput):
    progress = DriveProgressOutput(source="progress_now")


class DriveInput(serializers.Serializer):
    division = serializers.CharField(max_length=DIVISION_CODE_LENGTH, help_text="division code, e.g. RTP")
    date = DateInput()
    name = serializers.CharField(max_length=Drive._meta.get_field("name").max_length)
    min_arrears = serializers.DecimalField(**MONEY, min_value=0)
    locality = serializers.CharField(required=False, allow_blank=True,
                                     max_length=Drive._meta.get_field("locality").max_length,
                                     help_text="only addresses containing this text (any case)")
    clerks = serializers.ListField(child=serializers.CharField(max_length=USERNAME_LENGTH), min_length=1,
                                   max_length=MAX_CLERKS, help_text="the clerks' usernames; stops are split among "
                                                                    "them by locality")
    max_stops = serializers.IntegerField(min_value=1, max_value=MAX_STOPS)


class DriveListInput(serializers.Serializer):
    division = serializers.CharField(required=False, allow_blank=True, max_length=DIVISION_CODE_LENGTH)
    date = DateInput(required=False)
    status = serializers.ChoiceField(choices=DriveStatus.choices, required=False, allow_blank=True)


def _drive_queryset(drives):
    return drives.select_related("division", "officer").prefetch_related(
        Prefetch("clerks", queryset=User.objects.order_by("username")))


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
    ], responses=responses({200: DriveOutput(many=True)}, name="DriveList", statuses=(400, 401, 403)))
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
                   responses=responses({201: DrivePlanOutput}, name="DrivePlan", codes=DRIVE_CODES, idempotent=True))
    def post(self, request):
        _require(may_plan_drive(request.user), "only officers and IT plan drives")
        return idempotent(request, operation="drives.create", handler=lambda: self._create(request))

    def _create(self, request) -> Response:
        data = DriveInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        division = divisions_visible_to(request.user).filter(code=values["division"]).first()
        if division is None:
            raise NotFound(f"no division {values['division']} of yours")
        usernames = list(dict.fromkeys(values["clerks"]))  # each once, in the order given
        found = {u.username: u for u in users_visible_to(request.user).filter(username__in=usernames)}
        unknown = [name for name in usernames if name not in found]
        if unknown:
            raise ValidationError({"clerks": [f"no user {name!r} in your division" for name in unknown]})
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
               responses=responses({200: StopOutput(many=True)}, name="StopList", statuses=(400, 401, 403, 404)))
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
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    method = serializers.ChoiceField(choices=DisconnectionMethod.choices, required=False, allow_blank=True,
                                     help_text="how the supply was cut; required for disconnected")
    notes = notes_field()
    latitude = CoordinateInput(limit=90, required=False, allow_null=True)
    longitude = CoordinateInput(limit=180, required=False, allow_null=True)
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
                   responses=responses({200: StopOutput}, name="StopOutcome", codes=OUTCOME_CODES, idempotent=True))
    def post(self, request, pk: int, stop_id: int):
        _require(may_log_outcome(request.user), "only clerks, officers and IT log outcomes")
        # The stop is part of the operation: one key reused on another stop is another request.
        return idempotent(request, operation=f"stops.outcome.{stop_id}",
                          handler=lambda: self._log(request, pk, stop_id))

    def _log(self, request, pk: int, stop_id: int) -> Response:
        drive = drive_get(request.user, pk)
        stop = stops_visible_to(request.user).filter(drive=drive, pk=stop_id).first()
        if stop is None:
            raise NotFound("no such stop of yours on this drive")
        data = OutcomeInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            stop = stop_outcome_log(user=request.user, stop=stop, outcome=values["outcome"],
                                    method=values.get("method", ""), notes=values.get("notes", ""),
                                    latitude=values.get("latitude"), longitude=values.get("longitude"),
                                    photo=values.get("photo"), source=Source.API)
        except ObjectDoesNotExist:  # the consumer moved to another division since the stop was read
            raise NotFound("no such stop of yours on this drive") from None
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from None
        stop = stops_of_drive(request.user, drive).get(pk=stop.pk)
        return Response(StopOutput(stop).data, status=status.HTTP_200_OK)


# --- reconnections ------------------------------------------------------------------------------------------

class ReconnectionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    account_no = serializers.CharField(source="consumer.account_no")
    name = serializers.CharField(source="consumer.name")
    address = serializers.CharField(source="consumer.address")
    phone = serializers.CharField(source="consumer.phone")
    status = serializers.ChoiceField(choices=ReconnectionStatus.choices)
    overdue = serializers.SerializerMethodField(help_text="open past its due time")
    ordered_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    minimum = serializers.DecimalField(**MONEY, help_text="the reconnection minimum")
    paid = serializers.DecimalField(**MONEY, help_text="paid since the disconnection")
    approved_by = serializers.CharField(source="approved_by.username", allow_null=True, default=None,
                                        help_text="the officer who approved it below the minimum")
    approval_reason = serializers.CharField()
    done_at = serializers.DateTimeField(allow_null=True)
    done_by = serializers.CharField(source="done_by.username", allow_null=True, default=None)
    notes = serializers.CharField()

    def get_overdue(self, order) -> bool:
        return order.status == ReconnectionStatus.OPEN and order.due_at < timezone.now()


class ReconnectionListInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=RECONNECTION_FILTERS, required=False, allow_blank=True)


@extend_schema(tags=["reconnections"], parameters=[
    OpenApiParameter("status", str, enum=list(RECONNECTION_FILTERS),
                     description="open, overdue (open past its due time) or done; all when absent"),
], responses=responses({200: ReconnectionOutput(many=True)}, name="ReconnectionList", statuses=(400, 401, 403)))
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
    notes = notes_field()


@extend_schema(tags=["reconnections"])
class ReconnectionDoneApi(APIView):
    """Supply restored: the order is done, the reconnection charge goes to the ledger, the consumer is
    connected again."""

    permission_classes = DRIVES_PERMISSIONS

    @extend_schema(request=ReconnectionDoneInput, parameters=[IDEMPOTENCY_KEY],
                   responses=responses({200: ReconnectionOutput}, name="ReconnectionDone", codes=RECONNECTION_CODES,
                                       idempotent=True))
    def post(self, request, pk: int):
        _require(may_reconnect(request.user), "only clerks, officers and IT reconnect")
        return idempotent(request, operation=f"reconnections.done.{pk}", handler=lambda: self._done(request, pk))

    def _done(self, request, pk: int) -> Response:
        order = reconnections_visible_to(request.user).filter(pk=pk).first()
        if order is None:
            raise NotFound("no such reconnection order in your division")
        data = ReconnectionDoneInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            order = reconnection_done(user=request.user, order=order, reconnected_at=values.get("reconnected_at"),
                                      notes=values.get("notes", ""), source=Source.API)
        except ObjectDoesNotExist:  # the consumer moved to another division since the order was read
            raise NotFound("no such reconnection order in your division") from None
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from None
        return Response(ReconnectionOutput(order).data, status=status.HTTP_200_OK)


# --- disputes -----------------------------------------------------------------------------------------------

class DisputeInput(serializers.Serializer):
    account_no = serializers.CharField(max_length=ACCOUNT_NO_LENGTH)
    raised_on = DateInput()
    amount_disputed = serializers.DecimalField(**MONEY, min_value=0)
    deposit_amount = serializers.DecimalField(**MONEY, min_value=0, required=False, default=Decimal("0.00"),
                                              help_text="deposited under protest")
    deposit_receipt_no = serializers.CharField(required=False, allow_blank=True, max_length=40)
    notes = notes_field()


class DisputeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    account_no = serializers.CharField(source="consumer.account_no")
    raised_on = serializers.DateField()
    amount_disputed = serializers.DecimalField(**MONEY)
    deposit_amount = serializers.DecimalField(**MONEY)
    deposit_receipt_no = serializers.CharField()
    deposit_required = serializers.DecimalField(
        **MONEY, help_text="s. 56(1): the lesser of the sum disputed and the average monthly bill of the last six "
                           "months")
    holds_disconnection = serializers.BooleanField(help_text="open with its deposit made: no disconnection")
    status = serializers.CharField()
    notes = serializers.CharField()
    resolved_on = serializers.DateField(allow_null=True)
    resolution = serializers.CharField()
    recorded_by = serializers.CharField(source="recorded_by.username")
    resolved_by = serializers.CharField(source="resolved_by.username", allow_null=True, default=None)


@extend_schema(tags=["disputes"])
class DisputeCreateApi(APIView):
    """Record a consumer's bill dispute (officers and IT). While it is open with its deposit under protest
    made, a disconnection is refused (409 dispute_pending)."""

    permission_classes = DRIVES_PERMISSIONS

    @extend_schema(request=DisputeInput, parameters=[IDEMPOTENCY_KEY],
                   responses=responses({201: DisputeOutput}, name="DisputeCreate", codes=DISPUTE_CODES,
                                       idempotent=True))
    def post(self, request):
        _require(may_record_dispute(request.user), "only officers and IT record disputes")
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
    resolved_on = DateInput()
    resolution = serializers.CharField(max_length=2000, help_text="what was decided")
    notes = notes_field()


@extend_schema(tags=["disputes"])
class DisputeResolveApi(APIView):
    """Resolve a dispute (officers and IT): the hold on disconnection ends."""

    permission_classes = DRIVES_PERMISSIONS

    @extend_schema(request=DisputeResolveInput, parameters=[IDEMPOTENCY_KEY],
                   responses=responses({200: DisputeOutput}, name="DisputeResolve", codes=RESOLVE_CODES,
                                       idempotent=True))
    def post(self, request, pk: int):
        _require(may_record_dispute(request.user), "only officers and IT resolve disputes")
        return idempotent(request, operation=f"disputes.resolve.{pk}", handler=lambda: self._resolve(request, pk))

    def _resolve(self, request, pk: int) -> Response:
        dispute = disputes_visible_to(request.user).filter(pk=pk).first()
        if dispute is None:
            raise NotFound("no such dispute in your division")
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
