from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backups.restore import backup_restore_check
from backups.services import BackupError


class Command(BaseCommand):
    help = ("Restore a backup into a scratch database (dropped afterwards) and compare its row counts and money "
            "totals with those counted when it was taken (FILE.json; without one, the live database). Exits "
            "non-zero naming each table or total that differs.")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="a kesco-….dump (or kesco-….sqlite3) backup")
        parser.add_argument("--keep", action="store_true", help="keep the scratch database to look into")

    def handle(self, *args, file, keep, **options):
        try:
            check = backup_restore_check(path=file, keep=keep)
        except BackupError as exc:
            raise CommandError(f"restore failed: {exc}") from None
        for note in check.notes:
            self.stdout.write(note)
        source, restored = check.source, check.restored
        self.stdout.write(f"\n{'total':<40} {'source':>20} {'restored':>20}")
        for label in sorted(set(source.get("totals", {})) | set(restored.get("totals", {}))):
            was, now = source.get("totals", {}).get(label, "—"), restored.get("totals", {}).get(label, "—")
            self.stdout.write(f"{label:<40} {was:>20} {now:>20}  {'ok' if was == now else 'DIFFERS'}")
        self.stdout.write(f"\n{'table':<40} {'source rows':>20} {'restored rows':>20}")
        for table in sorted(set(source["tables"]) | set(restored["tables"])):
            was = source["tables"].get(table, {}).get("rows", "—")
            now = restored["tables"].get(table, {}).get("rows", "—")
            self.stdout.write(f"{table:<40} {was!s:>20} {now!s:>20}  {'ok' if was == now else 'DIFFERS'}")
        if not check.ok:
            raise CommandError(f"the restore differs from the source in {len(check.differences)} places:\n  "
                               + "\n  ".join(check.differences))
        sums = sum(len(table["sums"]) for table in source["tables"].values())
        self.stdout.write(self.style.SUCCESS(
            f"\nRestore check passed: {len(source['tables'])} tables' row counts and {sums} money column totals "
            f"equal the source's"))
