"""The shape shared by the `import_*` management commands."""

import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from kesco.csvimport import ImportResult, count_lines
from kesco.errors import ImportFailed


class ImportCommand(BaseCommand):
    """Runs one import service on a CSV file: all-or-nothing, errors per line, exit 1 on any."""

    what = "rows"

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file (UTF-8, header row)")
        parser.add_argument("--dry-run", action="store_true", help="check the file; write nothing")

    def run_import(self, *, file, dry_run: bool, progress) -> ImportResult:
        raise NotImplementedError

    def handle(self, *args, file, dry_run, **options):
        bar = None
        if sys.stderr.isatty() and options.get("verbosity", 1) > 0:
            bar = tqdm(total=count_lines(file), unit=" rows", desc=f"Reading {self.what}", file=sys.stderr)
        try:
            result = self.run_import(file=file, dry_run=dry_run, progress=bar.update if bar else None)
        except FileNotFoundError:
            raise CommandError(f"{file}: no such file") from None
        except ImportFailed as exc:
            for message in exc.errors:
                self.stderr.write(message)
            raise CommandError(f"{file}: {exc}") from None
        finally:
            if bar:
                bar.close()
        self.stdout.write(self.style.SUCCESS(f"{file}: {result.summary()}"))
