"""The officer's Reconnections page finds the cut consumers awaiting an order (drives.selectors.
reconnections_awaiting_approval) among the division's disconnected consumers: a few thousand of a division's
lakhs. Without this partial index the page reads every consumer of the division to find them.

The index is on arrears' table but serves a drives page alone, so it lives here (raw SQL: a migration adds
indexes only to its own app's models). PostgreSQL and SQLite both take a partial index in this form."""

from django.db import migrations

INDEX = "consumer_disconnected_division"


class Migration(migrations.Migration):

    dependencies = [
        ("arrears", "0017_consumer_numbers_index"),
        ("drives", "0015_event_division_required"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON arrears_consumer (division_id) WHERE status = 'disconnected'",
            f"DROP INDEX IF EXISTS {INDEX}",
        ),
    ]
