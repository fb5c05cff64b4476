from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import demo_organisation_seed, demo_password


class Command(BaseCommand):
    help = "Load demo data: KESCO's divisions and a user of each role (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="allow seeding with DEBUG off")

    def handle(self, *args, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("refusing to load demo data with DEBUG off (use --force on a test system)")
        logins = demo_organisation_seed()
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded. Logins (password: {demo_password()}):"))
        for username, role, code in logins:
            self.stdout.write(f"  {username:<14} {role:<8} {code or 'all divisions'}")
