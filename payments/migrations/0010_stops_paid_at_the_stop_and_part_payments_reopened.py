"""Data: the money taken at each stop, and the stops a part payment closed (issue 18; DESIGN.md, domain rules).

Until now any payment naming a stop closed it as "paid on the spot", ₹0.01 included. The rule now: it closes
the stop only when it brings the arrears to the threshold (DEFAULTER_THRESHOLD) or below, or the money taken
at the stop reaches the reconnection minimum (RECONNECTION_MIN_SHARE of the arrears before it, at least
RECONNECTION_MIN_AMOUNT; the settings' rule as it stands when this runs, without the lifeline variant). Less
is part-paid: the stop stays open and may still be cut.

1. Every stop gets its paid_amount and payments_count from the payments naming it.
2. A stop closed as paid (status done, outcome paid) whose payments did not meet the rule (none had arrears
   after it at the threshold or below, and together they are less than the minimum on the arrears before the
   first) is reopened ONLY IF ITS DRIVE IS STILL OPEN TODAY (not closed, dated today in India): the team can
   still visit it. Reopened, it is open again with no outcome (a history row says why), or settled when the
   consumer's arrears are at the threshold or below by now. The stops of closed drives and of past days keep
   their outcome: that day is over and reported, and no team walks that list any more. Nor is a stop reopened
   whose consumer is on another open stop by now (a consumer is on at most one open stop:
   stop_one_open_per_consumer, drives 0008): the open one is the team's.
3. The payments naming a reopened stop are marked part_paid (Payment.stop_outcome). Older payments keep a blank
   stop_outcome and no reconnection_short_by: they were taken before the rule and their receipts said neither.

Not reversible in its effect (the reopened stops' old outcome is in their history); backwards does nothing.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import migrations
from django.db.models import Count, Sum
from django.utils import timezone

REASON = "reopened: a part payment does not close a stop as paid (issue 18)"


def _minimum(arrears: Decimal) -> Decimal:
    share = (settings.RECONNECTION_MIN_SHARE * arrears).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return max(settings.RECONNECTION_MIN_AMOUNT, share)


def _met_the_rule(payments: list) -> bool:
    """payments: a stop's, oldest first, each with the arrears after it as recorded."""
    if any(p.arrears_after <= settings.DEFAULTER_THRESHOLD for p in payments):
        return True
    first = payments[0]
    return sum(p.amount for p in payments) >= _minimum(first.arrears_after + first.amount)


def forwards(apps, schema_editor):
    Payment = apps.get_model("payments", "Payment")
    Stop = apps.get_model("drives", "Stop")
    HistoricalStop = apps.get_model("drives", "HistoricalStop")

    for row in (Payment.objects.filter(drive_stop__isnull=False).order_by().values("drive_stop_id")
                .annotate(amount=Sum("amount"), count=Count("id"))):
        Stop.objects.filter(pk=row["drive_stop_id"]).update(paid_amount=row["amount"], payments_count=row["count"])

    today = timezone.localdate()  # India: TIME_ZONE
    now = timezone.now()
    candidates = (Stop.objects.filter(status="done", outcome="paid", drive__date=today)
                  .exclude(drive__status="closed").select_related("consumer"))
    history_fields = {field.attname for field in HistoricalStop._meta.fields}
    for stop in candidates:
        payments = list(Payment.objects.filter(drive_stop=stop).order_by("paid_at", "id"))
        if payments and _met_the_rule(payments):
            continue
        settled = stop.consumer.arrears <= settings.DEFAULTER_THRESHOLD
        if not settled and Stop.objects.filter(consumer_id=stop.consumer_id, status="open").exists():
            continue  # on another open stop already: at most one (stop_one_open_per_consumer)
        stop.status = "settled" if settled else "open"
        stop.settled_at = now if settled else None
        stop.outcome, stop.outcome_at, stop.outcome_by_id, stop.outcome_source = "", None, None, ""
        stop.save(update_fields=["status", "settled_at", "outcome", "outcome_at", "outcome_by", "outcome_source"])
        values = {field.attname: getattr(stop, field.attname) for field in Stop._meta.fields
                  if field.attname in history_fields}
        HistoricalStop.objects.create(**values, history_date=now, history_type="~", history_change_reason=REASON,
                                      history_user_id=None)
        Payment.objects.filter(drive_stop=stop).update(stop_outcome="part_paid")


class Migration(migrations.Migration):

    dependencies = [
        ("payments", "0009_payment_stop_outcome_and_reconnection_short_by"),
        ("drives", "0009_stop_paid_amount_and_payments_count"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
