"""Writes of messages: queueing one (on commit), sending it (the task), a delivery receipt, the sweep.

A message is written in the same transaction as what it belongs to (a notice, a payment) and published to the
task queue only when that commits (core.outbox): a rolled-back notice sends nothing. With Redis down the row is
written and stays queued; the sweep (every minute, beat) queues it again, so it goes out when the broker returns.
"""

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from arrears.models import Consumer
from core.errors import DomainError
from core.money import format_inr
from core.outbox import task_queue_on_commit, tasks_queue_on_commit
from notify.backends import PermanentSendError, TransientSendError, backend_for
from notify.models import STATUS_RANK, DeliveryReceipt, Message, MessageStatus
from notify.texts import dlt_template_id, template_render

logger = logging.getLogger(__name__)

# An Indian mobile number: 10 digits from 6 to 9, with or without +91, 91 or 0 before it (landlines get no SMS).
MOBILE = re.compile(r"^(?:\+?91|0)?([6-9]\d{9})$")
# A message still queued this long after it was last handed to the queue is handed again by the sweep.
REQUEUE_AFTER = timedelta(minutes=1)
ERROR_LENGTH = 300
# More messages than this at once are handed to the worker in one task that queues each (messages_fan_out).
FAN_OUT_FROM = 50


def mobile_number(phone: str) -> str:
    """The 10-digit mobile number in ``phone`` ("+91 98390-12345" → "9839012345"); "" when it is none."""
    match = MOBILE.match(re.sub(r"[\s\-()]", "", phone or ""))
    return match.group(1) if match else ""


@dataclass(frozen=True)
class MessageSpec:
    """One message to write: to ``consumer``, from ``template`` with ``variables``, belonging to a record."""

    consumer: Consumer
    template: str
    variables: dict
    belongs_to_kind: str
    belongs_to_id: int


def _message_for(spec: MessageSpec, *, created_by: User | None, channel: str, language: str,
                 now: datetime) -> Message | None:
    if not mobile_number(spec.consumer.phone):
        return None
    variables = {key: str(value) for key, value in spec.variables.items()}
    return Message(consumer=spec.consumer, phone=spec.consumer.phone, channel=channel, template=spec.template,
                   language=language, variables=variables,
                   text=template_render(template=spec.template, language=language, variables=variables),
                   dlt_template_id=dlt_template_id(template=spec.template, language=language),
                   belongs_to_kind=spec.belongs_to_kind, belongs_to_id=spec.belongs_to_id,
                   status=MessageStatus.QUEUED, queued_at=now, created_by=created_by)


def message_queue(*, consumer: Consumer, template: str, variables: dict, belongs_to_kind: str, belongs_to_id: int,
                  created_by: User | None = None) -> Message | None:
    """Writes one message to the consumer's mobile number and sends it once the transaction commits.

    None when the consumer has no mobile number (nothing is written: the caller counts who could not be told).
    """
    message = _message_for(MessageSpec(consumer, template, variables, belongs_to_kind, belongs_to_id),
                           created_by=created_by, channel=settings.NOTIFY_CHANNEL,
                           language=settings.NOTIFY_LANGUAGE, now=timezone.now())
    if message is None:
        return None
    message.save()
    from notify.tasks import message_send_task

    # Refused (Redis down): the row stays queued and the sweep queues it again.
    task_queue_on_commit(message_send_task, args=[message.pk])
    return message


def messages_queue_bulk(*, specs: list[MessageSpec], created_by: User | None = None) -> list[Message]:
    """Many messages at once (a drive's notices): one INSERT, their tasks published after the commit over one
    connection. Returns the messages written; a consumer without a mobile number has none."""
    now = timezone.now()
    messages = [m for m in (_message_for(spec, created_by=created_by, channel=settings.NOTIFY_CHANNEL,
                                         language=settings.NOTIFY_LANGUAGE, now=now) for spec in specs)
                if m is not None]
    Message.objects.bulk_create(messages)
    from notify.tasks import message_send_task, messages_fan_out_task

    if len(messages) > FAN_OUT_FROM:
        # A drive's thousands: the request publishes one task and the worker publishes one per message, so the
        # officer's page answers at once. Refused (Redis down): the rows stay queued for the sweep.
        task_queue_on_commit(messages_fan_out_task, args=[[m.pk for m in messages]])
    else:
        tasks_queue_on_commit(message_send_task, arg_lists=[[m.pk] for m in messages])
    return messages


