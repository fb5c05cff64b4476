"""Celery tasks of the reports: thin wrappers that call a service."""

from datetime import date

from celery import shared_task
from django.db import InterfaceError, OperationalError

from reports.emails import daily_summary_send

# Worth another try: the database or the mail server away for a moment (smtplib's errors are OSErrors).
# A retry after a send that failed half-way may send the summary twice to the first recipients: better
# than none at 07:00. An address the server refuses is not retried (reports.emails).
TRANSIENT_ERRORS = (OperationalError, InterfaceError, OSError)


@shared_task(name="reports.daily_summary_email", autoretry_for=TRANSIENT_ERRORS, retry_backoff=60,
             retry_backoff_max=900, retry_jitter=True, max_retries=5)
def daily_summary_email_task(day: str | None = None) -> int:
    """The daily summary e-mail (beat, 07:00 India time): ``day`` as YYYY-MM-DD, default yesterday.
    Returns how many messages were sent."""
    return daily_summary_send(day=date.fromisoformat(day) if day else None)
