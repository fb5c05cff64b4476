"""REST API: reconnection orders, listed and marked done."""

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import may_reconnect
from core.api_docs import IDEMPOTENCY_KEY, responses
from core.api_fields import DateTimeInput, notes_field
from core.idempotency import idempotent
from core.models import MONEY, Source
from drives.api.common import (
    ACCOUNT_NO_HELP,
    ADDRESS_HELP,
    DRIVES_PERMISSIONS,
    NAME_HELP,
    PHONE_HELP,
    require,
)
from drives.models import ReconnectionStatus
from drives.reconnections import reconnection_done
from drives.selectors import (
    RECONNECTION_FILTERS,
    reconnections_visible_to,
)

# The operation's refusals (409 codes), as its service raises them: documented in the schema. Amounts of zero
# or less are not among them: AmountInput answers them 400 on the amount's field.
RECONNECTION_CODES = ("invalid_status", "invalid_date", "balance_overflow")



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
        require(may_reconnect(request.user), _("only clerks, officers and IT reconnect"))
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
