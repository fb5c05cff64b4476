"""Taking a backup on either database, a failed one recorded with its reason, and the nightly task."""

import tarfile
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from backups.models import BackupRun, BackupStatus, BackupTrigger
from backups.tasks import backup_nightly_task
from tests.factories import add_entry, make_consumer


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "stops").mkdir(parents=True)
    (tmp_path / "media" / "stops" / "cut.jpg").write_bytes(b"\xff\xd8\xff photo")
    return settings.MEDIA_ROOT


@pytest.mark.django_db(transaction=True)
def test_it_backs_up_and_checks_a_copy_on_either_database(media, tmp_path, settings, rtp):
    from datetime import date

    add_entry(make_consumer(rtp), "BILL", "20000.00", date(2026, 1, 1), due_date=date(2026, 1, 15))
    settings.BACKUP_DIR = tmp_path / "backups"

    call_command("backup", stdout=StringIO())

    run = BackupRun.objects.get()
    suffix = ".dump" if connection.vendor == "postgresql" else ".sqlite3"
    assert run.status == BackupStatus.OK and run.database_file.endswith(suffix)
    assert Decimal(run.manifest["totals"]["ledger debits"]) == Decimal("20000.00")
    assert run.manifest["tables"]["arrears_consumer"]["rows"] == 1
    with tarfile.open(settings.BACKUP_DIR / run.media_file) as archive:
        assert archive.extractfile("media/stops/cut.jpg").read() == b"\xff\xd8\xff photo"
    out = StringIO()
    call_command("backup_restore_check", str(settings.BACKUP_DIR / run.database_file), stdout=out)
    assert "Restore check passed" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_it_fails_a_sqlite_copy_that_lost_rows(media, tmp_path, settings, rtp):
    import sqlite3
    from datetime import date

    if connection.vendor != "sqlite":
        pytest.skip("the SQLite copy (PostgreSQL's dump: test_round_trip)")
    add_entry(make_consumer(rtp), "BILL", "20000.00", date(2026, 1, 1), due_date=date(2026, 1, 15))
    call_command("backup", "--dir", str(tmp_path), stdout=StringIO())
    copy = tmp_path / BackupRun.objects.get().database_file
    with sqlite3.connect(copy) as db:
        db.execute("DELETE FROM arrears_ledgerentry")

    with pytest.raises(CommandError) as failure:
        call_command("backup_restore_check", str(copy), stdout=StringIO())
    assert "arrears_ledgerentry: 1 rows in the source, 0 restored" in str(failure.value)
    assert "arrears_ledgerentry.debit: total 20000.00 in the source, 0.00 restored" in str(failure.value)


@pytest.mark.needs_postgres
@pytest.mark.django_db
def test_it_records_a_failed_backup_with_its_reason(media, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no pg_dump to be found

    with pytest.raises(CommandError, match="backup failed: BackupError: pg_dump is not on the PATH"):
        call_command("backup", "--dir", str(tmp_path / "backups"), stdout=StringIO())

    run = BackupRun.objects.get()
    assert run.status == BackupStatus.FAILED and run.trigger == BackupTrigger.COMMAND
    assert "pg_dump is not on the PATH" in run.error and run.database_file == ""
    assert list((tmp_path / "backups").iterdir()) == []  # nothing half-written left to be taken for a backup


@pytest.mark.django_db
def test_it_records_a_backup_it_could_not_write(media, tmp_path, caplog):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")

    with pytest.raises(CommandError, match="backup failed"):
        call_command("backup", "--dir", str(blocked / "backups"), stdout=StringIO())

    assert BackupRun.objects.get().status == BackupStatus.FAILED


@pytest.mark.django_db
def test_it_logs_an_error_when_the_nightly_backup_fails(media, tmp_path, settings, caplog):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    settings.BACKUP_DIR = blocked / "backups"

    result = backup_nightly_task()

    assert result["status"] == "failed"
    assert BackupRun.objects.get().trigger == BackupTrigger.BEAT
    assert any(record.levelname == "ERROR" and "nightly backup failed" in record.message for record in caplog.records)


def test_it_runs_the_nightly_backup_at_four_india_time(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["backup-nightly"]
    assert entry["task"] == backup_nightly_task.name == "backups.backup_nightly"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({4}, {0})
    # No other nightly job at that hour (the quarter-hourly sweeps are light).
    nightly = [e["schedule"] for name, e in settings.CELERY_BEAT_SCHEDULE.items()
               if name != "backup-nightly" and len(e["schedule"].hour) == 1]
    assert nightly and not any(4 in s.hour for s in nightly)
