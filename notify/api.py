"""REST API: a consumer's messages, and the gateway's delivery receipts (DESIGN.md, REST API)."""

import hashlib
import hmac
import json
import time
from datetime import UTC, datetime

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api_docs import responses
from notify.models import BelongsTo, Channel, MessageStatus
from notify.selectors import messages_visible_to
from notify.services import RECEIPT_STATUS_CHOICES, receipt_record

SIGNATURE_HEADER = "X-KESCO-Signature"
TIMESTAMP_HEADER = "X-KESCO-Timestamp"
ACCOUNT_NO_LENGTH = 12


class MessageOutput(serializers.Serializer):
    id = serializers.IntegerField(help_text="the message's id")
    account_no = serializers.CharField(source="consumer.account_no", help_text="the consumer's account no.")
    phone = serializers.CharField(help_text="the number it was sent to, as it was then")
    channel = serializers.ChoiceField(choices=Channel.choices, help_text="sms or whatsapp")
    template = serializers.CharField(help_text="which message: notice, payment_receipt, reconnection_order, "
                                               "reconnection_done")
    language = serializers.CharField(help_text="hi or en")
    text = serializers.CharField(help_text="the text as sent")
    belongs_to_kind = serializers.ChoiceField(choices=BelongsTo.choices, help_text="the kind of record it is about")
    belongs_to_id = serializers.IntegerField(help_text="that record's id (a notice's, a payment's, …)")
    status = serializers.ChoiceField(choices=MessageStatus.choices,
                                     help_text="queued → sent → delivered or failed (from the gateway's receipts)")
    created_at = serializers.DateTimeField(help_text="when it was written")
    sent_at = serializers.DateTimeField(allow_null=True, help_text="when the gateway took it")
    delivered_at = serializers.DateTimeField(allow_null=True, help_text="when the gateway reported it delivered")
    failed_at = serializers.DateTimeField(allow_null=True, help_text="when it failed")
    attempts = serializers.IntegerField(help_text="tries to hand it to the gateway")


class MessageListInput(serializers.Serializer):
    account_no = serializers.CharField(required=False, allow_blank=True, max_length=ACCOUNT_NO_LENGTH)


MESSAGE_EXAMPLE = {"id": 88120, "account_no": "01234567", "phone": "9839012345", "channel": "sms",
                   "template": "payment_receipt", "language": "hi",
                   "text": "केस्को: खाता 01234567 हेतु ₹5,000.00 का भुगतान 16-11-2026 को प्राप्त, रसीद सं. R-9। शेष बकाया: "
                           "₹15,000.00। -KESCO",
                   "belongs_to_kind": "payment", "belongs_to_id": 51230, "status": "delivered",
                   "created_at": "2026-11-16T12:40:31+05:30", "sent_at": "2026-11-16T12:40:32+05:30",
                   "delivered_at": "2026-11-16T12:40:40+05:30", "failed_at": None, "attempts": 1}


