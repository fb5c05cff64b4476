"""Data: receipt numbers became one canonical text (core.codes: NFKC, upper case, A-Z 0-9 - / only, at most 40).

Nothing is rewritten: a receipt number is what was printed on the paper in the consumer's hand and is the
reference of its PAYMENT ledger line (the ledger is append-only). An existing payment whose number would not fit
the rule ("rtp-1", a space inside) is left as it is, findable by its exact text; only new numbers are made
canonical (so an old "rtp-1" does not stop a new "RTP-1"). This migration counts such rows and prints them, for
whoever migrates a real database to look at.
"""

from django.db import migrations

from core.codes import receipt_no_canonical


def forwards(apps, schema_editor):
    Payment = apps.get_model("payments", "Payment")
    unfit = [number for number in Payment.objects.values_list("receipt_no", flat=True).iterator(chunk_size=10000)
             if receipt_no_canonical(number) != number]
    if unfit:
        shown = ", ".join(repr(number) for number in unfit[:10])
        print(f"\n  {len(unfit)} payment(s) keep a receipt number that is not canonical (left as they are): {shown}")


class Migration(migrations.Migration):

    dependencies = [("payments", "0007_receipt_numbers_reserved")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
