from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import demo_organisation_seed, demo_password
from core.money import format_inr, format_inr_short, group_indian
from imports.demo import demo_arrears_seed


class Command(BaseCommand):
    help = ("Load demo data: KESCO's divisions, a user of each role, consumers with a year of bills and "
            "payments (idempotent: a second run the same day changes nothing).")

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="allow seeding with DEBUG off")

    def handle(self, *args, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("refusing to load demo data with DEBUG off (use --force on a test system)")
        logins = demo_organisation_seed()
        result = demo_arrears_seed()
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded. Logins (password: {demo_password()}):"))
        for username, role, code in logins:
            self.stdout.write(f"  {username:<14} {role:<8} {code or 'all divisions'}")
        threshold = format_inr(settings.DEFAULTER_THRESHOLD).removesuffix(".00")
        self.stdout.write(
            f"{group_indian(result.consumers)} consumers, {group_indian(result.entries)} ledger entries, "
            f"{group_indian(result.defaulters)} defaulters above {threshold} "
            f"(arrears {format_inr_short(result.arrears)}); this run added "
            f"{group_indian(result.consumers_created)} consumers and {group_indian(result.entries_created)} "
            f"ledger entries.")
