"""The import report (issue 21, item 8): lines and problems counted apart, whole messages however long, and
errors written in the language the upload was made in, for a user who never chose one."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from core.errors import ImportFailed
from imports.models import ImportJob, ImportStatus
from imports.pipeline.reader import RowErrors
from imports.services import import_job_execute, import_run
from tests.factories import make_consumer

HEADER = "account_no,entry_date,kind,amount,reference,due_date\n"
# 3 bad lines (3, 5 and 6) with 7 problems: a line may have several bad values.
SEVEN_PROBLEMS_ON_THREE_LINES = (
    HEADER
    + "01000001,2025-01-01,BILL,12000.00,B-1,2025-01-16\n"
    + "01000001,2025-13-01,BIL,abc,B-2,2025-01-16\n"  # entry_date, kind, amount
    + "01000001,2025-02-01,PAYMENT,2000.00,P-1,\n"
    + "99999999,2025-02-28,BILL,-5,B-3,2025-03-16\n"  # account_no, amount
    + "01000001,2025-01-01,BILL,0,B-4,x\n"  # amount, due_date
)
DEVANAGARI = re.compile(r"[\u0900-\u097F]")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def consumer(rtp):
    return make_consumer(rtp, account_no="01000001")


def _upload(client, text: str, **headers):
    return client.post(reverse("import-upload"),
                       {"kind": "ledger", "file": SimpleUploadedFile("ledger.csv", text.encode(), "text/csv")},
                       **headers)


def test_it_counts_lines_and_problems_apart(consumer, tmp_path):
    path = tmp_path / "ledger.csv"
    path.write_text(SEVEN_PROBLEMS_ON_THREE_LINES, encoding="utf-8")

    with translation.override("en"), pytest.raises(ImportFailed) as failed:
        import_run(kind="ledger", file=str(path), source="command")

    assert (failed.value.lines, failed.value.problems) == (3, 7)
    assert str(failed.value) == "3 lines with problems, 7 problems; nothing was written"
    job = ImportJob.objects.get()
    assert (job.bad_lines, job.problems) == (3, 7)
    with translation.override("en"):
        assert job.summary_text() == "3 lines with problems, 7 problems; nothing was written"


def test_it_says_the_counts_on_the_command_line(consumer, tmp_path):
    path = tmp_path / "ledger.csv"
    path.write_text(SEVEN_PROBLEMS_ON_THREE_LINES, encoding="utf-8")
    with pytest.raises(CommandError, match="3 lines with problems, 7 problems; nothing was written"):
        call_command("import_ledger", str(path))


def test_it_shows_lines_and_problems_on_the_job_page(client, officer, consumer, django_capture_on_commit_callbacks):
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, SEVEN_PROBLEMS_ON_THREE_LINES)

    page = client.get(response.url).content.decode()
    assert "3 lines with problems, 7 problems" in page
    assert "bad rows" not in page
    status = client.get(reverse("import-job-status", args=[ImportJob.objects.get().pk])).json()
    assert (status["bad_lines"], status["error_count"]) == (3, 7)


def test_it_shows_the_counts_in_hindi(client, officer, consumer, django_capture_on_commit_callbacks):
    officer.language = "hi"
    officer.save(update_fields=["language"])
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, SEVEN_PROBLEMS_ON_THREE_LINES)

    page = client.get(response.url).content.decode()
    assert "समस्या वाली 3 पंक्तियाँ, 7 समस्याएँ" in page


def test_it_says_one_line_with_one_problem_in_the_singular(consumer, tmp_path):
    path = tmp_path / "ledger.csv"
    path.write_text(HEADER + "01000001,2025-01-01,BILL,0,B-1,2025-01-16\n", encoding="utf-8")
    with translation.override("en"):
        with pytest.raises(ImportFailed):
            import_run(kind="ledger", file=str(path), source="command")
        assert ImportJob.objects.get().summary_text() == "1 line with problems, 1 problem; nothing was written"


def test_it_counts_the_lines_of_problems_past_those_listed():
    errors = RowErrors()
    errors.add(2, "row", "expected 6 values, found 5")
    errors.merge([(3, "amount", "not an amount"), (3, "kind", "not a kind")], total=5000, lines=1200)
    with pytest.raises(ImportFailed) as failed:
        errors.raise_if_any()
    assert (failed.value.lines, failed.value.problems) == (1201, 5001)


def test_it_keeps_a_long_message_whole(client, officer, consumer, django_capture_on_commit_callbacks):
    kind = "BILLING" + "X" * 3000  # a value the reason quotes back: 3,007 characters
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, HEADER + f"01000001,2025-01-01,{kind},100.00,B-1,2025-01-16\n")

    job = ImportJob.objects.get()
    assert job.errors == [f"line 2: kind: must be BILL, SURCHARGE, PAYMENT or ADJUSTMENT: {kind}"]
    page = client.get(response.url).content.decode()
    assert f"ADJUSTMENT: {kind}\n" in page  # all of it, in the box that wraps it (static/css/kesco.css)


def test_it_writes_the_errors_in_the_language_of_the_upload_when_none_was_chosen(
        client, officer, consumer, django_capture_on_commit_callbacks):
    assert officer.language == ""  # never chose one: the browser asks for Hindi
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        _upload(client, SEVEN_PROBLEMS_ON_THREE_LINES, HTTP_ACCEPT_LANGUAGE="hi")
    job = ImportJob.objects.get()
    assert job.language == "hi" and queued

    with translation.override("en"):  # the worker: no request, the site's language
        import_job_execute(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert all(DEVANAGARI.search(error) for error in job.errors), job.errors
    page = client.get(reverse("import-job-detail", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="hi").content.decode()
    assert 'lang="hi"' in page


def test_it_writes_the_errors_in_the_language_the_user_chose_over_the_browsers(
        client, officer, consumer, django_capture_on_commit_callbacks):
    officer.language = "en"
    officer.save(update_fields=["language"])
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, SEVEN_PROBLEMS_ON_THREE_LINES, HTTP_ACCEPT_LANGUAGE="hi")

    job = ImportJob.objects.get()
    assert job.language == "en"
    assert not any(DEVANAGARI.search(error) for error in job.errors)


def test_it_writes_the_errors_of_a_job_queued_before_languages_were_stored_as_before(officer, consumer, tmp_path):
    officer.language = "hi"
    officer.save(update_fields=["language"])
    job = ImportJob.objects.create(kind="ledger", original_name="ledger.csv", created_by=officer,
                                   division=officer.division, source="web")
    job.file.save("ledger.csv", SimpleUploadedFile("ledger.csv", SEVEN_PROBLEMS_ON_THREE_LINES.encode()))
    assert job.language == ""

    import_job_execute(job_id=job.pk)

    job.refresh_from_db()
    assert all(DEVANAGARI.search(error) for error in job.errors), job.errors
