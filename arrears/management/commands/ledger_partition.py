from django.core.management.base import BaseCommand, CommandError

from arrears.partitioning import SCHEMES, ledger_partition, ledger_partitioning
from core.errors import DomainError


class Command(BaseCommand):
    help = ("Rebuild the ledger as a natively partitioned table (PostgreSQL), in one transaction that holds it "
            "locked: by a hash of the consumer (the default) or by ranges of id. See arrears/partitioning.py.")

    def add_arguments(self, parser):
        parser.add_argument("--partitions", type=int, default=None, help="how many partitions (2 to 1024)")
        parser.add_argument("--scheme", choices=SCHEMES, default="hash")
        parser.add_argument("--show", action="store_true", help="only say how the ledger is partitioned now")

    def handle(self, *args, partitions, scheme, show, **options):
        if show:
            self.stdout.write(ledger_partitioning() or "the ledger is a plain table")
            return
        if partitions is None:
            raise CommandError("--partitions N is required")
        try:
            result = ledger_partition(partitions=partitions, scheme=scheme)
        except DomainError as exc:
            raise CommandError(str(exc)) from None
        if options["verbosity"] > 1:
            for name, seconds in result.steps:
                self.stdout.write(f"  {name}: {seconds:.1f} s")
            for line in result.foreign_keys:
                self.stdout.write(f"  {line}")
        self.stdout.write(self.style.SUCCESS(
            f"ledger partitioned by {scheme} into {result.partitions} partitions: {result.rows} rows"
            f" in {result.seconds:.1f} s"))
