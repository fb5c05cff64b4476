"""/health/: the facts of /healthz and the last backups, for IT and the MD."""

from datetime import timedelta

import pytest
from django.utils import timezone

from backups.models import BackupRun


@pytest.fixture(autouse=True)
def _no_broker(settings):
    settings.REDIS_URL = ""


def _run(*, days_ago: int, status: str = "ok", error: str = "") -> BackupRun:
    finished = timezone.now() - timedelta(days=days_ago)
    name = f"kesco-{finished:%Y%m%d}-040000.dump" if status == "ok" else ""
    return BackupRun.objects.create(started_at=finished, finished_at=finished, duration=timedelta(seconds=42),
                                    status=status, trigger="beat", error=error, database_file=name,
                                    database_bytes=5 * 1024 * 1024 if name else None, database_sha256="ab" * 32,
                                    media_file=name.replace(".dump", "-media.tar.gz"), media_bytes=2048)


def test_it_lists_the_last_backups_for_it(client, it_admin):
    good = _run(days_ago=1)
    _run(days_ago=0, status="failed", error="BackupError: pg_dump is not on the PATH")
    _run(days_ago=40)  # older than the fourteen the page shows
    for days in range(2, 15):
        _run(days_ago=days)
    client.force_login(it_admin)

    page = client.get("/health/").content.decode()

    assert page.count("<tr>") == 1 + 14  # the heading and the fourteen newest
    assert good.database_file in page and "5.0\xa0MB" in page and "42.0 seconds" in page
    assert "BackupError: pg_dump is not on the PATH" in page  # as the latest run and in its row
    assert "The latest backup failed:" in page


def test_it_says_there_is_no_backup_yet(client, md):
    client.force_login(md)
    page = client.get("/health/").content.decode()
    assert "No backups yet." in page and "python manage.py backup" in page


def test_it_is_refused_to_clerks_and_officers(client, clerk, officer):
    for user in (clerk, officer):
        client.force_login(user)
        assert client.get("/health/").status_code == 403


def test_it_is_linked_from_the_menu_of_it(client, it_admin, clerk):
    client.force_login(it_admin)
    assert 'href="/health/"' in client.get("/").content.decode()
    client.force_login(clerk)
    assert 'href="/health/"' not in client.get("/").content.decode()
