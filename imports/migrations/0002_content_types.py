"""Data: the moved models' content types follow them to this app, with their admin log and permissions."""

from django.db import migrations

MODELS = ["importjob"]


def forwards(apps, schema_editor):
    _relabel(apps, "arrears", "imports")


def backwards(apps, schema_editor):
    _relabel(apps, "imports", "arrears")


def _relabel(apps, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        # Only where the new label is not taken (a database where the app's content type was made already).
        if not ContentType.objects.filter(app_label=new, model=model).exists():
            ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


class Migration(migrations.Migration):

    dependencies = [
        ("imports", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