def messages_fan_out(*, message_ids: list[int]) -> None:
    """The worker's half of a bulk queueing: one send task per message still queued (published at once: this
    runs outside any transaction)."""
    from notify.tasks import message_send_task

    tasks_queue_on_commit(message_send_task, arg_lists=[[pk] for pk in message_ids])


def message_send(*, message_id: int, final: bool = False) -> str:
    """Hands a queued message to its gateway: sent, with the gateway's id; or failed when the gateway refuses it
    (or, ``final``, on the last attempt). Raises TransientSendError for the task to retry. A message no longer
    queued (a redelivered task, one queued twice by the sweep) is left alone: it is never sent twice.

    The row is locked while the gateway is called, so a twin task waits and then finds it sent.
    """
    retry = None
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status != MessageStatus.QUEUED:
            return message.status if message is not None else ""
        message.attempts += 1
        now = timezone.now()
        try:
            message.gateway_message_id = backend_for(message.channel).send(message)
        except TransientSendError as exc:
            message.last_error = str(exc)[:ERROR_LENGTH]
            if final:
                message.status, message.failed_at = MessageStatus.FAILED, now
            else:
                retry = exc
        except PermanentSendError as exc:
            message.last_error = str(exc)[:ERROR_LENGTH]
            message.status, message.failed_at = MessageStatus.FAILED, now
        else:
            message.status, message.sent_at = MessageStatus.SENT, now
        message.save(update_fields=["attempts", "gateway_message_id", "last_error", "status", "sent_at",
                                    "failed_at"])
    if retry is not None:
        raise retry
    return message.status


def messages_requeue_stale(*, now: datetime | None = None, limit: int = 5000) -> int:
    """Queues again every message still queued REQUEUE_AFTER after it was last queued (Redis was down when it was
    written; its task was lost). Returns how many were handed to the queue (0 while Redis is still down)."""
    now = now or timezone.now()
    with transaction.atomic():
        # message_queued (partial, status = queued): the sweep reads only the few waiting.
        ids = list(Message.objects.select_for_update(skip_locked=True)
                   .filter(status=MessageStatus.QUEUED, queued_at__lt=now - REQUEUE_AFTER)
                   .order_by("queued_at").values_list("pk", flat=True)[:limit])
        if not ids:
            return 0
        Message.objects.filter(pk__in=ids).update(queued_at=now)
        queued = {"n": len(ids)}

        def refused(done: int) -> None:
            queued["n"] = done
            # Those not handed over wait for the next sweep, not another minute after this one.
            Message.objects.filter(pk__in=ids[done:], status=MessageStatus.QUEUED).update(
                queued_at=now - REQUEUE_AFTER)

        from notify.tasks import message_send_task

        tasks_queue_on_commit(message_send_task, arg_lists=[[pk] for pk in ids], on_refused=refused)
    return queued["n"]


# --- delivery receipts -----------------------------------------------------------------------------------------

RECEIPT_STATUSES = {"sent": MessageStatus.SENT, "delivered": MessageStatus.DELIVERED,
                    "failed": MessageStatus.FAILED, "undelivered": MessageStatus.FAILED}
RECEIPT_STATUS_CHOICES = [(status, status) for status in sorted(RECEIPT_STATUSES)]


@dataclass(frozen=True)
class ReceiptOutcome:
    receipt: DeliveryReceipt
    replayed: bool


