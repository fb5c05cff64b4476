"""REST API: a drive's stops for its clerks, and the outcome logged at one."""

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import may_log_outcome
from core.api_docs import IDEMPOTENCY_KEY, responses
from core.api_fields import CoordinateInput, DateTimeInput, notes_field
from core.idempotency import idempotent
from core.models import Source
from drives.api.common import (
    DRIVES_PERMISSIONS,
    METHOD_HELP,
    OUTCOME_HELP,
    require,
)
from drives.api.drives import STOP_EXAMPLE, StopOutput
from drives.models import (
    DisconnectionMethod,
    Outcome,
    StopStatus,
)
from drives.selectors import (
    drive_get,
    stops_of_drive_for_field,
    stops_visible_to,
)
from drives.services import stop_outcome_log

# The operation's refusals (409 codes), as its service raises them: documented in the schema. Amounts of zero
# or less are not among them: AmountInput answers them 400 on the amount's field.
OUTCOME_CODES = (
    "invalid_outcome", "method_required", "invalid_method", "invalid_notes", "invalid_position", "invalid_photo",
    "invalid_date", "before_drive_date", "stop_closed", "payment_required",
    # Section 56 and the consumer's state, for a disconnection.
    "protected_consumer", "already_disconnected", "notice_required", "dispute_pending", "settled", "balance_overflow",
    "notice_satisfied", "before_reconnection", "settlement_current",
)
SETTLEMENT_CURRENT = {"code": "settlement_current",
                      "detail": "In OTS (OTS-RTP-000001): do not cut while it is kept"}
NOTICE_SATISFIED = {"code": "notice_satisfied",
                    "detail": "the consumer has paid the ₹19,042.00 demanded by the notice of 16.11.2026; serve a new "
                              "notice"}


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
        stops = stops_of_drive_for_field(self.request.user, drive)
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
    at = DateTimeInput(required=False, allow_null=True,
                       help_text="when it happened, ISO 8601 with its offset (the phone's time when the button was "
                                 "pressed, so an outcome sent later from the offline queue keeps it); default now. "
                                 "At most 5 minutes ahead of the server (409 invalid_date), not before the drive's "
                                 "day in India (409 before_drive_date), a cut not before the consumer's last "
                                 "reconnection (409 before_reconnection)")


@extend_schema(tags=["drives"])
class StopOutcomeApi(APIView):
    """Log what happened at a stop: the clerk of the stop, or an officer or IT of the division.

    A disconnection needs a notice served at least 15 clear days before (409 notice_required) whose demand the
    consumer has not paid since (409 notice_satisfied: the notice is spent), no pending
    dispute with its deposit (409 dispute_pending), an unprotected consumer (409 protected_consumer), no
    settlement being kept (409 settlement_current: registered in a One Time Settlement scheme or on an
    instalment plan, or promised to pay by a day not yet past; the detail names the reference or the day) and
    arrears still over the threshold (409 settled: the consumer has paid). It adds the disconnection charge
    to the ledger. A payment on the spot is `POST payments/` with `drive_stop`: it logs `paid` itself when it
    meets the rule (409 payment_required here); a part payment leaves the stop open.
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
                       "latitude": "26.449923", "longitude": "80.331874", "at": "2026-12-03T10:42:09+05:30"},
                       request_only=True),
                             OpenApiExample("cable removed", value={
                                 **STOP_EXAMPLE, "status": "done", "outcome": "disconnected", "method": "cable_removed",
                                 "outcome_at": "2026-12-03T10:42:09+05:30"}, response_only=True, status_codes=["200"]),
                             OpenApiExample("refused: notice_satisfied", value=NOTICE_SATISFIED, response_only=True,
                                            status_codes=["409"]),
                             OpenApiExample("refused: settlement_current", value=SETTLEMENT_CURRENT,
                                            response_only=True, status_codes=["409"])])
    def post(self, request, pk: int, stop_id: int):
        require(may_log_outcome(request.user), _("only clerks, officers and IT log outcomes"))
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
                                    photo=values.get("photo"), at=values.get("at"), source=Source.API)
        except ObjectDoesNotExist:  # the consumer moved to another division since the stop was read
            raise NotFound(_("no such stop of yours on this drive")) from None
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from None
        stop = stops_of_drive_for_field(request.user, drive).get(pk=stop.pk)
        return Response(StopOutput(stop, context={"request": request}).data, status=status.HTTP_200_OK)
