"""Taking a backup (the nightly task and `manage.py backup` call backup_take) and keeping BACKUP_KEEP_DAYS.

A backup is three files in BACKUP_DIR, named by the moment it was taken (India time):
kesco-YYYYmmdd-HHMMSS.dump (pg_dump's custom format; .sqlite3 on SQLite), the manifest beside it
(….dump.json: row counts and money totals, backups.manifest) and kesco-YYYYmmdd-HHMMSS-media.tar.gz.
Each is written under a .partial name and renamed once complete, so a half-written file is never taken
for a backup; a failed run deletes its partial files and is recorded with its reason.
"""

import hashlib
import json
import logging
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from backups.manifest import manifest_of
from backups.models import BackupRun, BackupStatus

logger = logging.getLogger(__name__)

STAMP_FORMAT = "%Y%m%d-%H%M%S"
PARTIAL = ".partial"
# Every file a backup writes, complete or not: kesco-<stamp>.dump, .dump.json, .sqlite3, .sqlite3.json,
# -media.tar.gz, each perhaps still .partial.
BACKUP_FILE = re.compile(r"^kesco-(?P<stamp>\d{8}-\d{6})(?P<kind>\.dump|\.sqlite3|-media\.tar\.gz)(?:\.json)?"
                         r"(?:\.partial)?$")
DATABASE_SUFFIXES = (".dump", ".sqlite3")


class BackupError(Exception):
    """A backup or a restore could not be made; the text says why (for the run's record and the log)."""


def backup_take(*, trigger: str, directory: Path | None = None) -> BackupRun:
    """Backs the database and the media up into ``directory`` (default BACKUP_DIR), records the run, and on
    success deletes what BACKUP_KEEP_DAYS no longer keeps (backups_prune). Never raises for a failed
    backup: the run comes back failed, with its reason in ``error``."""
    directory = Path(directory or settings.BACKUP_DIR)
    started, clock = timezone.now(), time.monotonic()
    stamp = timezone.localtime(started).strftime(STAMP_FORMAT)
    run = BackupRun(started_at=started, trigger=trigger, status=BackupStatus.FAILED)
    written: list[Path] = []  # what this run has written, complete or not: deleted if it fails
    try:
        directory.mkdir(parents=True, exist_ok=True)
        if connection.vendor == "postgresql":
            database_path, manifest = _postgres_dump(directory / f"kesco-{stamp}.dump", written)
        elif connection.vendor == "sqlite":
            database_path, manifest = _sqlite_copy(directory / f"kesco-{stamp}.sqlite3", written)
        else:
            raise BackupError(f"no backup for a {connection.vendor} database")
        media_path = _media_archive(directory / f"kesco-{stamp}-media.tar.gz", written, backup_dir=directory)
    # Anything at all (pg_dump missing, a full disk, a database error): a backup that did not happen must
    # say so on the health page, whatever stopped it.
    except Exception as exc:
        run.error = f"{exc.__class__.__name__}: {exc}"
        for leftover in written:
            leftover.unlink(missing_ok=True)
        logger.error("backup %s failed: %s", stamp, run.error)
    else:
        run.status = BackupStatus.OK
        run.manifest = manifest
        run.database_file, run.database_bytes, run.database_sha256 = (
            database_path.name, database_path.stat().st_size, file_sha256(database_path))
        run.media_file, run.media_bytes, run.media_sha256 = (
            media_path.name, media_path.stat().st_size, file_sha256(media_path))
    run.finished_at = timezone.now()
    run.duration = timedelta(seconds=time.monotonic() - clock)
    run.save()
    if run.status == BackupStatus.OK:
        run.pruned = backups_prune(directory=directory)
        if run.pruned:
            run.save(update_fields=["pruned"])
    return run


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _partial(path: Path, written: list[Path]) -> Path:
    """Where ``path`` is written until it is complete; both are noted in ``written``."""
    if path.exists():  # two backups in the same second: the second must not overwrite the first
        raise BackupError(f"{path.name} exists already")
    partial = path.with_name(path.name + PARTIAL)
    written += [partial, path]
    return partial


def _manifest_write(database_path: Path, manifest: dict, written: list[Path]) -> None:
    path = database_path.with_name(database_path.name + ".json")
    partial = _partial(path, written)
    partial.write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    partial.replace(path)


