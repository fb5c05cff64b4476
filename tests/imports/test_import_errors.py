"""How a file's bad rows are reported: the first MAX_REPORTED_ERRORS in line order, then how many more."""

import pytest
from django.core.management import CommandError, call_command

from arrears.models import Consumer
from core.errors import ImportFailed
from imports.models import ImportJob
from imports.pipeline.reader import MAX_REPORTED_ERRORS
from imports.services import import_run

HEADER = "account_no,name,address,division_code,category,sanctioned_load_kw,phone,meter_no,is_protected\n"


def consumers_file(tmp_path, bad_phones: int, short_rows: int = 0):
    """A consumers file whose rows each have one bad value: a phone number the SQL checks
    refuse, or (``short_rows``, first) too few values for the reader."""
    rows = [f"{10000000 + i},Ram {i},Addr,RTP,domestic,2,\n" for i in range(short_rows)]
    rows += [f"{20000000 + i},Shyam {i},Addr,RTP,domestic,2,12345,M-{i},0\n" for i in range(bad_phones)]
    path = tmp_path / "consumers.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return str(path)


def test_it_lists_a_thousand_bad_rows_then_says_how_many_more(rtp, tmp_path, capsys):
    path = consumers_file(tmp_path, bad_phones=1500)

    with pytest.raises(CommandError, match="1500 lines with problems, 1500 problems"):
        call_command("import_consumers", path)

    errors = capsys.readouterr().err.splitlines()
    assert len(errors) == MAX_REPORTED_ERRORS + 1
    assert errors[0] == "line 2: phone: not a phone number: 12345"
    assert errors[MAX_REPORTED_ERRORS - 1] == f"line {MAX_REPORTED_ERRORS + 1}: phone: not a phone number: 12345"
    assert errors[-1] == "… and 500 more problems not shown"
    assert not Consumer.objects.exists()


def test_it_says_nothing_more_when_exactly_a_thousand_rows_are_bad(rtp, tmp_path):
    with pytest.raises(ImportFailed) as failed:
        import_run(kind="consumers", file=consumers_file(tmp_path, bad_phones=MAX_REPORTED_ERRORS),
                   source="command")

    assert len(failed.value.errors) == MAX_REPORTED_ERRORS
    assert failed.value.errors[-1] == f"line {MAX_REPORTED_ERRORS + 1}: phone: not a phone number: 12345"
    assert str(failed.value) == (f"{MAX_REPORTED_ERRORS} lines with problems, {MAX_REPORTED_ERRORS} problems; "
                                 "nothing was written")


def test_it_counts_the_readers_bad_rows_and_the_checks_together(rtp, tmp_path):
    # The reader's rows (wrong number of values) come first by line, then the checks'.
    with pytest.raises(ImportFailed):
        import_run(kind="consumers", file=consumers_file(tmp_path, bad_phones=800, short_rows=1200),
                   source="command")

    job = ImportJob.objects.get()  # what the upload page and the job page show
    assert len(job.errors) == MAX_REPORTED_ERRORS + 1
    assert job.errors[0] == "line 2: row: expected 9 values, found 7"
    assert job.errors[MAX_REPORTED_ERRORS - 1] == f"line {MAX_REPORTED_ERRORS + 1}: row: expected 9 values, found 7"
    assert job.errors[-1] == "… and 1000 more problems not shown"
    assert job.summary == "2000 lines with problems, 2000 problems; nothing was written"
    assert (job.bad_lines, job.problems) == (2000, 2000)


def test_it_heads_the_job_page_with_every_bad_row_counted(client, rtp, it_admin, tmp_path):
    with pytest.raises(ImportFailed):
        import_run(kind="consumers", file=consumers_file(tmp_path, bad_phones=1500), user=it_admin, source="web")
    client.force_login(it_admin)
    job = ImportJob.objects.get()

    page = client.get(f"/imports/{job.pk}/").content.decode()
    status = client.get(f"/imports/{job.pk}/status.json").json()

    assert "1,500 lines with problems, 1,500 problems" in page
    assert (status["error_count"], status["bad_lines"]) == (1500, 1500)


def test_it_counts_a_single_row_not_shown_as_one(rtp, tmp_path):
    with pytest.raises(ImportFailed) as failed:
        import_run(kind="consumers", file=consumers_file(tmp_path, bad_phones=MAX_REPORTED_ERRORS + 1),
                   source="command")

    assert failed.value.errors[-1] == "… and 1 more problem not shown"
