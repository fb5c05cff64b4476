from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reports.demo import HISTORY_DAYS, demo_history_seed


class Command(BaseCommand):
    help = (f"Demo history: each demo division's drives of the last {HISTORY_DAYS} working days, with cuts, payments "
            "on the spot and reconnections (run after seed_demo and build_defaulter_lists; idempotent).")

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="allow seeding with DEBUG off")

    def handle(self, *args, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("refusing to load demo data with DEBUG off (use --force on a test system)")
        result = demo_history_seed()
        self.stdout.write(self.style.SUCCESS(
            f"Demo history: {result.drives} past drives, {result.disconnections} disconnections, "
            f"{result.payments} payments on the spot, {result.reconnections} reconnections."))