@extend_schema(tags=["messages"])
class MessageListApi(generics.ListAPIView):
    """Messages sent to consumers of your division (SMS, WhatsApp), newest first; of one consumer with
    `account_no`. Each says what it belongs to and how far it got: a `delivered` one is the proof it reached the
    consumer's phone (a notice served by `sms` rests on it)."""

    serializer_class = MessageOutput

    @extend_schema(parameters=[OpenApiParameter("account_no", str, description="the consumer's account no.")],
                   responses=responses({200: MessageOutput(many=True)}, name="MessageList", statuses=(400, 401),
                                       invalid={"account_no": ["Ensure this field has no more than 12 characters."]}),
                   examples=[OpenApiExample("a payment's receipt, delivered", value=MESSAGE_EXAMPLE,
                                            response_only=True)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = MessageListInput(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        messages = messages_visible_to(self.request.user)
        if params.validated_data.get("account_no"):
            messages = messages.filter(consumer__account_no=params.validated_data["account_no"])
        return messages.order_by("-created_at", "-id")


class ReceiptInput(serializers.Serializer):
    receipt_id = serializers.CharField(max_length=100, help_text="the gateway's id of this receipt: a second "
                                                                 "receipt with it is a replay and changes nothing")
    message_id = serializers.CharField(max_length=100, help_text="the gateway's id of the message (its answer to "
                                                                 "the send)")
    status = serializers.ChoiceField(choices=RECEIPT_STATUS_CHOICES, help_text="sent, delivered, failed or "
                                                                                 "undelivered (= failed)")
    at = serializers.DateTimeField(required=False, help_text="when it happened, by the gateway")
    error = serializers.CharField(required=False, allow_blank=True, max_length=300,
                                  help_text="the gateway's reason for a failure")


class ReceiptOutput(serializers.Serializer):
    receipt_id = serializers.CharField(help_text="the receipt's id, as sent")
    message_status = serializers.ChoiceField(choices=MessageStatus.choices,
                                             help_text="the message's status after this receipt")
    applied = serializers.BooleanField(help_text="whether it moved the status (a late or replayed one did not)")
    replayed = serializers.BooleanField(help_text="whether this receipt id was seen before")


def signature_checked(request) -> bytes:
    """The raw body, when its signature is the gateway's: HMAC-SHA256 with NOTIFY_RECEIPT_SECRET over
    ``<timestamp>.<body>``, hex, in X-KESCO-Signature (``sha256=`` before it allowed), the timestamp (Unix
    seconds) in X-KESCO-Timestamp within NOTIFY_RECEIPT_WINDOW of now. Anything else is 403 and nothing is read."""
    secret = settings.NOTIFY_RECEIPT_SECRET
    body = request.body
    stamp = request.headers.get(TIMESTAMP_HEADER, "")
    given = request.headers.get(SIGNATURE_HEADER, "").removeprefix("sha256=")
    if not secret or not stamp.isdigit() or not given:
        raise PermissionDenied("no valid gateway signature")
    expected = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, given):
        raise PermissionDenied("no valid gateway signature")
    if abs(time.time() - int(stamp)) > settings.NOTIFY_RECEIPT_WINDOW:
        raise PermissionDenied("the receipt's timestamp is outside the window")
    return body


RECEIPT_EXAMPLE = {"receipt_id": "dlr-7f3a91", "message_id": "gw-00042", "status": "delivered",
                   "at": "2026-11-16T12:40:40+05:30"}


@extend_schema(tags=["messages"])
class ReceiptApi(APIView):
    """The SMS or WhatsApp gateway's delivery receipt for one message: not a user's call, the gateway's.

    Signed: `X-KESCO-Timestamp` (Unix seconds, within NOTIFY_RECEIPT_WINDOW, default 300 s, of our clock) and
    `X-KESCO-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" with the shared NOTIFY_RECEIPT_SECRET>`;
    anything else is 403 and nothing changes. A receipt id seen before is answered 200 with `replayed: true` and
    changes nothing; a receipt older than the message's status (`sent` after `delivered`) is kept but does not move
    it back. A message id we do not know (yet) is 409 `unknown_message`, nothing written: send it again later.
    """

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(request=ReceiptInput, auth=[], parameters=[
        OpenApiParameter(SIGNATURE_HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
                         description="sha256=<hex HMAC-SHA256 of \"<timestamp>.<raw body>\">"),
        OpenApiParameter(TIMESTAMP_HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
                         description="Unix seconds when the gateway signed it")],
        responses=responses({200: ReceiptOutput}, name="ReceiptRecord", codes=("unknown_message",),
                            statuses=(400, 403), invalid={"status": ['"read" is not a valid choice.']},
                            refused={"code": "unknown_message", "field": "message_id",
                                     "detail": "message_id: no message gw-00042"}),
        examples=[OpenApiExample("delivered", value=RECEIPT_EXAMPLE, request_only=True)])
    def post(self, request):
        body = signature_checked(request)
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise ValidationError({"non_field_errors": ["the body is not JSON"]}) from None
        params = ReceiptInput(data=data if isinstance(data, dict) else {})
        params.is_valid(raise_exception=True)
        values = params.validated_data
        outcome = receipt_record(receipt_id=values["receipt_id"], gateway_message_id=values["message_id"],
                                 status=values["status"], reported_at=values.get("at"), error=values.get("error", ""))
        receipt = outcome.receipt
        return Response(ReceiptOutput({
            "receipt_id": receipt.receipt_id, "message_status": receipt.message.status, "applied": receipt.applied,
            "replayed": outcome.replayed}).data, status=status.HTTP_200_OK)


def receipt_signed(body: bytes, *, secret: str, at: float | None = None) -> dict[str, str]:
    """The headers a gateway sends with ``body`` (the tests' fake gateway signs with it)."""
    stamp = str(int(at if at is not None else datetime.now(UTC).timestamp()))
    signature = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return {SIGNATURE_HEADER: f"sha256={signature}", TIMESTAMP_HEADER: stamp}
