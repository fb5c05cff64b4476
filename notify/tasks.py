from celery import shared_task
from django.conf import settings

from notify.backends import TransientSendError
from notify.services import message_send, messages_fan_out, messages_requeue_stale


@shared_task(name="notify.message_send", bind=True, autoretry_for=(TransientSendError,),
             retry_backoff=True, retry_backoff_max=600, retry_jitter=True, max_retries=settings.NOTIFY_MAX_RETRIES,
             rate_limit=settings.NOTIFY_RATE_LIMIT, acks_late=True,
             # Nobody waits for its result (the message row is the record): publishing one then costs no
             # subscription to a result channel, which made queueing a drive's 5,000 messages take 16 s.
             ignore_result=True)
def message_send_task(self, message_id: int) -> str:
    """One message to its gateway; a transient failure retried with backoff, the last attempt fails it."""
    return message_send(message_id=message_id, final=self.request.retries >= self.max_retries)


@shared_task(name="notify.messages_requeue_stale")
def messages_requeue_stale_task() -> int:
    return messages_requeue_stale()


@shared_task(name="notify.messages_fan_out", ignore_result=True)
def messages_fan_out_task(message_ids: list[int]) -> None:
    messages_fan_out(message_ids=message_ids)
