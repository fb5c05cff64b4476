from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reports.demo_settlements import DEMO_SCHEME, demo_settlements_seed


class Command(BaseCommand):
    help = (f"Demo settlements: the shipped schemes and {DEMO_SCHEME} (open today), and in each demo division a "
            "registration paying instalments, one completed and a promise to pay (run after seed_demo and "
            "build_defaulter_lists, before seed_demo_drives; idempotent).")

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="allow seeding with DEBUG off")

    def handle(self, *args, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("refusing to load demo data with DEBUG off (use --force on a test system)")
        result = demo_settlements_seed()
        self.stdout.write(self.style.SUCCESS(
            f"Demo settlements: {result.schemes} schemes loaded, {result.registrations} registrations "
            f"({result.completed} completed), {result.promises} promises to pay."))
