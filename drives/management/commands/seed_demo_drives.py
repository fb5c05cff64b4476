from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from drives.demo import demo_drives_seed


class Command(BaseCommand):
    help = ("Demo drives: each demo division's top defaulters served a notice 20 days ago and a drive planned "
            "for today for its clerk (run after seed_demo and build_defaulter_lists; idempotent).")

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="allow seeding with DEBUG off")

    def handle(self, *args, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("refusing to load demo data with DEBUG off (use --force on a test system)")
        result = demo_drives_seed()
        self.stdout.write(self.style.SUCCESS(
            f"Demo drives: {result.drives} planned for today, {result.notices} notices served,"
            f" {result.theft_cases} theft cases reported."))
