"""Schema: every payment names its division (filled by 0012; issue 21, item 11)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('payments', '0012_payment_division_filled'),
    ]

    operations = [
        migrations.AlterField(
            model_name='payment',
            name='division',
            field=models.ForeignKey(db_index=False, editable=False, help_text="The consumer's division when this was recorded.", on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.division', verbose_name='counted for division'),
        ),
    ]
