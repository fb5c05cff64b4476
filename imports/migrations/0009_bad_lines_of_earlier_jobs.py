"""Data: jobs that failed before lines were counted get the count of lines their listed errors are on, where
those are all of its problems; a job whose list was cut short ("… and N more not shown") keeps none (its
page shows the problems alone), since the lines of the unlisted ones were never kept."""

import re

from django.db import migrations

LINE = re.compile(r"line (\d+):")


def forwards(apps, schema_editor):
    ImportJob = apps.get_model("imports", "ImportJob")
    for job in ImportJob.objects.filter(status="failed", bad_lines=None).exclude(errors=[]).only("pk", "errors"):
        numbers = [LINE.match(str(error)) for error in job.errors]
        if all(numbers):
            ImportJob.objects.filter(pk=job.pk).update(bad_lines=len({number[1] for number in numbers}))


class Migration(migrations.Migration):

    dependencies = [("imports", "0008_import_job_problems_lines_language")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
