"""Data: the division of every ledger entry already written, its consumer's of now (issue 21, item 11).

The best record there is of where each was collected; 0021 rebuilds the day book from these. One UPDATE of
the whole ledger (PostgreSQL: a hash join over the consumers), with the day book's update trigger off for
it: the book does not change (each row leaves and re-enters its consumer's division), and its transition
tables would hold the ledger twice.
"""

from django.db import migrations


def fill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE arrears_ledgerentry DISABLE TRIGGER ledger_day_book_update")
        schema_editor.execute("UPDATE arrears_ledgerentry e SET division_id = c.division_id FROM arrears_consumer c"
                              " WHERE c.id = e.consumer_id AND e.division_id IS NULL")
        schema_editor.execute("ALTER TABLE arrears_ledgerentry ENABLE TRIGGER ledger_day_book_update")
    else:
        schema_editor.execute("UPDATE arrears_ledgerentry SET division_id = (SELECT c.division_id"
                              " FROM arrears_consumer c WHERE c.id = arrears_ledgerentry.consumer_id)"
                              " WHERE division_id IS NULL")


class Migration(migrations.Migration):

    dependencies = [
        ('arrears', '0018_ledger_entry_division'),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
    ]
