"""Data: jobs that failed before bad_rows existed count the error lines they kept (at most 1,000, then one
"more not shown" line, whose count was not kept)."""

from django.db import migrations


def forwards(apps, schema_editor):
    ImportJob = apps.get_model("imports", "ImportJob")
    for job in ImportJob.objects.filter(status="failed", bad_rows=0).exclude(errors=[]).only("pk", "errors"):
        lines = [line for line in job.errors if str(line).startswith("line ")]
        ImportJob.objects.filter(pk=job.pk).update(bad_rows=len(lines))


class Migration(migrations.Migration):

    dependencies = [("imports", "0003_import_job_bad_rows")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
