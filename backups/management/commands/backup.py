from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backups.models import BackupStatus, BackupTrigger
from backups.services import backup_take


def _size(count: int | None) -> str:
    return f"{(count or 0) / (1024 * 1024):.1f} MB"


class Command(BaseCommand):
    help = ("Back the database (pg_dump -Fc; a copy on SQLite) and the media up into BACKUP_DIR, with a manifest "
            "of row counts and money totals; then delete backups older than BACKUP_KEEP_DAYS (never the newest).")

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, help="where to write (default: the BACKUP_DIR setting)")

    def handle(self, *args, dir, **options):
        run = backup_take(trigger=BackupTrigger.COMMAND, directory=dir)
        if run.status != BackupStatus.OK:
            raise CommandError(f"backup failed: {run.error}")
        seconds = run.duration.total_seconds()
        self.stdout.write(f"{run.database_file}: {_size(run.database_bytes)}, sha256 {run.database_sha256}")
        self.stdout.write(f"{run.media_file}: {_size(run.media_bytes)}, sha256 {run.media_sha256}")
        for label, total in run.manifest.get("totals", {}).items():
            self.stdout.write(f"  {label}: {total}")
        for name in run.pruned:
            self.stdout.write(f"deleted {name} (older than the retention)")
        self.stdout.write(self.style.SUCCESS(
            f"Backup done in {seconds:.1f} s: {len(run.manifest.get('tables', {}))} tables"))
