"""Messages sent to consumers (SMS, WhatsApp) and the gateway's delivery receipts for them.

A message names what it belongs to by a kind and an id (a notice, a payment, a reconnection order, a
settlement): those records live in apps above this one, which call it; notify never reads them. The consumer is a
real foreign key, so the consumer's page and the division's scoping reach a message directly.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from arrears.models import Consumer


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    SENT = "sent", _("sent")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("failed")


# A status only moves forward: a late receipt ("sent" after "delivered") changes nothing. Delivered and failed are
# both final; a gateway that reports "failed" after "delivered" (or the reverse) is not believed over the first.
STATUS_RANK = {MessageStatus.QUEUED: 0, MessageStatus.SENT: 1, MessageStatus.DELIVERED: 2, MessageStatus.FAILED: 2}


class Template(models.TextChoices):
    """The messages there are (their texts: notify/texts.py)."""

    NOTICE = "notice", _("section 56 notice")
    NOTICE_REMINDER = "notice_reminder", _("reminder before disconnection")
    PAYMENT_RECEIPT = "payment_receipt", _("payment receipt")
    RECONNECTION_ORDER = "reconnection_order", _("reconnection order")
    RECONNECTION_DONE = "reconnection_done", _("reconnection done")


class BelongsTo(models.TextChoices):
    NOTICE = "notice", _("notice")
    PAYMENT = "payment", _("payment")
    RECONNECTION = "reconnection", _("reconnection order")
    SETTLEMENT = "settlement", _("settlement")


class Message(models.Model):
    consumer = models.ForeignKey(Consumer, verbose_name=_("consumer"), on_delete=models.PROTECT,
                                 related_name="messages")
    # The number it was sent to, as it was then: the consumer's phone may change after.
    phone = models.CharField(_("phone"), max_length=15)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    template = models.CharField(_("template"), max_length=40, choices=Template.choices)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    text = models.TextField(_("text"))
    # The template's variables by name, as rendered: a DLT gateway and WhatsApp are sent these, not the text.
    variables = models.JSONField(_("variables"), default=dict)
    # TRAI's DLT rules: a gateway refuses a message whose registered template id it is not given.
    dlt_template_id = models.CharField(_("DLT template id"), max_length=40, blank=True, default="")
    belongs_to_kind = models.CharField(_("belongs to"), max_length=15, choices=BelongsTo.choices)
    belongs_to_id = models.BigIntegerField(_("belongs to id"))
    status = models.CharField(_("status"), max_length=10, choices=MessageStatus.choices,
                              default=MessageStatus.QUEUED)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # When it was last handed to the task queue: the sweep queues again a message still queued a minute later
    # (Redis was down when it was written, or its task was lost).
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)
    gateway_message_id = models.CharField(_("gateway message id"), max_length=100, blank=True, default="")
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            # A receipt names the gateway's id: one message per id.
            models.UniqueConstraint(fields=["gateway_message_id"], condition=~Q(gateway_message_id=""),
                                    name="message_gateway_id_unique"),
        ]
        indexes = [
            # The consumer's delivery trail, newest first (the consumer page, GET messages/?account_no=).
            models.Index(fields=["consumer", "-created_at"], name="message_consumer_created"),
            # The trail of one notice or payment.
            models.Index(fields=["belongs_to_kind", "belongs_to_id"], name="message_belongs_to"),
            # The sweep: the few still queued (a partial index, empty in a healthy system).
            models.Index(fields=["queued_at"], condition=Q(status="queued"), name="message_queued"),
            # "Is this number verified?": a delivered message to it.
            models.Index(fields=["consumer", "phone"], condition=Q(status="delivered"), name="message_delivered"),
        ]

    def __str__(self) -> str:
        return (f"{self.get_channel_display()} {self.phone} · {self.get_template_display()} · "
                f"{self.get_status_display()}")


class DeliveryReceipt(models.Model):
    """One delivery receipt the gateway posted, kept once: the same receipt id again is a replay."""

    receipt_id = models.CharField(_("receipt id"), max_length=100, unique=True)
    message = models.ForeignKey(Message, verbose_name=_("message"), null=True, on_delete=models.PROTECT,
                                related_name="receipts")
    status = models.CharField(_("status"), max_length=10, choices=MessageStatus.choices)
    # Whether it moved the message's status (a late or unknown one did not).
    applied = models.BooleanField(_("applied"), default=False)
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    error = models.CharField(_("error"), max_length=300, blank=True, default="")

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("delivery receipt")
        verbose_name_plural = _("delivery receipts")
