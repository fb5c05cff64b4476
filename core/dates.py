"""Dates as KESCO counts them: in India time."""

from datetime import date

from django.utils import timezone


def india_today() -> date:
    """Today in India (TIME_ZONE): the day arrears are counted for."""
    return timezone.localdate()
