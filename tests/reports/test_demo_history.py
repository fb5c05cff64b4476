"""`make run`'s demo history: the last working days' drives, so yesterday's summary and the charts have figures."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from arrears.ledger import ledger_days_mismatches
from core.dates import india_today
from drives.models import Drive, Stop
from payments.models import Payment
from reports.selectors import summary

pytestmark = pytest.mark.django_db


def _seed() -> str:
    call_command("seed_demo", force=True, stdout=StringIO())
    call_command("build_defaulter_lists", stdout=StringIO())
    out = StringIO()
    call_command("seed_demo_history", force=True, stdout=out)
    call_command("build_defaulter_lists", stdout=StringIO())  # as make run: today's list after the history
    call_command("seed_demo_drives", force=True, stdout=StringIO())
    return out.getvalue()


def test_it_gives_the_md_a_yesterday_with_cuts_payments_reconnections_and_targets(client):
    output = _seed()
    assert "past drives" in output
    md = User.objects.get(username="md")
    last_working_day = india_today() - timedelta(days=2 if india_today().weekday() == 0 else 1)
    totals = summary(md, date_from=last_working_day, date_to=last_working_day).totals
    assert totals.disconnections > 0 and totals.paid_on_spot_count > 0 and totals.reconnections > 0
    assert totals.paid_on_spot_amount > 0 and totals.collections >= totals.paid_on_spot_amount
    assert totals.defaulters > 0 and totals.target is not None and totals.achievement_pct is not None
    # Each division still has a drive today for its clerk, bar any whose defaulters the history used up.
    assert Drive.objects.filter(date=india_today()).count() >= 4
    assert ledger_days_mismatches() == []
    # Every payment the history takes at a stop follows the rule of a payment at a stop: paid on the spot (it
    # closed the stop) or the reconnection money of a stop just cut, never a part payment.
    at_stops = Payment.objects.filter(drive_stop__isnull=False)
    assert at_stops.exists() and not at_stops.filter(stop_outcome="part_paid").exists()
    assert (at_stops.filter(stop_outcome="paid").count()
            == Stop.objects.filter(drive__date__lt=india_today(), outcome="paid").count() > 0)
    # Idempotent.
    out = StringIO()
    call_command("seed_demo_history", force=True, stdout=out)
    assert "0 past drives" in out.getvalue()
