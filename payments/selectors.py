"""Reads of payments, always for the user who asks."""

import re

from django.db.models import IntegerField, Max, QuerySet
from django.db.models.functions import Cast, Substr
from django.utils import timezone

from accounts.models import User
from accounts.selectors import division_scope
from payments.models import Payment


def payments_visible_to(user: User) -> QuerySet[Payment]:
    return division_scope(Payment.objects.select_related("consumer", "taken_by"), user,
                          field="consumer__division")


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
