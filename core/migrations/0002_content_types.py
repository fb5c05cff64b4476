"""Data: the moved models' content types follow them to this app, with their admin log and permissions."""

from django.db import migrations

from core.moved_models import content_types_relabel

MODELS = ["idempotencykey"]


def forwards(apps, schema_editor):
    content_types_relabel(apps, old="accounts", new="core", models=MODELS)


def backwards(apps, schema_editor):
    content_types_relabel(apps, old="core", new="accounts", models=MODELS)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
