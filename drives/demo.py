"""Demo drives for `make run`: each demo division's defaulters served a notice 20 days ago and a drive
planned for today, so the officer and the clerk of each division have a day to work through.

Through the services, as an officer would do it: notices served 20 days ago are entered by the officer from
the signed acknowledgements, with a reason and the proof's reference, as the rules ask of a back-dated notice;
each demands the arrears of its day of service. Idempotent (a division with a drive today is left alone).
A demo drive of an earlier day still open (the demo run again on a later day) is closed first, as its officer
would have at the end of that day: its stops not visited are no longer open, so its consumers may go on
today's drive (a consumer is on at most one open stop).

The drives are "against defaulters and power theft": each division also has two theft cases to work, reported
by its clerk at consumers who are not defaulters (so on no drive) (what was found, the meter seal), one of them assessed
under section 135 by the officer (the charge on the consumer's ledger), through the theft services. A division
with a case already is left alone.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings

from accounts.demo import DEMO_DIVISIONS
from accounts.models import Division, User
from arrears.ledger import positions_on
from arrears.models import Consumer
from core.dates import india_today
from core.errors import DomainError
from core.models import Source
from defaulters.selectors import defaulter_entries, defaulter_list_latest
from drives.models import Drive, DriveStatus, TheftCase
from drives.notices import MIN_DEMAND, notices_record_bulk
from drives.services import drive_close, drive_plan
from drives.theft import theft_case_assess, theft_case_report

NOTICE_DAYS_AGO = 20  # served long enough ago (15 clear days) that the demo's cuts are lawful
STOPS_PER_DRIVE = 12


def demo_owing_on(entries, *, on) -> list[str]:
    """The account numbers of the defaulter ``entries`` that owed arrears on ``on``, a notice's day of service
    (a notice demands the arrears of that day; a consumer who owed nothing then is served none)."""
    owed = positions_on(consumer_ids=[e.consumer_id for e in entries], on=on)
    return [e.account_no for e in entries if owed.get(e.consumer_id, (0, 0))[1] >= MIN_DEMAND]


@dataclass
class DemoDrives:
    drives: int = 0
    notices: int = 0
    theft_cases: int = 0


def demo_drives_seed() -> DemoDrives:
    today = india_today()
    result = DemoDrives()
    for code, _name, _hi in DEMO_DIVISIONS:
        division = Division.objects.get(code=code)
        officer = User.objects.get(username=f"officer_{code.lower()}")
        clerk = User.objects.get(username=f"clerk_{code.lower()}")
        for stale in Drive.objects.filter(division=division, date__lt=today).exclude(status=DriveStatus.CLOSED):
            drive_close(user=officer, drive=stale, source=Source.COMMAND)
        if Drive.objects.filter(division=division, date=today).exists():
            continue
        defaulters = defaulter_list_latest(officer, division)
        if defaulters is None:
            continue
        listed = [e for e in defaulter_entries(defaulters) if not e.is_protected]
        result.theft_cases += _demo_theft_cases(division, clerk, officer)
        entries = listed[:STOPS_PER_DRIVE]
        # Two in three served a notice: the rest show the officer which stops still need one.
        served_on = today - timedelta(days=NOTICE_DAYS_AGO)
        served = demo_owing_on([e for i, e in enumerate(entries) if i % 3 != 2], on=served_on)
        if served:
            result.notices += len(notices_record_bulk(
                user=officer, account_nos=served, served_on=served_on, mode="hand", source=Source.COMMAND,
                reason="entered from the signed acknowledgements after the demo's service round",
                proof_ref=f"ACK-{code}-{served_on:%Y%m%d}"))
        try:
            drive_plan(user=officer, division=division, date=today, name=f"{division.name}: morning drive",
                       min_arrears=settings.DEFAULTER_THRESHOLD, max_stops=STOPS_PER_DRIVE, clerks=[clerk],
                       source=Source.COMMAND)
        except DomainError:  # nobody left to visit (all cut or paid on the demo's past drives): no drive today
            continue
        result.drives += 1
    return result


THEFT_FOUND = (("direct_hooking", "broken", "A hook on the LT line behind the house, the meter bypassed."),
               ("meter_tampering", "missing", "The meter's seal missing, its cover opened."))


def _demo_theft_cases(division: Division, clerk: User, officer: User) -> int:
    """Two theft cases for the division's officer to work, the first assessed (demo_drives_seed), at consumers
    who are not defaulters (so on no drive)."""
    if TheftCase.objects.filter(division=division).exists():
        return 0
    consumers = Consumer.objects.filter(division=division, is_protected=False,
                                        arrears__lte=settings.DEFAULTER_THRESHOLD).order_by("account_no")
    accounts = consumers.values_list("account_no", flat=True)[:len(THEFT_FOUND)]
    made = 0
    for n, (account_no, (found, seal, notes)) in enumerate(zip(accounts, THEFT_FOUND, strict=False)):
        case = theft_case_report(user=clerk, account_no=account_no, found=found, meter_seal=seal, notes=notes,
                                 source=Source.COMMAND)
        if n == 0:
            theft_case_assess(user=officer, case=case, amount="25000.00", section=135, assessed_on=india_today(),
                              reference=f"ASMT/{division.code}/DEMO-{case.pk}", source=Source.COMMAND)
        made += 1
    return made
