from datetime import date

from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from core.money import format_inr
from defaulters.models import DefaulterRun, DefaulterRunStatus, DefaulterTrigger
from defaulters.services import defaulter_lists_build


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--as-of: not a date (YYYY-MM-DD): {value!r}") from None


class Command(BaseCommand):
    help = "Build the defaulter lists now (the nightly job), one division after another."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=_date, help="the day (YYYY-MM-DD); default today in India")
        parser.add_argument("--threshold", help="rupees, e.g. 10000.00; default the DEFAULTER_THRESHOLD setting")
        parser.add_argument("--division", action="append", metavar="CODE",
                            help="only this division (repeatable); default all")

    def handle(self, *args, as_of, threshold, division, **options):
        def progress(run: DefaulterRun) -> None:
            seconds = run.duration.total_seconds() if run.duration else 0.0
            if run.status == DefaulterRunStatus.DONE:
                self.stdout.write(f"{run.division.code}: {run.consumer_count} defaulters, "
                                  f"{format_inr(run.total_arrears)} arrears ({seconds:.2f} s)")
            else:
                self.stderr.write(f"{run.division.code}: FAILED: {run.error}")

        try:
            runs = defaulter_lists_build(as_of=as_of, threshold=threshold, division_codes=division,
                                         trigger=DefaulterTrigger.COMMAND, progress=progress)
        except DomainError as exc:
            raise CommandError(str(exc)) from None
        failed = [run for run in runs if run.status != DefaulterRunStatus.DONE]
        if failed:
            raise CommandError(f"{len(failed)} of {len(runs)} divisions failed; their previous lists are unchanged")
        if runs:
            self.stdout.write(self.style.SUCCESS(
                f"Defaulter lists as of {runs[0].as_of} (above {format_inr(runs[0].threshold)}): "
                f"{len(runs)} divisions, {sum(r.consumer_count for r in runs)} defaulters"))
        else:
            self.stdout.write("No divisions: nothing to build")
