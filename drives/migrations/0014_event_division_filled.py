"""Data: the division of the notices, disconnections and reconnection orders already written (issue 21, item 11)."""

from django.db import migrations

TABLES = ["drives_notice", "drives_disconnection", "drives_reconnectionorder"]


def fill(apps, schema_editor):
    """Every notice, disconnection and reconnection order already written counts for its consumer's division of now, the best
    record there is of where it happened (reports 0005 rebuilds the day book from these)."""
    for table in TABLES:
        if schema_editor.connection.vendor == "postgresql":
            # One hash join over the consumers, not a lookup per row.
            schema_editor.execute(f"UPDATE {table} t SET division_id = c.division_id FROM arrears_consumer c"
                                  f" WHERE c.id = t.consumer_id AND t.division_id IS NULL")
        else:
            schema_editor.execute(f"UPDATE {table} SET division_id = (SELECT c.division_id FROM arrears_consumer c"
                                  f" WHERE c.id = {table}.consumer_id) WHERE division_id IS NULL")


class Migration(migrations.Migration):

    dependencies = [
        ('arrears', '0017_consumer_numbers_index'),
        ('drives', '0013_event_division'),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
    ]
