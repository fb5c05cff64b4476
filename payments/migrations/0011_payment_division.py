"""Schema: the division a payment counts for, fixed when written (arrears.models.CountedForDivision;
issue 21, item 11). Filled by 0012, required by 0013."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_idempotencykey_moved_to_core'),
        ('payments', '0010_stops_paid_at_the_stop_and_part_payments_reopened'),
    ]

    operations = [
        migrations.AddField(
            model_name='payment',
            name='division',
            field=models.ForeignKey(null=True, db_index=False, editable=False, help_text="The consumer's division when this was recorded.", on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.division', verbose_name='counted for division'),
        ),
    ]
