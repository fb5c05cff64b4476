"""``import_schemes FILE`` / ``import_schemes --shipped``: settlement schemes from schemes.json, all or nothing."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from settlements.schemes import FIXTURE, SchemeImportError, schemes_load


class Command(BaseCommand):
    help = ("Load settlement schemes from a schemes.json file (the shape of settlements/fixtures/schemes.json): "
            "each scheme is created, or replaced whole by its code until someone has registered under it. All or "
            "nothing: on any refusal nothing is written and the exit status is 1. --shipped loads the schemes that "
            "ship with the app (OTS 2024-25, Bijli Bill Rahat Yojana 2025).")

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="schemes.json (UTF-8)")
        parser.add_argument("--shipped", action="store_true", help=f"load {FIXTURE.name} that ships with the app")

    def handle(self, *args, file=None, shipped=False, **options):
        if bool(file) == bool(shipped):
            raise CommandError("give a schemes.json file or --shipped (one of them)")
        source = FIXTURE if shipped else Path(file)
        try:
            data = json.loads(source.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CommandError(f"{source}: no such file") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"{source}: not JSON in UTF-8: {exc}") from None
        try:
            schemes = schemes_load(data)
        except SchemeImportError as exc:
            raise CommandError(f"{source}: {exc.code}: {exc}; nothing was loaded") from None
        for scheme in schemes:
            self.stdout.write(
                f"{scheme.code} {scheme.name_en}: {scheme.starts_on} to {scheme.ends_on}, dues up to "
                f"{scheme.dues_cutoff}; {scheme.phases.count()} phases, {scheme.rules.count()} rules, "
                f"{scheme.terms.count()} terms")
        self.stdout.write(self.style.SUCCESS(f"{source}: {len(schemes)} scheme{'' if len(schemes) == 1 else 's'} "
                                             "loaded"))
