"""Dates as KESCO counts them: in India time."""

from datetime import date, datetime

from django.utils import formats, timezone

# Dates the app can hold and do arithmetic on (a notice's lawful day is 16 days on; year 9999 would overflow),
# for every date a user or client types (core.api_fields.DateInput, core.forms.DateInputField). Business
# bounds (not in the future, not before KESCO's ledger) are the services' refusals, inside these.
EARLIEST_INPUT_DATE = date(1900, 1, 1)
LATEST_INPUT_DATE = date(2099, 12, 31)


def india_today() -> date:
    """Today in India (TIME_ZONE): the day arrears are counted for."""
    return timezone.localdate()


def day_text(day: date) -> str:
    """A date in a message, as every page writes it (DATE_FORMAT of kesco/formats: 21-11-2026)."""
    return formats.date_format(day, "DATE_FORMAT")


def moment_text(moment: datetime) -> str:
    """A time in a message, in India time, as every page writes it (21-11-2026 14:05)."""
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")
