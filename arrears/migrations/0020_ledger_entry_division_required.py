"""Schema: every ledger entry names its division (filled by 0019; issue 21, item 11)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('arrears', '0019_ledger_entry_division_filled'),
    ]

    operations = [
        migrations.AlterField(
            model_name='ledgerentry',
            name='division',
            field=models.ForeignKey(db_constraint=False, db_index=False, editable=False, help_text="The consumer's division when this was recorded.", on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.division', verbose_name='counted for division'),
        ),
    ]
