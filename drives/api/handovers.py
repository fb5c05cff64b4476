"""REST API: field handovers, a refused field record handed over by the clerk to the officer (drives.handovers)."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import may_log_outcome, may_plan_drive
from arrears.models import Consumer
from core.api_docs import IDEMPOTENCY_KEY, responses
from core.api_fields import DateTimeInput
from core.idempotency import idempotent
from core.models import Source
from drives.api.common import (
    ACCOUNT_NO_HELP,
    ACCOUNT_NO_LENGTH,
    DRIVES_PERMISSIONS,
    NAME_HELP,
    consumer_missing,
    require,
)
from drives.handovers import (
    HANDOVER_NOTES_LENGTH,
    REFUSAL_CODE_LENGTH,
    REFUSAL_DETAIL_LENGTH,
    handover_record,
    handover_resolve,
)
from drives.models import FieldHandover, HandoverKind, HandoverStatus
from drives.selectors import handovers_visible_to

HANDOVER_CODES = ("invalid_kind", "invalid_payload", "invalid_refusal", "invalid_notes", "notes_required",
                  "invalid_date", "invalid_drive_stop")
RESOLVE_CODES = ("invalid_status", "invalid_notes", "notes_required")
KIND_HELP = ("what the refused record was: outcome (POST drives/{id}/stops/{stop}/outcome/), payment (POST payments/) "
             "or reconnection (POST reconnections/{id}/done/)")
STATUS_HELP = "open (waiting for the officer) or resolved (the officer has dealt with it)"


class HandoverOutput(serializers.Serializer):
    id = serializers.IntegerField(help_text="the handover's id")
    key = serializers.UUIDField(help_text="the refused record's idempotency key")
    kind = serializers.ChoiceField(choices=HandoverKind.choices, help_text=KIND_HELP)
    status = serializers.ChoiceField(choices=HandoverStatus.choices, help_text=STATUS_HELP)
    account_no = serializers.CharField(source="consumer.account_no", help_text=ACCOUNT_NO_HELP)
    name = serializers.CharField(source="consumer.name", help_text=NAME_HELP)
    drive_stop = serializers.IntegerField(source="stop_id", allow_null=True,
                                          help_text="the stop the record was made at; null for none")
    payload = serializers.DictField(help_text="the request the server refused, as it was sent")
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True,
                                      help_text="a refused payment's amount as sent; null for another kind")
    refusal_code = serializers.CharField(help_text="the refusal's code (duplicate_receipt, drive_closed, …)")
    refusal_detail = serializers.CharField(help_text="the refusal's sentence, as the clerk saw it")
    notes = serializers.CharField(help_text="the clerk's notes for the officer")
    at = serializers.DateTimeField(help_text="when it happened in the field (the phone's time)")
    by = serializers.CharField(source="by.username", help_text="the username of who handed it over")
    created_at = serializers.DateTimeField(help_text="when it was handed over")
    resolved_by = serializers.CharField(source="resolved_by.username", allow_null=True, default=None,
                                        help_text="the username of the officer who resolved it; null while open")
    resolved_at = serializers.DateTimeField(allow_null=True, help_text="when it was resolved; null while open")
    resolution = serializers.CharField(help_text="the officer's notes on what was done; blank while open")


class HandoverInput(serializers.Serializer):
    key = serializers.UUIDField(help_text="the refused record's idempotency key (a UUID): one handover per record; "
                                          "the same key again answers the handover already made (200)")
    kind = serializers.ChoiceField(choices=HandoverKind.choices, help_text=KIND_HELP)
    account_no = serializers.CharField(max_length=ACCOUNT_NO_LENGTH, help_text=ACCOUNT_NO_HELP)
    drive_stop = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                          help_text="the stop's id, if it was made at one (409 invalid_drive_stop: "
                                                    "not a stop of this consumer of yours)")
    payload = serializers.DictField(help_text="the JSON body the server refused, an object of at most 8 KB (409 "
                                              "invalid_payload)")
    refusal_code = serializers.CharField(required=False, allow_blank=True, max_length=REFUSAL_CODE_LENGTH,
                                         help_text="the refusal's code, e.g. duplicate_receipt")
    refusal_detail = serializers.CharField(required=False, allow_blank=True, max_length=REFUSAL_DETAIL_LENGTH,
                                           help_text="the refusal's sentence, at most 500 characters")
    notes = serializers.CharField(max_length=HANDOVER_NOTES_LENGTH,
                                  help_text="the clerk's notes for the officer: required, at most 1000 characters")
    at = DateTimeInput(required=False, allow_null=True,
                       help_text="when it happened, ISO 8601 with its offset (the phone's time); default now")


class HandoverListInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=HandoverStatus.choices, required=False, allow_blank=True)


class HandoverResolveInput(serializers.Serializer):
    notes = serializers.CharField(max_length=HANDOVER_NOTES_LENGTH,
                                  help_text="what was done about it: required, at most 1000 characters")


HANDOVER_REQUEST = {
    "key": "5f0c1d8e-3b7a-4c52-9a51-0d6f2e9b7c11", "kind": "payment", "account_no": "01234567", "drive_stop": 88231,
    "payload": {"account_no": "01234567", "amount": "1500.00", "mode": "cash", "receipt_no": "RTP-2026-4",
                "drive_stop": 88231, "paid_at": "2026-12-03T11:02:40+05:30"},
    "refusal_code": "duplicate_receipt", "refusal_detail": "receipt_no: receipt RTP-2026-4 is already recorded",
    "notes": "Cash taken, receipt book copy with me", "at": "2026-12-03T11:02:40+05:30",
}
HANDOVER_EXAMPLE = {
    "id": 311, **{k: v for k, v in HANDOVER_REQUEST.items() if k != "at"}, "status": "open",
    "name": "Ramesh Chandra Tiwari", "amount": "1500.00", "at": "2026-12-03T11:02:40+05:30", "by": "clerk.rtp.sunil",
    "created_at": "2026-12-03T17:45:03+05:30", "resolved_by": None, "resolved_at": None, "resolution": "",
}


@extend_schema(tags=["drives"])
class HandoverListCreateApi(generics.ListAPIView):
    """Field handovers: a record the server refused (a duplicate receipt, a closed drive, a rule) that the clerk
    hands over to the officer with notes, so nothing done in the field is lost. `GET` lists them (a clerk: their
    own; an officer: the division's), newest first; `POST` hands one over (a clerk, an officer or IT of the
    consumer's division)."""

    permission_classes = DRIVES_PERMISSIONS

    serializer_class = HandoverOutput

    @extend_schema(parameters=[OpenApiParameter("status", str, enum=HandoverStatus.values, description=STATUS_HELP)],
                   responses=responses({200: HandoverOutput(many=True)}, name="HandoverList",
                                       statuses=(400, 401, 403),
                                       invalid={"status": ["\"done\" is not a valid choice."]}),
                   examples=[OpenApiExample("a payment refused", value=HANDOVER_EXAMPLE, response_only=True)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = HandoverListInput(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return handovers_visible_to(self.request.user, status=params.validated_data.get("status") or None)

    @extend_schema(request=HandoverInput, parameters=[IDEMPOTENCY_KEY],
                   responses=responses({201: HandoverOutput, 200: HandoverOutput}, name="HandoverCreate",
                                       codes=HANDOVER_CODES, idempotent=True,
                                       invalid={"notes": ["This field may not be blank."]},
                                       refused={"code": "invalid_payload", "field": "payload",
                                                "detail": "the refused request is at most 8,192 bytes"}),
                   examples=[OpenApiExample("a payment refused", value=HANDOVER_REQUEST, request_only=True),
                             OpenApiExample("a payment refused", value=HANDOVER_EXAMPLE, response_only=True,
                                            status_codes=["201"])])
    def post(self, request):
        require(may_log_outcome(request.user), _("only clerks, officers and IT hand over field records"))
        return idempotent(request, operation="field-handovers.create", handler=lambda: self._create(request))

    def _create(self, request) -> Response:
        data = HandoverInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            handover, created = handover_record(
                user=request.user, key=values["key"], kind=values["kind"], account_no=values["account_no"],
                drive_stop_id=values.get("drive_stop"), payload=values["payload"],
                refusal_code=values.get("refusal_code", ""), refusal_detail=values.get("refusal_detail", ""),
                notes=values["notes"], at=values.get("at"), source=Source.API)
        except Consumer.DoesNotExist:
            raise consumer_missing(values["account_no"]) from None
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from None
        handover = handovers_visible_to(request.user).filter(pk=handover.pk).first() or handover
        return Response(HandoverOutput(handover).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


@extend_schema(tags=["drives"])
class HandoverResolveApi(APIView):
    """The officer (or IT) has dealt with a handover: it is resolved, with what was done, who and when."""

    permission_classes = DRIVES_PERMISSIONS

    @extend_schema(request=HandoverResolveInput, parameters=[IDEMPOTENCY_KEY],
                   responses=responses({200: HandoverOutput}, name="HandoverResolve", codes=RESOLVE_CODES,
                                       idempotent=True, invalid={"notes": ["This field is required."]},
                                       refused={"code": "invalid_status", "field": "status",
                                                "detail": "the handover is already resolved"}),
                   examples=[OpenApiExample("recorded from the receipt book",
                                            value={"notes": "Recorded as RTP-2026-9 from the receipt book"},
                                            request_only=True)])
    def post(self, request, pk: int):
        require(may_plan_drive(request.user), _("only officers and IT resolve handovers"))
        return idempotent(request, operation=f"field-handovers.resolve.{pk}",
                          handler=lambda: self._resolve(request, pk))

    def _resolve(self, request, pk: int) -> Response:
        handover = handovers_visible_to(request.user).filter(pk=pk).first()
        if handover is None:
            raise NotFound(_("no such handover in your division"))
        data = HandoverResolveInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            handover = handover_resolve(user=request.user, handover=handover, notes=data.validated_data["notes"],
                                        source=Source.API)
        except FieldHandover.DoesNotExist:
            raise NotFound(_("no such handover in your division")) from None
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from None
        return Response(HandoverOutput(handover).data, status=status.HTTP_200_OK)
