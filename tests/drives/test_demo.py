"""`make run`'s demo drives: each division's clerk has a day of stops, some with a notice that allows a cut."""

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from core.dates import india_today
from drives.models import Drive, DriveStatus, Notice, Stop, StopStatus, TheftCase, TheftStatus


def _seed_all() -> str:
    call_command("seed_demo", force=True, stdout=StringIO())
    call_command("build_defaulter_lists", stdout=StringIO())
    out = StringIO()
    call_command("seed_demo_drives", force=True, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_it_gives_each_demo_clerk_a_day_of_stops(client):
    output = _seed_all()

    drives = Drive.objects.all()
    assert drives.count() == 6 and "6 planned for today" in output
    assert not Stop.objects.filter(consumer__is_protected=True).exists()
    assert Notice.objects.exists() and Stop.objects.count() > Notice.objects.count()
    # Served 20 days ago: entered by the officer with a reason and the proof's reference, as the rules ask.
    assert not Notice.objects.filter(served_on__lt=india_today() - timedelta(days=settings.NOTICE_BACKDATE_DAYS),
                                     proof_ref="").exists()
    client.force_login(Stop.objects.order_by("pk").first().clerk)
    page = client.get("/field/").content.decode()
    assert "Notice valid" in page and "No notice" in page


@pytest.mark.django_db
def test_it_gives_each_division_theft_cases_to_work(client):
    """The drives are against defaulters and power theft: each officer finds two cases, one assessed on the
    ledger under section 135, none of them a consumer of today's drive; seeding again adds none."""
    output = _seed_all()

    assert "12 theft cases reported" in output
    for drive in Drive.objects.select_related("division"):
        cases = TheftCase.objects.filter(division=drive.division)
        assert cases.count() == 2
        assessed = cases.get(status=TheftStatus.ASSESSED)
        assert assessed.assessment_entry.amount == assessed.assessment_amount and assessed.section == 135
        assert not Stop.objects.filter(drive=drive, consumer__in=cases.values("consumer")).exists()
    client.force_login(Drive.objects.order_by("pk").first().officer)
    page = client.get("/theft-cases/").content.decode()
    assert "direct hooking" in page.lower() or "assessed" in page.lower()
    call_command("seed_demo_drives", force=True, stdout=StringIO())
    assert TheftCase.objects.count() == 12


@pytest.mark.django_db
def test_it_plans_nothing_more_when_run_twice():
    _seed_all()
    before = (Drive.objects.count(), Stop.objects.count(), Notice.objects.count())

    out = StringIO()
    call_command("seed_demo_drives", force=True, stdout=out)

    assert (Drive.objects.count(), Stop.objects.count(), Notice.objects.count()) == before
    assert "0 planned for today" in out.getvalue()


@pytest.mark.django_db
def test_it_closes_an_earlier_days_demo_drive_so_its_consumers_can_go_on_todays():
    _seed_all()
    # The demo run again the next day: yesterday's drives were never closed.
    Drive.objects.update(date=india_today() - timedelta(days=1))

    out = StringIO()
    call_command("seed_demo_drives", force=True, stdout=out)

    assert not Drive.objects.filter(date__lt=india_today()).exclude(status=DriveStatus.CLOSED).exists()
    assert not Stop.objects.filter(drive__date__lt=india_today(), status=StopStatus.OPEN).exists()
    assert "6 planned for today" in out.getvalue()
    assert Stop.objects.filter(drive__date=india_today(), status=StopStatus.OPEN).count() > 0
