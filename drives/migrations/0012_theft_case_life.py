"""A theft case's life (issue 21, item 9): the inspection (found, meter seal), the assessment on the ledger
(section, date, reference, the entry), the FIR (police station, date), how it ended, and the division it counts
for, fixed when it was reported.

Schema, data and the NOT NULL in one migration (the brief keeps drives' numbering to one file): the division is
added nullable, filled from each case's consumer, then required. The statuses move to the case's life:
open → reported, fir_filed → fir_lodged, closed → settled (assessed stays); an assessment of zero (the old
service allowed one) is no assessment. History rows are mapped too, so a case's history reads in today's words.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

STATUSES = {"open": "reported", "fir_filed": "fir_lodged", "closed": "settled"}


def forwards(apps, schema_editor):
    Consumer = apps.get_model("arrears", "Consumer")
    for name in ("TheftCase", "HistoricalTheftCase"):
        cases = apps.get_model("drives", name).objects
        cases.update(division_id=Subquery(Consumer.objects.filter(pk=OuterRef("consumer_id"))
                                          .values("division_id")[:1]))
        for old, new in STATUSES.items():
            cases.filter(status=old).update(status=new)
        cases.filter(assessment_amount__lte=0).update(assessment_amount=None)


def backwards(apps, schema_editor):
    for name in ("TheftCase", "HistoricalTheftCase"):
        cases = apps.get_model("drives", name).objects
        for old, new in STATUSES.items():
            cases.filter(status=new).update(status=old)
        cases.filter(status="in_court").update(status="fir_filed")


def _constraints_now(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_alter_historicaldivision_options_and_more'),
        ('arrears', '0017_consumer_numbers_index'),
        ('drives', '0011_stop_photo_evidence'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='historicaltheftcase',
            name='assessed_on',
            field=models.DateField(blank=True, null=True, verbose_name='assessed on'),
        ),
        migrations.AddField(
            model_name='historicaltheftcase',
            name='assessment_entry',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='arrears.ledgerentry', verbose_name='ledger entry'),
        ),
        migrations.AddField(
            model_name='historicaltheftcase',
            name='assessment_reference',
            field=models.CharField(blank=True, max_length=40, verbose_name='assessment reference'),
        ),
        migrations.AddField(
            model_name='historicaltheftcase',
            name='closed_on',
            field=models.DateField(blank=True, null=True, verbose_name='closed on'),
        ),
        migrations.AddField(
            model_name='historicaltheftcase',
            name='closing_note',
            field=models.TextField(blank=True, verbose_name='closing note'),
        ),
        migrations.AddField(
            model_name='historicaltheftcase',
            name='division',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='accounts.division', verbose_name='division'),
        ),
        migrations.AddField(
            model_name='historicaltheftcase',
            name='fir_lodged_on',
            field=models.DateField(blank=True, null=True, verbose_name='FIR lodged on'),
        ),
        migrations.AddField(
            model_name='historicaltheftcase',
            name='found',
            field=models.CharField(blank=True, choices=[('direct_hooking', 'direct hooking'), ('meter_bypass', 'meter bypass'), ('meter_tampering', 'meter tampering'), ('other', 'other')], max_length=20, verbose_name='found'),
        ),
        migrations.AddField(
            model_name='historicaltheftcase',
            name='meter_seal',
            field=models.CharField(blank=True, choices=[('intact', 'intact'), ('broken', 'broken'), ('missing', 'missing')], max_length=10, verbose_name='meter seal'),
        ),
        migrations.AddField(
            model_name='historicaltheftcase',
            name='police_station',
            field=models.CharField(blank=True, max_length=100, verbose_name='police station'),
        ),
        migrations.AddField(
            model_name='historicaltheftcase',
            name='section',
            field=models.PositiveSmallIntegerField(blank=True, choices=[(126, 'section 126 (unauthorised use)'), (135, 'section 135 (theft)')], null=True, verbose_name='section'),
        ),
        migrations.AddField(
            model_name='theftcase',
            name='assessed_on',
            field=models.DateField(blank=True, null=True, verbose_name='assessed on'),
        ),
        migrations.AddField(
            model_name='theftcase',
            name='assessment_entry',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='arrears.ledgerentry', verbose_name='ledger entry'),
        ),
        migrations.AddField(
            model_name='theftcase',
            name='assessment_reference',
            field=models.CharField(blank=True, max_length=40, verbose_name='assessment reference'),
        ),
        migrations.AddField(
            model_name='theftcase',
            name='closed_on',
            field=models.DateField(blank=True, null=True, verbose_name='closed on'),
        ),
        migrations.AddField(
            model_name='theftcase',
            name='closing_note',
            field=models.TextField(blank=True, verbose_name='closing note'),
        ),
        migrations.AddField(
            model_name='theftcase',
            name='division',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='theft_cases', to='accounts.division', verbose_name='division'),
        ),
        migrations.AddField(
            model_name='theftcase',
            name='fir_lodged_on',
            field=models.DateField(blank=True, null=True, verbose_name='FIR lodged on'),
        ),
        migrations.AddField(
            model_name='theftcase',
            name='found',
            field=models.CharField(blank=True, choices=[('direct_hooking', 'direct hooking'), ('meter_bypass', 'meter bypass'), ('meter_tampering', 'meter tampering'), ('other', 'other')], max_length=20, verbose_name='found'),
        ),
        migrations.AddField(
            model_name='theftcase',
            name='meter_seal',
            field=models.CharField(blank=True, choices=[('intact', 'intact'), ('broken', 'broken'), ('missing', 'missing')], max_length=10, verbose_name='meter seal'),
        ),
        migrations.AddField(
            model_name='theftcase',
            name='police_station',
            field=models.CharField(blank=True, max_length=100, verbose_name='police station'),
        ),
        migrations.AddField(
            model_name='theftcase',
            name='section',
            field=models.PositiveSmallIntegerField(blank=True, choices=[(126, 'section 126 (unauthorised use)'), (135, 'section 135 (theft)')], null=True, verbose_name='section'),
        ),
        migrations.AlterField(
            model_name='historicaltheftcase',
            name='assessment_amount',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, verbose_name='amount assessed'),
        ),
        migrations.AlterField(
            model_name='historicaltheftcase',
            name='opened_at',
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name='reported at'),
        ),
        migrations.AlterField(
            model_name='historicaltheftcase',
            name='opened_by',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reported by'),
        ),
        migrations.AlterField(
            model_name='historicaltheftcase',
            name='status',
            field=models.CharField(choices=[('reported', 'reported'), ('assessed', 'assessed'), ('fir_lodged', 'FIR lodged'), ('settled', 'settled'), ('in_court', 'in court')], default='reported', max_length=12, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='theftcase',
            name='assessment_amount',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, verbose_name='amount assessed'),
        ),
        migrations.AlterField(
            model_name='theftcase',
            name='opened_at',
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name='reported at'),
        ),
        migrations.AlterField(
            model_name='theftcase',
            name='opened_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reported by'),
        ),
        migrations.AlterField(
            model_name='theftcase',
            name='status',
            field=models.CharField(choices=[('reported', 'reported'), ('assessed', 'assessed'), ('fir_lodged', 'FIR lodged'), ('settled', 'settled'), ('in_court', 'in court')], default='reported', max_length=12, verbose_name='status'),
        ),
        migrations.RunPython(forwards, backwards),
        # The division's UPDATE queued its deferred foreign-key checks; an ALTER TABLE refuses to run while
        # they are pending, so they are run now.
        migrations.RunPython(_constraints_now, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='theftcase',
            name='division',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='theft_cases', to='accounts.division', verbose_name='division'),
        ),
        migrations.AddIndex(
            model_name='theftcase',
            index=models.Index(fields=['division', 'status', '-opened_at'], name='theft_division_status_opened'),
        ),
        migrations.AddIndex(
            model_name='theftcase',
            index=models.Index(fields=['opened_at'], name='theft_opened_at'),
        ),
        migrations.AddIndex(
            model_name='theftcase',
            index=models.Index(condition=models.Q(('assessed_on__isnull', False)), fields=['assessed_on'], name='theft_assessed_on'),
        ),
        migrations.AddConstraint(
            model_name='theftcase',
            constraint=models.CheckConstraint(condition=models.Q(('assessment_amount__isnull', True), ('assessment_amount__gt', 0), _connector='OR'), name='theft_assessment_positive'),
        ),
    ]
