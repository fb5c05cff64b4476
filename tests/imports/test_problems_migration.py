"""imports 0008/0009: bad_rows (which counted problems) becomes `problems`; a job that failed before lines were
counted gets the lines its listed errors are on, or none where its list was cut short."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("imports", "0007_alter_importjob_options")]
AFTER = [("imports", "0009_bad_lines_of_earlier_jobs")]


@pytest.fixture
def old_importjob(transactional_db):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    yield executor.loader.project_state(BEFORE).apps.get_model("imports", "ImportJob")
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_it_counts_the_lines_of_earlier_failed_jobs(old_importjob):
    listed = old_importjob.objects.create(
        kind="ledger", original_name="a.csv", status="failed", bad_rows=3,
        errors=["line 3: amount: not an amount", "line 3: kind: not a kind", "line 5: amount: not an amount"])
    cut_short = old_importjob.objects.create(
        kind="ledger", original_name="b.csv", status="failed", bad_rows=1500,
        errors=[f"line {n}: phone: not a phone number" for n in range(2, 1002)] + ["… and 500 more bad rows not shown"])
    done = old_importjob.objects.create(kind="ledger", original_name="c.csv", status="done")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    ImportJob = executor.loader.project_state(AFTER).apps.get_model("imports", "ImportJob")

    assert ImportJob.objects.values_list("pk", "problems", "bad_lines", "language").order_by("pk")[::1] == [
        (listed.pk, 3, 2, ""), (cut_short.pk, 1500, None, ""), (done.pk, 0, None, "")]
