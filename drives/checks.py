"""Small checks the drives services share: days and times that have happened, bounded text, the consumer
in the user's division, money, who made a change (for simple_history)."""

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from arrears.models import Consumer
from arrears.selectors import consumers_visible_to
from arrears.services import EARLIEST_ENTRY_DATE
from core.dates import day_text, india_today
from core.errors import DomainError
from core.money import format_count
from core.text import plain_text_checked

NOTES_LENGTH = 2000


def paise(value) -> Decimal:
    # SQLite hands sums back as floats; an average has more places than money keeps.
    return Decimal(str(value or 0)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def day_checked(value: date, *, field: str) -> date:
    """A day that has happened: not in the future, not before KESCO (409 invalid_date)."""
    if not isinstance(value, date) or isinstance(value, datetime):
        raise DomainError(_("not a date"), code="invalid_date", field=field)
    if value > india_today():
        raise DomainError(_("cannot be in the future"), code="invalid_date", field=field)
    if value < EARLIEST_ENTRY_DATE:
        raise DomainError(_("cannot be before %(day)s") % {"day": day_text(EARLIEST_ENTRY_DATE)},
                          code="invalid_date", field=field)
    return value


def at_checked(at: datetime | None) -> datetime:
    now = timezone.now()
    if at is None:
        return now
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    # A phone's clock drifts a little; a queued submission is older, never newer.
    if at > now + timedelta(minutes=5):
        raise DomainError(_("cannot be in the future"), code="invalid_date", field="at")
    if timezone.localdate(at) < EARLIEST_ENTRY_DATE:
        raise DomainError(_("cannot be before %(day)s") % {"day": day_text(EARLIEST_ENTRY_DATE)},
                          code="invalid_date", field="at")
    return at


def text_checked(value: str, *, field: str, limit: int, code: str, one_line: bool = False) -> str:
    """Text stripped, at most ``limit`` characters, without control or format characters (core.text: a NUL,
    which PostgreSQL can't store, a BEL, a bidi override); a name is ``one_line`` (no line break or tab)."""
    value = (value or "").strip()
    if len(value) > limit:
        raise DomainError(_("at most %(n)s characters") % {"n": format_count(limit)}, code=code, field=field)
    return plain_text_checked(value, field=field, code=code, one_line=one_line)


def consumer_get(user: User, account_no: str) -> Consumer:
    """The consumer, if in the user's division; else Consumer.DoesNotExist (the view's 404)."""
    return consumers_visible_to(user).get(account_no=account_no)


def history_by(instance, user: User):
    # simple_history records who made a change from this attribute when no request is at hand.
    instance._history_user = user
    return instance
