"""Schema: the division a ledger entry counts for (collections), fixed when written
(arrears.models.CountedForDivision; issue 21, item 11). Filled by 0019, required by 0020; the day book's
triggers read it from 0021. A column without a key (see the model)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_idempotencykey_moved_to_core'),
        ('arrears', '0017_consumer_numbers_index'),
    ]

    operations = [
        migrations.AddField(
            model_name='ledgerentry',
            name='division',
            field=models.ForeignKey(db_constraint=False, db_index=False, editable=False, help_text="The consumer's division when this was recorded.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.division', verbose_name='counted for division'),
        ),
    ]
