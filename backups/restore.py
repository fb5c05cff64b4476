"""The restore drill: a backup restored into a scratch database and its manifest compared with the source's.

A dump that pg_restore reads back, and whose row counts and money totals equal those counted when it
was taken, is a backup; anything less is found here rather than on the day it is needed.
"""

import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper

from backups.manifest import manifest_differences, manifest_of
from backups.models import BackupRun
from backups.services import BackupError, file_sha256, postgres_client, postgres_run

SCRATCH_PREFIX = "kesco_restore_check_"


@dataclass
class RestoreCheck:
    source: dict  # the manifest taken with the backup (or of the live database, with no manifest)
    restored: dict  # the manifest of the restored copy
    differences: list[str]
    notes: list[str] = field(default_factory=list)  # what was compared with what, for the reader

    @property
    def ok(self) -> bool:
        return not self.differences


def backup_restore_check(*, path: Path, keep: bool = False) -> RestoreCheck:
    """Restores the backup at ``path`` (a .dump into a scratch database, dropped afterwards unless ``keep``;
    a .sqlite3 copy is read as it is) and compares its manifest with the one written beside it, or with
    the live database's when there is none. Raises BackupError when it cannot restore at all."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    notes, differences = [], []
    run = BackupRun.objects.filter(database_file=path.name).exclude(database_sha256="").first()
    if run is None:
        notes.append("no backup run records this file: its checksum is not checked")
    elif file_sha256(path) != run.database_sha256:
        differences.append(f"{path.name}: SHA-256 differs from the one recorded when it was taken "
                           f"({run.database_sha256})")
    else:
        notes.append(f"SHA-256 equals the one recorded when it was taken ({run.database_sha256})")
    if path.name.endswith(".sqlite3"):
        restored = _sqlite_manifest(path)
    elif connection.vendor == "postgresql":
        restored = _postgres_restore_manifest(path, keep=keep, notes=notes)
    else:
        raise BackupError(f"{path.name}: a PostgreSQL dump is restored on PostgreSQL; this is {connection.vendor}")
    manifest_path = path.with_name(path.name + ".json")
    if manifest_path.is_file():
        source = json.loads(manifest_path.read_text(encoding="utf-8"))
        notes.append(f"compared with {manifest_path.name}, counted when the backup was taken")
    else:
        source = manifest_of(connection)
        notes.append(f"no {manifest_path.name}: compared with the live database {connection.settings_dict['NAME']}, "
                     f"which may have changed since")
    return RestoreCheck(source=source, restored=restored, differences=differences
                        + manifest_differences(source, restored), notes=notes)


def _sqlite_manifest(path: Path) -> dict:
    """The manifest of a SQLite copy, read where it lies (read-only: the check changes nothing)."""
    copy = SQLiteWrapper({**connection.settings_dict, "ENGINE": "django.db.backends.sqlite3",
                          "NAME": f"file:{path.resolve()}?mode=ro", "OPTIONS": {}})
    try:
        return manifest_of(copy)
    finally:
        copy.close()


def _postgres_restore_manifest(path: Path, *, keep: bool, notes: list[str]) -> dict:
    args, env = postgres_client("pg_restore")
    name = SCRATCH_PREFIX + secrets.token_hex(4)
    admin = connection.copy()  # autocommit: CREATE DATABASE runs outside any transaction
    quoted = admin.ops.quote_name(name)
    with admin.cursor() as cursor:
        # template0: a database with nothing in it, not even what template1 may have been given.
        cursor.execute(f"CREATE DATABASE {quoted} TEMPLATE template0")
    try:
        # --no-owner, --no-privileges: the roles of the machine it was taken on need not exist here.
        postgres_run([*args, "--no-owner", "--no-privileges", "--exit-on-error", f"--dbname={name}", str(path)], env)
        scratch = connection.copy()
        scratch.settings_dict["NAME"] = name
        try:
            return manifest_of(scratch)
        finally:
            scratch.close()
    finally:
        if keep:
            notes.append(f"restored into {name}, kept (--keep): drop it with DROP DATABASE {name}")
        else:
            with admin.cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
            notes.append(f"restored into {name}, dropped afterwards")
        admin.close()
