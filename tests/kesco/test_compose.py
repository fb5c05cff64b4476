"""The production shape (docker-compose.yml, Dockerfile) keeps its data: every process sees one media volume and
one backup volume, where the settings say the files are."""

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())  # merge keys (<<: *app) resolved


def _mounts(service: dict) -> dict[str, str]:
    """{volume name: path in the container} of a service's named-volume mounts."""
    mounts = {}
    for mount in service.get("volumes", []):
        if isinstance(mount, str):
            source, target = mount.split(":")[:2]
        else:
            source, target = mount["source"], mount["target"]
        mounts[source] = target
    return mounts


@pytest.mark.parametrize("name", ["web", "worker", "worker-lists", "beat"])
def test_each_process_mounts_the_media_and_backup_volumes_where_its_settings_look(compose, name):
    service = compose["services"][name]
    mounts, environment = _mounts(service), service["environment"]
    assert mounts.get("media") == environment["MEDIA_ROOT"], f"{name}: uploads and photos would stay in its container"
    assert mounts.get("backups") == environment["BACKUP_DIR"], f"{name}: backups would die with its container"


def test_the_volumes_are_named_so_they_outlive_the_containers(compose):
    assert {"pgdata", "media", "backups"} <= set(compose["volumes"])
    assert _mounts(compose["services"]["postgres"]) == {"pgdata": "/var/lib/postgresql/data"}


def test_the_image_has_pg_dump_and_the_volume_directories_its_user_owns(compose):
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "postgresql-client" in dockerfile  # the worker's nightly pg_dump, the restore drill's pg_restore
    environment = compose["services"]["web"]["environment"]
    for path in (environment["MEDIA_ROOT"], environment["BACKUP_DIR"]):
        assert "mkdir -p" in dockerfile and path in dockerfile, path
    assert "chown -R kesco /app /var/lib/kesco" in dockerfile
    assert "USER kesco" in dockerfile


def test_the_worker_takes_the_nightly_backup_that_beat_schedules(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "backups.backup_nightly" in tasks  # run by the worker, which mounts the backup volume (above)


def test_a_second_worker_takes_the_nightly_lists_queue_and_one_beat_schedules(compose, settings):
    services = compose["services"]
    lists = services["worker-lists"]["command"]
    assert "-Q ${DEFAULTER_LISTS_QUEUE:-lists}" in lists and "-n lists@%h" in lists
    assert services["worker-lists"]["environment"]["DEFAULTER_LISTS_QUEUE"] == "${DEFAULTER_LISTS_QUEUE:-lists}"
    assert settings.DEFAULTER_LISTS_QUEUE == "lists"  # the default both sides name
    assert "-Q" not in services["worker"]["command"]  # every queue: the lists too, should worker-lists be down
    assert [name for name, service in services.items() if "beat" in service.get("command", "")] == ["beat"]
