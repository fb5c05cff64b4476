"""Search at a million consumers: exact phone and meter numbers and part of a name as index lookups, and the
consumers lists in their order (highest arrears first, then account number) read off an index.

pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it. On SQLite the extension
is skipped and the trigram index is a plain index on UPPER(name) (arrears.indexes.TrigramIndex).
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models
from django.db.models.functions import Upper

import arrears.indexes


class TrigramExtensionOnPostgreSQL(TrigramExtension):
    """Django's operation skips other databases going forward, not going back (it reads pg_extension)."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):

    dependencies = [
        ('arrears', '0013_ledger_day_book'),
    ]

    operations = [
        TrigramExtensionOnPostgreSQL(),
        migrations.RemoveIndex(
            model_name='consumer',
            name='consumer_division_arrears',
        ),
        migrations.AddIndex(
            model_name='consumer',
            index=models.Index(fields=['division', '-arrears', 'account_no'], name='consumer_division_arrears'),
        ),
        migrations.AddIndex(
            model_name='consumer',
            index=models.Index(fields=['-arrears', 'account_no'], name='consumer_arrears'),
        ),
        migrations.AddIndex(
            model_name='consumer',
            index=models.Index(fields=['phone'], name='consumer_phone'),
        ),
        migrations.AddIndex(
            model_name='consumer',
            index=models.Index(fields=['meter_no'], name='consumer_meter_no'),
        ),
        migrations.AddIndex(
            model_name='consumer',
            index=arrears.indexes.TrigramIndex(Upper('name'), name='consumer_name_trgm'),
        ),
    ]
