from celery import shared_task

from core.dates import india_today
from drives.notices import notice_reminders_send


@shared_task(name="drives.notice_reminders_send")
def notice_reminders_send_task() -> int:
    """The morning's reminders: consumers whose unpaid notice permits a cut in NOTICE_REMINDER_DAYS."""
    return notice_reminders_send(on=india_today())
