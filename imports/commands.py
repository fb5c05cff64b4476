"""The shape shared by the `import_*` management commands."""

import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from core.errors import ImportFailed
from core.models import Source
from imports.pipeline.reader import count_lines
from imports.services import import_run


class ImportCommand(BaseCommand):
    """Runs one import on a CSV file: all-or-nothing, errors per line, exit 1 on any.

    The same service as the upload page (arrears.services.import_run), recorded as
    an import job made through the command line."""

    kind = ""

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file (UTF-8, header row)")
        parser.add_argument("--dry-run", action="store_true", help="check the file; write nothing")

    def handle(self, *args, file, dry_run, **options):
        bar = None
        if sys.stderr.isatty() and options.get("verbosity", 1) > 0:
            bar = tqdm(total=count_lines(file), unit=" rows", desc=f"Importing {self.kind}", file=sys.stderr)
        try:
            result = import_run(kind=self.kind, file=file, dry_run=dry_run, source=Source.COMMAND,
                                progress=bar.update if bar else None)
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
