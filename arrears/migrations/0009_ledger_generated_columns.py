"""debit, credit and due_on become generated columns: the database derives them from kind,
amount and the dates as each row is written, so the rule is written once (LedgerEntry)
and a bulk load need not spell it out. Two check constraints that held writers to the rule
go with it, and the ledger's creation time is stamped by the database.

A column can't be altered into a generated one: each is dropped and added again, which
rewrites the ledger (on 20 million rows, minutes), and ledger_consumer_due_on, built on
due_on, is rebuilt.
"""

import django.db.models.expressions
import django.db.models.functions.datetime
from django.db import migrations, models

MONEY = {"decimal_places": 2, "max_digits": 14}

DEBIT = models.Case(
    models.When(models.Q(("kind__in", ["BILL", "SURCHARGE"]), models.Q(("amount__gt", 0), ("kind", "ADJUSTMENT")),
                         _connector="OR"), then=models.F("amount")),
    default=models.Value(0), output_field=models.DecimalField(**MONEY))
CREDIT = models.Case(
    models.When(kind="PAYMENT", then=models.F("amount")),
    models.When(amount__lt=0, kind="ADJUSTMENT",
                then=django.db.models.expressions.CombinedExpression(models.F("amount"), "*", models.Value(-1))),
    default=models.Value(0), output_field=models.DecimalField(**MONEY))
DUE_ON = models.Case(models.When(kind="BILL", then=models.F("due_date")), default=models.F("entry_date"),
                     output_field=models.DateField())


class Migration(migrations.Migration):

    dependencies = [
        ("arrears", "0008_reference_first"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="ledgerentry", name="ledger_debit_credit_match_amount"),
        migrations.RemoveConstraint(model_name="ledgerentry", name="ledger_due_on_derived"),
        migrations.RemoveIndex(model_name="ledgerentry", name="ledger_consumer_due_on"),
        migrations.RemoveField(model_name="ledgerentry", name="debit"),
        migrations.RemoveField(model_name="ledgerentry", name="credit"),
        migrations.RemoveField(model_name="ledgerentry", name="due_on"),
        migrations.AddField(
            model_name="ledgerentry", name="debit",
            field=models.GeneratedField(db_persist=True, expression=DEBIT,
                                        output_field=models.DecimalField(**MONEY))),
        migrations.AddField(
            model_name="ledgerentry", name="credit",
            field=models.GeneratedField(db_persist=True, expression=CREDIT,
                                        output_field=models.DecimalField(**MONEY))),
        migrations.AddField(
            model_name="ledgerentry", name="due_on",
            field=models.GeneratedField(db_persist=True, expression=DUE_ON, output_field=models.DateField())),
        migrations.AddIndex(
            model_name="ledgerentry",
            index=models.Index(fields=["consumer", "due_on"], name="ledger_consumer_due_on")),
        migrations.AlterField(
            model_name="ledgerentry", name="created_at",
            field=models.DateTimeField(db_default=django.db.models.functions.datetime.Now(), editable=False)),
    ]
