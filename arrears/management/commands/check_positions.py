from django.core.management.base import BaseCommand, CommandError

from arrears.services import positions_check
from core.models import Source


class Command(BaseCommand):
    help = "Prove that every consumer's cached balance and arrears equal the ledger (the nightly check)."

    def handle(self, *args, **options):
        check = positions_check(source=Source.COMMAND)
        for item in check.details:
            self.stderr.write(
                f"{item['account_no']}: balance cached {item['cached_balance']} ledger {item['ledger_balance']};"
                f" arrears cached {item['cached_arrears']} ledger {item['ledger_arrears']};"
                f" oldest due cached {item['cached_oldest_due_date'] or '-'} ledger"
                f" {item['ledger_oldest_due_date'] or '-'}")
        if check.mismatches:
            raise CommandError(f"{check.mismatches} of {check.consumers_checked} consumers differ from the ledger")
        self.stdout.write(self.style.SUCCESS(f"{check.consumers_checked} consumers checked: all equal the ledger"))
