"""BACKUP_KEEP_DAYS: older backups are deleted after each good one, never the newest."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from backups.models import BackupRun, BackupStatus
from backups.services import STAMP_FORMAT, backups_prune

NOW = datetime(2026, 3, 20, 4, 0)  # India time (the stamps' and TIME_ZONE's)


def _backup(directory, days_ago: float, *, partial: bool = False) -> list[str]:
    stamp = (NOW - timedelta(days=days_ago)).strftime(STAMP_FORMAT)
    names = [f"kesco-{stamp}.dump", f"kesco-{stamp}.dump.json", f"kesco-{stamp}-media.tar.gz"]
    if partial:
        names = [f"kesco-{stamp}.dump.partial"]
    for name in names:
        (directory / name).write_bytes(b"backup")
    return names


@pytest.fixture
def now():
    with time_machine.travel(timezone.make_aware(NOW), tick=False):
        yield


@pytest.mark.django_db
def test_it_deletes_backups_older_than_the_retention(tmp_path, settings, now):
    settings.BACKUP_KEEP_DAYS = 14
    old, crashed = _backup(tmp_path, 15), _backup(tmp_path, 20, partial=True)
    kept = _backup(tmp_path, 13.9) + _backup(tmp_path, 1)
    (tmp_path / "notes.txt").write_text("not a backup: left alone")

    deleted = backups_prune(directory=tmp_path)

    assert sorted(deleted) == sorted(old + crashed)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*kept, "notes.txt"])


@pytest.mark.django_db
def test_it_never_deletes_the_newest_backup(tmp_path, settings, now):
    settings.BACKUP_KEEP_DAYS = 14
    oldest, newest = _backup(tmp_path, 40), _backup(tmp_path, 30)  # the nightly job stopped a month ago

    assert sorted(backups_prune(directory=tmp_path)) == sorted(oldest)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(newest)


@pytest.mark.django_db
def test_it_keeps_the_newest_good_run_even_with_a_newer_copy_beside_it(tmp_path, settings, now):
    settings.BACKUP_KEEP_DAYS = 14
    good = _backup(tmp_path, 30)
    newer = _backup(tmp_path, 20)  # a copy put there by hand, no run of ours
    moment = timezone.now() - timedelta(days=30)
    BackupRun.objects.create(started_at=moment, finished_at=moment, duration=timedelta(seconds=1),
                             status=BackupStatus.OK, trigger="beat", database_file=good[0])

    backups_prune(directory=tmp_path)

    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(good + newer)
