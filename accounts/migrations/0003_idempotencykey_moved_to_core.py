from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_idempotencykey'),
        ('core', '0001_initial'),
    ]

    # The model moved to core; its table (accounts_idempotencykey) and rows stay as they are.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='IdempotencyKey')],
            database_operations=[],
        ),
    ]
