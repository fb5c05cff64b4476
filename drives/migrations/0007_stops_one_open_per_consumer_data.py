"""Data: before 0005 lets a consumer be on at most one open stop (constraint stop_one_open_per_consumer).

1. A closed drive's stops still open become ``unvisited``: drive_close now does this itself; before, it
   left them open, which would block the consumer's next drive.
2. A consumer still on several open stops (drives planned the same day or on following days, before
   drive_plan skipped consumers already on an open stop) keeps the one on the drive nearest ahead (the
   earliest dated today or later; else the latest past one); the others become ``unvisited`` with a note.
   No outcome, payment or disconnection is touched: these stops had none.
Written in bulk, without history rows (the notes say why). Backwards: nothing to undo that is worth undoing
(the stops were not visited); it is a no-op.
"""

from django.db import migrations
from django.utils import timezone

NOTE = "Not visited: closed by migration 0004, the consumer was on another open stop (drive {drive})."


def _keep_first(stop, today):
    # Drives today or later first, earliest first; then past drives, latest first.
    if stop.drive.date >= today:
        return (0, stop.drive.date.toordinal(), stop.drive_id)
    return (1, -stop.drive.date.toordinal(), -stop.drive_id)


def forwards(apps, schema_editor):
    Stop = apps.get_model("drives", "Stop")
    Stop.objects.filter(status="open", drive__status="closed").update(status="unvisited")
    today = timezone.localdate()
    open_stops = Stop.objects.filter(status="open").select_related("drive").order_by("consumer_id", "pk")
    by_consumer = {}
    for stop in open_stops.iterator(chunk_size=2000):
        by_consumer.setdefault(stop.consumer_id, []).append(stop)
    closed = []
    for stops in by_consumer.values():
        if len(stops) < 2:
            continue
        stops.sort(key=lambda s: _keep_first(s, today))
        kept = stops[0]
        for stop in stops[1:]:
            stop.status = "unvisited"
            note = NOTE.format(drive=kept.drive_id)
            stop.notes = f"{stop.notes}\n{note}".strip() if stop.notes else note
            closed.append(stop)
    Stop.objects.bulk_update(closed, ["status", "notes"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ("drives", "0006_notice_reason_proof_ref"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
