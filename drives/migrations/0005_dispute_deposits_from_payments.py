"""Existing disputes' deposits become DisputeDeposit rows, where they are money the consumer paid.

Before this, a dispute's deposit was whatever sum and receipt number the officer typed, never checked. Now
a deposit is a recorded payment of the consumer (a PAYMENT entry on its ledger whose reference is the
receipt number), so for each dispute with a deposit receipt number:

- a PAYMENT of the dispute's consumer with that reference (trimmed; upper-cased or as typed), not already
  backing an earlier dispute: a DisputeDeposit row for it, and the dispute's deposit is that payment's sum;
- otherwise the deposit is NOT counted: the dispute's deposit becomes 0.00, so the dispute stops holding
  disconnections (its receipt number stays, and a line in its notes says why). The officer can count a
  real payment with POST disputes/{id}/deposits/ or the disputes page.

Open disputes' required deposit is worked out again by the rule now in force (the mean of the consumer's
last six bills before it was raised, not a six-calendar-month window over six); a requirement of zero
never holds. Resolved disputes keep theirs. The new rule that a deposit may not be older than the disputed
bills is not applied here: a payment the officer counted before stays counted.

Going back removes the DisputeDeposit rows (the schema migration drops the table); the deposits set to
0.00 stay so.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db import migrations

DEPOSIT_BILLS = 6


def _paise(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _required(LedgerEntry, dispute) -> Decimal:
    amounts = list(LedgerEntry.objects.filter(consumer_id=dispute.consumer_id, kind="BILL",
                                              entry_date__lt=dispute.raised_on)
                   .order_by("-entry_date", "-id").values_list("amount", flat=True)[:DEPOSIT_BILLS])
    if not amounts:
        return Decimal("0.00")
    return min(_paise(dispute.amount_disputed), _paise(sum(amounts) / len(amounts)))


def deposits_from_payments(apps, schema_editor):
    Dispute = apps.get_model("drives", "Dispute")
    DisputeDeposit = apps.get_model("drives", "DisputeDeposit")
    LedgerEntry = apps.get_model("arrears", "LedgerEntry")
    used = set()
    for dispute in Dispute.objects.order_by("raised_on", "id").iterator():
        fields = []
        if dispute.status == "open":
            required = _required(LedgerEntry, dispute)
            if required != dispute.deposit_required:
                dispute.deposit_required = required
                fields.append("deposit_required")
        typed = dispute.deposit_receipt_no.strip()
        if not typed and dispute.deposit_amount == 0:
            if fields:
                dispute.save(update_fields=fields)
            continue
        entry = None
        if typed:
            entries = [e for e in LedgerEntry.objects.filter(consumer_id=dispute.consumer_id, kind="PAYMENT",
                                                             reference__in={typed, typed.upper()})
                       if e.pk not in used]
            entry = min(entries, key=lambda e: e.reference != typed.upper(), default=None)
        if entry is not None:
            used.add(entry.pk)
            DisputeDeposit.objects.create(dispute=dispute, ledger_entry=entry, amount=entry.amount,
                                          added_by_id=dispute.recorded_by_id, source=dispute.source)
            dispute.deposit_amount, dispute.deposit_receipt_no = entry.amount, entry.reference
            fields += ["deposit_amount", "deposit_receipt_no"]
        else:
            note = (f"Deposit of Rs. {dispute.deposit_amount} (receipt {typed or 'none'}) not counted: no recorded "
                    "payment of the consumer has this receipt number (drives migration "
                    "0005_dispute_deposits_from_payments).")
            dispute.notes = f"{dispute.notes}\n{note}".strip()
            dispute.deposit_amount = Decimal("0.00")
            fields += ["deposit_amount", "notes"]
        dispute.save(update_fields=fields)


class Migration(migrations.Migration):

    dependencies = [
        ("drives", "0004_dispute_deposits"),
    ]

    operations = [
        migrations.RunPython(deposits_from_payments, migrations.RunPython.noop),
    ]
