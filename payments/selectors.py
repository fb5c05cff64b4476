"""Reads of payments, always for the user who asks."""

import re
from datetime import date, datetime, time, timedelta

from django.db.models import IntegerField, Max, QuerySet
from django.db.models.functions import Cast, Substr
from django.utils import timezone

from accounts.models import User
from accounts.permissions import may_see_others_payments
from accounts.selectors import division_scope
from payments.models import Payment


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


def receipt_no_next(*, division, on=None) -> str:
    """The next unused receipt number of the division's series for the year, "<DIV>-<YYYY>-<n>": proposed on the
    field clerk's payment form (the clerk may change it; payment_record refuses a number already used)."""
    year = (on or timezone.localdate()).year
    prefix = f"{division.code}-{year}-"
    # Only numbers of the series itself count: a receipt typed as "RTP-2026-7a" is someone else's.
    series = Payment.objects.filter(receipt_no__regex=rf"^{re.escape(prefix)}[0-9]{{1,9}}$")
    last = (series.annotate(n=Cast(Substr("receipt_no", len(prefix) + 1), IntegerField()))
            .aggregate(last=Max("n"))["last"])
    return f"{prefix}{(last or 0) + 1}"
