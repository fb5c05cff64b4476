"""Reads of payments, always for the user who asks."""

import re
from datetime import date, datetime, time, timedelta

from django.db.models import IntegerField, Max, QuerySet
from django.db.models.functions import Cast, Substr
from django.utils import timezone

from accounts.models import User
from accounts.permissions import may_see_others_payments
from accounts.selectors import division_scope
from arrears.models import EntryKind, LedgerEntry
from core.dates import india_today
from payments.models import Payment, ReceiptNumber


def payments_visible_to(user: User) -> QuerySet[Payment]:
    return division_scope(Payment.objects.select_related("consumer", "taken_by"), user,
                          field="consumer__division")


def payments_listed(user: User, *, division: str = "", on: date | None = None) -> QuerySet[Payment]:
    """The payments list (GET payments/): a clerk's own payments (what they must hand in), the
    division's for an officer, every division's for HQ and IT; of one division (code) and one
    India day if asked; newest first."""
    payments = payments_visible_to(user)
    if not may_see_others_payments(user):
        payments = payments.filter(taken_by=user)
    if division:
        payments = payments.filter(consumer__division__code=division)
    if on is not None:
        # The India day as a range of instants: index payment_paid_at serves it (a __date lookup would not).
        start, end = (timezone.make_aware(datetime.combine(day, time.min)) for day in (on, on + timedelta(days=1)))
        payments = payments.filter(paid_at__gte=start, paid_at__lt=end)
    return payments.order_by("-paid_at", "-id")


def receipts_visible_to(user: User) -> QuerySet[Payment]:
    """The payments whose receipt ``user`` may open: a clerk's own (what they took), the division's for an
    officer, every division's for HQ and IT; another's is a 404."""
    payments = payments_visible_to(user)
    if not may_see_others_payments(user):
        payments = payments.filter(taken_by=user)
    return payments


def receipt_numbers_visible_to(user: User) -> QuerySet[ReceiptNumber]:
    """Reserved receipt numbers (the admin's list): the division's for an officer, all for HQ and IT."""
    return division_scope(ReceiptNumber.objects.select_related("division", "reserved_by", "payment"), user)


# A division's series for a year is "<DIV>-<YYYY>-<n>", n written with six digits ("RTP-2026-004187"). A number
# with more digits ("RTP-2026-999999999", typed by hand) is not of the series and does not move it.
SERIES_DIGITS = 6
SERIES_LAST = 10**SERIES_DIGITS - 1


def receipt_series_prefix(division, on: date | None = None) -> str:
    return f"{division.code}-{(on or india_today()).year}-"


def _series_taken(prefix: str) -> list[QuerySet]:
    """The numbers of the series already taken, as querysets of n: receipts of recorded payments (their ledger
    references, which hold imported ones too) and reserved numbers. "RTP-2026-41" and "RTP-2026-000041" are
    both n = 41."""
    pattern = rf"^{re.escape(prefix)}[0-9]{{1,{SERIES_DIGITS}}}$"
    start = len(prefix) + 1
    # startswith first: the prefix is a range of the unique indexes on the ledger's reference and the number.
    ledger = (LedgerEntry.objects.filter(kind=EntryKind.PAYMENT, reference__startswith=prefix,
                                         reference__regex=pattern)
              .annotate(n=Cast(Substr("reference", start), IntegerField())))
    reserved = (ReceiptNumber.objects.filter(number__startswith=prefix, number__regex=pattern)
                .annotate(n=Cast(Substr("number", start), IntegerField())))
    return [ledger, reserved]


def receipt_series_free(*, division, count: int, on: date | None = None) -> list[str]:
    """``count`` numbers of the division's series for the year that nobody has used or reserved: those after
    the last one taken; once the series' six digits are used up to 999999 (a number typed by hand can do
    that), the lowest free ones, so the series never jams. Fewer than ``count`` when the year's series is full.
    The caller holds the division's lock (payments.services.receipt_block_reserve)."""
    prefix = receipt_series_prefix(division, on)
    taken = _series_taken(prefix)
    last = max((qs.aggregate(last=Max("n"))["last"] or 0 for qs in taken), default=0)
    if last + count <= SERIES_LAST:
        numbers = range(last + 1, last + count + 1)
    else:
        used = {n for qs in taken for n in qs.values_list("n", flat=True)}
        numbers = [n for n in range(1, SERIES_LAST + 1) if n not in used][:count]
    return [f"{prefix}{n:0{SERIES_DIGITS}d}" for n in numbers]
