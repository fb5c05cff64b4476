"""The recovery certificates' figures of the MD's summary (issue 24): certificates raised and money recovered
under them, appended after the settlements' figures.

Each counts for the division the certificate was raised in (fixed on it: CountedForDivision), never the consumer's
division now. The rules, written once here and recounted row by row in tests/reports/test_rc_figures.py:

- ``rc_raised``: recovery certificates sent to the collector (``sent_on``) in the range, whatever became of them;
- ``rc_recovered``: the money recovered under certificates closed (recovered or partly recovered, ``closed_on``) in
  the range: each one's ``amount_recovered``, the payment of source ``rc`` it put on the ledger that day.

One grouped read of the certificates (few: indexes rc_sent_on and rc_closed_on).
"""

from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum

from recovery.models import RCStatus, RecoveryCertificate

ZERO = Decimal("0.00")

# In the summary's order (appended after the settlements' figures).
RC_FIGURES = ("rc_raised", "rc_recovered")


def rc_figures(divisions: list[int], date_from: date, date_to: date) -> dict[tuple[int, str], object]:
    """{(division id, figure): value} of RC_FIGURES for the range; a figure absent is zero."""
    raised = Q(sent_on__gte=date_from, sent_on__lte=date_to)
    recovered = Q(closed_on__gte=date_from, closed_on__lte=date_to,
                  status__in=(RCStatus.RECOVERED, RCStatus.PARTLY_RECOVERED))
    rows = (RecoveryCertificate.objects.filter(raised | recovered, division_id__in=divisions).order_by()
            .values("division_id").annotate(rc_raised=Count("id", filter=raised),
                                            rc_recovered=Sum("amount_recovered", filter=recovered)))
    values = {}
    for row in rows:
        values[row["division_id"], "rc_raised"] = row["rc_raised"]
        values[row["division_id"], "rc_recovered"] = row["rc_recovered"] or ZERO
    return values
