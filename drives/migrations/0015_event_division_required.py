"""Schema: every notice, disconnection and reconnection order names its division (filled by 0014; issue 21, item 11)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('drives', '0014_event_division_filled'),
    ]

    operations = [
        migrations.AlterField(
            model_name='notice',
            name='division',
            field=models.ForeignKey(db_index=False, editable=False, help_text="The consumer's division when this was recorded.", on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.division', verbose_name='counted for division'),
        ),
        migrations.AlterField(
            model_name='disconnection',
            name='division',
            field=models.ForeignKey(db_index=False, editable=False, help_text="The consumer's division when this was recorded.", on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.division', verbose_name='counted for division'),
        ),
        migrations.AlterField(
            model_name='reconnectionorder',
            name='division',
            field=models.ForeignKey(db_index=False, editable=False, help_text="The consumer's division when this was recorded.", on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.division', verbose_name='counted for division'),
        ),
    ]
