"""The date range of a summary: one rule for the page, its exports and the API."""

from datetime import date, timedelta

from django.utils.translation import gettext as _

from core.dates import india_today
from core.errors import DomainError

EARLIEST = date(2000, 1, 1)
MAX_DAYS = 3 * 366  # three years: a range longer than that is a question for the billing system


def yesterday() -> date:
    """The summary's default day: yesterday in India."""
    return india_today() - timedelta(days=1)


def summary_range(date_from: date | None, date_to: date | None) -> tuple[date, date]:
    """(from, to), both included: yesterday by default; ``to`` alone gives that one day, ``from``
    alone runs to yesterday (or to ``from`` itself, when that is today). Raises DomainError naming
    the field ("from" or "to") for a range backwards, too long, or outside 2000 to a year ahead."""
    if date_to is None:
        date_to = max(yesterday(), date_from) if date_from else yesterday()
    if date_from is None:
        date_from = date_to
    latest = india_today() + timedelta(days=366)
    if date_from < EARLIEST:
        raise DomainError(_("must be on or after %(day)s") % {"day": EARLIEST.isoformat()}, code="invalid_range",
                          field="from")
    if date_to > latest:
        raise DomainError(_("must be on or before %(day)s") % {"day": latest.isoformat()}, code="invalid_range",
                          field="to")
    if date_to < date_from:
        raise DomainError(_("must not be before the start of the range"), code="invalid_range", field="to")
    if (date_to - date_from).days + 1 > MAX_DAYS:
        raise DomainError(_("a range covers at most %(days)s days") % {"days": MAX_DAYS}, code="invalid_range",
                          field="to")
    return date_from, date_to
