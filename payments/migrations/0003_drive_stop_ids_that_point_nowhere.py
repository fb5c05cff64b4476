"""Data: drive_stop_id was a plain number until drives existed; one naming no stop is cleared before
0004 makes it a foreign key (which would refuse it)."""

from django.db import migrations


def forwards(apps, schema_editor):
    Payment = apps.get_model("payments", "Payment")
    Stop = apps.get_model("drives", "Stop")
    (Payment.objects.filter(drive_stop_id__isnull=False).exclude(drive_stop_id__in=Stop.objects.values("pk"))
     .update(drive_stop_id=None))


class Migration(migrations.Migration):

    dependencies = [
        ("payments", "0002_content_types"),
        ("drives", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