def receipt_record(*, receipt_id: str, gateway_message_id: str, status: str, reported_at: datetime | None = None,
                   error: str = "") -> ReceiptOutcome:
    """Records one delivery receipt from the gateway (its signature already checked) and moves its message's
    status forward: queued → sent → delivered or failed, never back (a late "sent" after "delivered" is kept but
    changes nothing). A receipt id seen before is a replay: nothing changes and the first record is returned.

    Raises DomainError ``unknown_message`` for a gateway id no message has (nothing is written: the gateway may
    retry it once our send has committed), ``invalid_status`` for a status it does not know.
    """
    if status not in RECEIPT_STATUSES:
        raise DomainError(f"one of {', '.join(RECEIPT_STATUSES)}", code="invalid_status", field="status")
    new_status = RECEIPT_STATUSES[status]
    seen = DeliveryReceipt.objects.filter(receipt_id=receipt_id).first()
    if seen is not None:
        return ReceiptOutcome(seen, True)
    try:
        with transaction.atomic():
            message = Message.objects.select_for_update().filter(gateway_message_id=gateway_message_id).first()
            if message is None or not gateway_message_id:
                raise DomainError(f"no message {gateway_message_id}", code="unknown_message", field="message_id")
            at = reported_at or timezone.now()
            applied = STATUS_RANK[new_status] > STATUS_RANK[message.status]
            if applied:
                message.status = new_status
                if new_status == MessageStatus.SENT:
                    message.sent_at = message.sent_at or at
                elif new_status == MessageStatus.DELIVERED:
                    message.delivered_at = at
                else:
                    message.failed_at, message.last_error = at, (error or "undelivered")[:ERROR_LENGTH]
                message.save(update_fields=["status", "sent_at", "delivered_at", "failed_at", "last_error"])
            receipt = DeliveryReceipt.objects.create(receipt_id=receipt_id, message=message, status=new_status,
                                                     applied=applied, reported_at=reported_at,
                                                     error=error[:ERROR_LENGTH])
    except IntegrityError:
        # The same receipt twice at the same moment: the second is the replay.
        return ReceiptOutcome(DeliveryReceipt.objects.get(receipt_id=receipt_id), True)
    return ReceiptOutcome(receipt, False)


# --- what is sent: one function per kind of message, called by the app that owns the record -------------------

def _day(value) -> str:
    return value.strftime("%d-%m-%Y")


def _moment(value) -> str:
    return timezone.localtime(value).strftime("%d-%m-%Y %H:%M")


def notice_message_queue(*, consumer: Consumer, notice_id: int, served_on, lawful_from, amount,
                         created_by: User | None) -> Message | None:
    """A section 56 notice's summary (mode sms: this message is the notice's delivery record)."""
    return message_queue(consumer=consumer, template="notice", belongs_to_kind="notice", belongs_to_id=notice_id,
                         created_by=created_by,
                         variables={"account_no": consumer.account_no, "amount": format_inr(amount),
                                    "served_on": _day(served_on), "lawful_from": _day(lawful_from)})


def notice_message_spec(*, consumer: Consumer, notice_id: int, served_on, lawful_from, amount) -> MessageSpec:
    return MessageSpec(consumer, "notice", {"account_no": consumer.account_no, "amount": format_inr(amount),
                                            "served_on": _day(served_on), "lawful_from": _day(lawful_from)},
                       "notice", notice_id)


def notice_reminder_spec(*, consumer: Consumer, notice_id: int, lawful_from, amount) -> MessageSpec:
    """The reminder a few days before a notice's lawful-from date (drives sends them nightly)."""
    return MessageSpec(consumer, "notice_reminder", {"account_no": consumer.account_no, "amount": format_inr(amount),
                                                     "lawful_from": _day(lawful_from)}, "notice", notice_id)


def payment_message_queue(*, consumer: Consumer, payment_id: int, amount, receipt_no: str, paid_at, outstanding,
                          created_by: User | None) -> Message | None:
    """The receipt after a payment: amount, receipt number, the arrears still outstanding after it."""
    return message_queue(consumer=consumer, template="payment_receipt", belongs_to_kind="payment",
                         belongs_to_id=payment_id, created_by=created_by,
                         variables={"account_no": consumer.account_no, "amount": format_inr(amount),
                                    "receipt_no": receipt_no, "paid_on": _day(timezone.localtime(paid_at)),
                                    "outstanding": format_inr(outstanding)})


def reconnection_message_queue(*, consumer: Consumer, order_id: int, due_at=None, reconnected_at=None,
                               created_by: User | None) -> Message | None:
    """The reconnection order (``due_at``) or its completion (``reconnected_at``)."""
    if reconnected_at is not None:
        return message_queue(consumer=consumer, template="reconnection_done", belongs_to_kind="reconnection",
                             belongs_to_id=order_id, created_by=created_by,
                             variables={"account_no": consumer.account_no, "reconnected_at": _moment(reconnected_at)})
    return message_queue(consumer=consumer, template="reconnection_order", belongs_to_kind="reconnection",
                         belongs_to_id=order_id, created_by=created_by,
                         variables={"account_no": consumer.account_no, "due_at": _moment(due_at)})
