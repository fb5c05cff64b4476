"""Schema: the division a notice, a disconnection and a reconnection order count for, fixed when written
(arrears.models.CountedForDivision; issue 21, item 11). Filled by 0014, required by 0015."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_idempotencykey_moved_to_core'),
        ('drives', '0012_theft_case_life'),
    ]

    operations = [
        migrations.AddField(
            model_name='notice',
            name='division',
            field=models.ForeignKey(null=True, db_index=False, editable=False, help_text="The consumer's division when this was recorded.", on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.division', verbose_name='counted for division'),
        ),
        migrations.AddField(
            model_name='disconnection',
            name='division',
            field=models.ForeignKey(null=True, db_index=False, editable=False, help_text="The consumer's division when this was recorded.", on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.division', verbose_name='counted for division'),
        ),
        migrations.AddField(
            model_name='reconnectionorder',
            name='division',
            field=models.ForeignKey(null=True, db_index=False, editable=False, help_text="The consumer's division when this was recorded.", on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.division', verbose_name='counted for division'),
        ),
        migrations.AddField(
            model_name='historicalreconnectionorder',
            name='division',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, help_text="The consumer's division when this was recorded.", null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='accounts.division', verbose_name='counted for division'),
        ),
    ]
