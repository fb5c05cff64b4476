from decimal import Decimal
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from arrears.models import LedgerEntry
from imports.models import ImportJob, ImportStatus
from tests.factories import make_consumer

GOOD_LEDGER = (
    "account_no,entry_date,kind,amount,reference,due_date\n"
    "01000001,2025-01-01,BILL,12000.00,B-2501-1,2025-01-16\n"
    "01000001,2025-02-01,PAYMENT,2000.00,P-2502-1,\n"
)
BAD_LEDGER = (
    "account_no,entry_date,kind,amount,reference,due_date\n"
    "01000001,2025-01-01,BILL,12000.00,B-2501-9,\n"
    "99999999,2025-13-01,BILL,abc,B-2501-8,2025-01-16\n"
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def consumer(rtp):
    return make_consumer(rtp, account_no="01000001")


def _csv(text: str, name: str = "ledger.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def _upload(client, django_capture_on_commit_callbacks, text, *, kind="ledger", dry_run=False, name="ledger.csv"):
    data = {"kind": kind, "file": _csv(text, name)}
    if dry_run:
        data["dry_run"] = "on"
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("import-upload"), data)


def test_it_imports_an_officers_ledger_file(client, officer, consumer, django_capture_on_commit_callbacks):
    client.force_login(officer)
    response = _upload(client, django_capture_on_commit_callbacks, GOOD_LEDGER)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("import-job-detail", args=[job.pk])
    assert job.status == ImportStatus.DONE
    consumer.refresh_from_db()
    assert consumer.balance == Decimal("10000.00")
    page = client.get(response.url).content.decode()
    assert "2 rows imported: 2 created" in page
    assert "import_job.js" not in page  # finished: nothing to poll


def test_it_lists_every_bad_line_of_a_failed_file(client, officer, consumer, django_capture_on_commit_callbacks):
    client.force_login(officer)
    response = _upload(client, django_capture_on_commit_callbacks, BAD_LEDGER)
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED
    assert not LedgerEntry.objects.exists()
    page = client.get(response.url).content.decode()
    assert "line 2: due_date: required for a BILL" in page
    assert "line 3: account_no: outside your division" in page  # unknown or another division's: one answer
    assert "line 3: amount:" in page
    assert "nothing was written" in page


def test_it_checks_only_on_a_dry_run(client, officer, consumer, django_capture_on_commit_callbacks):
    client.force_login(officer)
    _upload(client, django_capture_on_commit_callbacks, GOOD_LEDGER, dry_run=True)
    job = ImportJob.objects.get()
    assert (job.status, job.dry_run) == (ImportStatus.DONE, True)
    assert "dry run" in job.summary
    assert not LedgerEntry.objects.exists()


def test_it_confines_an_officers_upload_to_the_division(client, other_officer, consumer,
                                                        django_capture_on_commit_callbacks):
    client.force_login(other_officer)
    _upload(client, django_capture_on_commit_callbacks, GOOD_LEDGER)
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED
    assert any("outside your division" in line for line in job.errors)


def test_it_refuses_clerks(client, clerk, consumer):
    client.force_login(clerk)
    assert client.get(reverse("import-upload")).status_code == 403
    assert client.post(reverse("import-upload"), {"kind": "ledger", "file": _csv(GOOD_LEDGER)}).status_code == 403
    assert client.get(reverse("import-job-list")).status_code == 403
    assert not ImportJob.objects.exists()


def test_it_lets_md_watch_but_not_upload(client, md, officer, consumer, django_capture_on_commit_callbacks):
    client.force_login(officer)
    _upload(client, django_capture_on_commit_callbacks, GOOD_LEDGER)
    client.force_login(md)
    assert client.get(reverse("import-upload")).status_code == 403
    listing = client.get(reverse("import-job-list"))
    assert listing.status_code == 200 and b"ledger.csv" in listing.content


def test_it_offers_divisions_only_to_hq_and_it(client, officer, it_admin, django_capture_on_commit_callbacks):
    client.force_login(officer)
    assert b'value="divisions"' not in client.get(reverse("import-upload")).content
    response = _upload(client, django_capture_on_commit_callbacks, "code,name,name_hi\nKLP,Kalyanpur,\n",
                       kind="divisions", name="divisions.csv")
    assert response.status_code == 400 and not ImportJob.objects.exists()
    client.force_login(it_admin)
    assert b'value="divisions"' in client.get(reverse("import-upload")).content
    _upload(client, django_capture_on_commit_callbacks, "code,name,name_hi\nKLP,Kalyanpur,कल्याणपुर\n",
            kind="divisions", name="divisions.csv")
    assert ImportJob.objects.get().status == ImportStatus.DONE


def test_it_explains_a_missing_or_wrong_file(client, officer):
    client.force_login(officer)
    response = client.post(reverse("import-upload"), {"kind": "ledger"})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    response = client.post(reverse("import-upload"), {"kind": "ledger", "file": _csv("x", "ledger.xlsx")})
    assert "Choose a .csv file." in response.content.decode()


def test_it_hides_another_divisions_job(client, officer, other_officer, consumer, django_capture_on_commit_callbacks):
    client.force_login(officer)
    _upload(client, django_capture_on_commit_callbacks, GOOD_LEDGER)
    job = ImportJob.objects.get()
    client.force_login(other_officer)
    assert client.get(reverse("import-job-detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("import-job-status", args=[job.pk])).status_code == 404
    assert b"ledger.csv" not in client.get(reverse("import-job-list")).content


def test_it_reports_a_finished_jobs_status_as_json(client, officer, consumer, django_capture_on_commit_callbacks):
    client.force_login(officer)
    _upload(client, django_capture_on_commit_callbacks, GOOD_LEDGER)
    job = ImportJob.objects.get()
    data = client.get(reverse("import-job-status", args=[job.pk])).json()
    assert data["status"] == "done" and data["finished"] is True
    assert (data["rows_done"], data["rows_total"], data["error_count"]) == (2, 2, 0)


def test_it_reports_a_queued_job_without_a_task_id(client, officer, rtp):
    job = ImportJob.objects.create(kind="ledger", original_name="big.csv", created_by=officer, division=rtp)
    client.force_login(officer)
    data = client.get(reverse("import-job-status", args=[job.pk])).json()
    assert (data["status"], data["finished"], data["rows_done"]) == ("queued", False, 0)
    page = client.get(reverse("import-job-detail", args=[job.pk])).content.decode()
    assert "import_job.js" in page


def test_it_reports_the_tasks_live_progress(client, officer, rtp):
    job = ImportJob.objects.create(kind="ledger", original_name="big.csv", created_by=officer, division=rtp,
                                   status=ImportStatus.RUNNING, task_id="5f7c0d3e-task")
    client.force_login(officer)
    live = mock.Mock(state="PROGRESS", info={"rows_done": 30000})
    with mock.patch("imports.views.AsyncResult", return_value=live) as async_result:
        data = client.get(reverse("import-job-status", args=[job.pk])).json()
    async_result.assert_called_once_with("5f7c0d3e-task")
    assert (data["status"], data["rows_done"]) == ("running", 30000)


def test_it_survives_a_result_backend_that_is_down(client, officer, rtp):
    job = ImportJob.objects.create(kind="ledger", original_name="big.csv", created_by=officer, division=rtp,
                                   status=ImportStatus.RUNNING, task_id="5f7c0d3e-task", rows_done=5)
    client.force_login(officer)
    broken = mock.Mock()
    type(broken).state = mock.PropertyMock(side_effect=ConnectionError("redis down"))
    with mock.patch("imports.views.AsyncResult", return_value=broken):
        response = client.get(reverse("import-job-status", args=[job.pk]))
    assert response.status_code == 200 and response.json()["rows_done"] == 5


def test_it_pages_the_job_list(client, officer, rtp):
    for i in range(30):
        ImportJob.objects.create(kind="ledger", original_name=f"file{i:02d}.csv", created_by=officer, division=rtp,
                                 status=ImportStatus.DONE)
    client.force_login(officer)
    first = client.get(reverse("import-job-list")).content.decode()
    assert "file29.csv" in first and "file00.csv" not in first
    assert "file00.csv" in client.get(reverse("import-job-list"), {"page": 2}).content.decode()


def test_it_shows_jobs_in_the_admin(client, officer, other_officer, rtp, hsp):
    ImportJob.objects.create(kind="ledger", original_name="rtp-jan.csv", created_by=officer, division=rtp)
    ImportJob.objects.create(kind="ledger", original_name="hsp-jan.csv", created_by=other_officer, division=hsp)
    client.force_login(officer)
    page = client.get(reverse("admin:imports_importjob_changelist")).content
    assert b"rtp-jan.csv" in page and b"hsp-jan.csv" not in page



@pytest.mark.parametrize("shared", [True, False], ids=["one media volume", "worker with its own MEDIA_ROOT"])
def test_the_worker_reads_the_upload_from_the_media_the_web_process_saved_it_to(
        client, officer, consumer, settings, tmp_path, django_capture_on_commit_callbacks, shared):
    """Web and worker are separate processes (compose's web and worker containers): the worker finds the file only
    when both mount the same media volume; otherwise the job fails at once, saying why, not an hour later."""
    web_media, worker_media = tmp_path / "web", tmp_path / "worker"
    settings.MEDIA_ROOT = web_media
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(reverse("import-upload"), {"kind": "ledger", "file": _csv(GOOD_LEDGER)})
    settings.MEDIA_ROOT = web_media if shared else worker_media  # the worker's own settings
    for callback in queued:
        callback()
    job = ImportJob.objects.get()
    if shared:
        assert job.status == ImportStatus.DONE
        consumer.refresh_from_db()
        assert consumer.balance == Decimal("10000.00")
    else:
        assert job.status == ImportStatus.FAILED and job.finished_at is not None
        settings.MEDIA_ROOT = web_media
        page = client.get(response.url).content.decode()
        assert "the worker cannot find the uploaded file" in page
        assert not LedgerEntry.objects.exists()