def postgres_client(program: str) -> tuple[list[str], dict[str, str]]:
    """The command line of ``program`` (pg_dump, pg_restore) up to the database name, and its environment:
    the connection of the default database, its password in PGPASSWORD (never on a command line, where
    any user of the machine reads it)."""
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(f"{program} is not on the PATH (install PostgreSQL's client programs: postgresql-client)")
    db = connection.settings_dict
    args = [executable, "--no-password"]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args.append(f"{option}={db[key]}")
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    if db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = db["OPTIONS"]["sslmode"]
    return args, env


def postgres_run(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} exited with {result.returncode}: {result.stderr.strip()[-2000:]}")


def _postgres_dump(path: Path, written: list[Path]) -> tuple[Path, dict]:
    """pg_dump -Fc of the snapshot the manifest is counted in: the dump holds exactly the rows counted,
    whatever is written meanwhile. The snapshot lives as long as its exporting transaction: open until
    pg_dump has finished."""
    args, env = postgres_client("pg_dump")
    partial = _partial(path, written)
    snapshot_db = connection.copy()  # a connection of its own: the caller may be inside a transaction
    try:
        snapshot_db.set_autocommit(False)
        with snapshot_db.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        manifest = manifest_of(snapshot_db)
        postgres_run([*args, "--format=custom", f"--snapshot={snapshot}", f"--file={partial}",
                      snapshot_db.settings_dict["NAME"]], env)
    finally:
        snapshot_db.close()
    _manifest_write(path, manifest, written)
    partial.replace(path)
    return path, manifest


def _sqlite_copy(path: Path, written: list[Path]) -> tuple[Path, dict]:
    """A consistent copy through SQLite's backup API, counted in the same read transaction."""
    partial = _partial(path, written)
    connection.ensure_connection()
    with transaction.atomic():
        manifest = manifest_of(connection)
        target = sqlite3.connect(partial)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    _manifest_write(path, manifest, written)
    partial.replace(path)
    return path, manifest


def _media_archive(path: Path, written: list[Path], *, backup_dir: Path) -> Path:
    """MEDIA_ROOT as a .tar.gz under "media/" (empty when there is no media yet), without BACKUP_DIR should
    it lie inside MEDIA_ROOT."""
    partial = _partial(path, written)
    media = Path(settings.MEDIA_ROOT)
    skipped = backup_dir.resolve()
    with tarfile.open(partial, "w:gz") as archive:
        if media.is_dir():
            archive.add(media, arcname="media", recursive=False)
            for item in sorted(media.rglob("*")):
                resolved = item.resolve()
                if resolved == skipped or skipped in resolved.parents:
                    continue
                archive.add(item, arcname=f"media/{item.relative_to(media).as_posix()}", recursive=False)
    partial.replace(path)
    return path


def backup_taken_at(name: str) -> datetime | None:
    """When the backup a file belongs to was taken, from its name (India time, as it was written)."""
    match = BACKUP_FILE.match(name)
    if match is None:
        return None
    return timezone.make_aware(datetime.strptime(match["stamp"], STAMP_FORMAT))


def backups_prune(*, directory: Path | None = None, now: datetime | None = None) -> list[str]:
    """Deletes the backup files taken more than BACKUP_KEEP_DAYS ago, and returns their names. The newest
    backup is never deleted, however old: neither the newest good run's files nor the newest complete
    database copy in the directory (a nightly job that stopped weeks ago must not leave nothing)."""
    directory = Path(directory or settings.BACKUP_DIR)
    if not directory.is_dir():
        return []
    cutoff = (now or timezone.now()) - timedelta(days=settings.BACKUP_KEEP_DAYS)
    files = sorted(path for path in directory.iterdir() if path.is_file() and BACKUP_FILE.match(path.name))
    kept = set()
    copies = [path.name for path in files if path.name.endswith(DATABASE_SUFFIXES)]
    if copies:
        kept.add(BACKUP_FILE.match(copies[-1])["stamp"])
    newest_run = BackupRun.objects.filter(status=BackupStatus.OK).exclude(database_file="").first()
    if newest_run is not None and BACKUP_FILE.match(newest_run.database_file):
        kept.add(BACKUP_FILE.match(newest_run.database_file)["stamp"])
    deleted = []
    for path in files:
        if BACKUP_FILE.match(path.name)["stamp"] in kept or backup_taken_at(path.name) >= cutoff:
            continue
        path.unlink(missing_ok=True)
        deleted.append(path.name)
    if deleted:
        logger.info("backups: deleted %s (older than %s days)", ", ".join(deleted), settings.BACKUP_KEEP_DAYS)
    return deleted
