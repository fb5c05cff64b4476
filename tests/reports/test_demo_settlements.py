"""`make run`'s demo settlements: a scheme open today, and in each division a registration paying instalments, one
completed with its relief on the ledger and a promise to pay; today's drives leave those kept out (issue 22)."""

from io import StringIO

import pytest
from django.core.management import call_command

from core.dates import india_today
from drives.models import Stop
from settlements.models import Promise, PromiseStatus, Scheme, Settlement, SettlementStatus
from settlements.schemes import schemes_load_fixture

pytestmark = pytest.mark.django_db


def _seed() -> str:
    call_command("seed_demo", force=True, stdout=StringIO())
    call_command("build_defaulter_lists", stdout=StringIO())
    out = StringIO()
    call_command("seed_demo_settlements", force=True, stdout=out)
    call_command("seed_demo_drives", force=True, stdout=StringIO())
    return out.getvalue()


def test_each_division_has_a_live_and_a_completed_registration_and_a_promise_kept_off_todays_drive(client):
    output = _seed()

    assert "12 registrations (6 completed), 6 promises to pay" in output
    today = india_today()
    demo = Scheme.objects.get(code="OTS-DEMO")
    assert demo.starts_on <= today <= demo.ends_on
    assert {"OTS-2024-25", "BBRY-2025"} <= set(Scheme.objects.values_list("code", flat=True))
    for code in ("RTP", "HSP", "HRG", "KLP", "KDN", "GVN"):
        settlements = Settlement.objects.filter(division__code=code)
        assert sorted(settlements.values_list("status", flat=True)) == [SettlementStatus.COMPLETED,
                                                                       SettlementStatus.LIVE]
        completed = settlements.get(status=SettlementStatus.COMPLETED)
        assert completed.credit_entry is not None and completed.credit_entry.reference == completed.reference
        assert Promise.objects.filter(division__code=code, status=PromiseStatus.OPEN).count() == 1
    kept = [*Settlement.objects.filter(status=SettlementStatus.LIVE).values_list("consumer_id", flat=True),
            *Promise.objects.filter(status=PromiseStatus.OPEN).values_list("consumer_id", flat=True)]
    assert Stop.objects.filter(drive__date=today).exists()
    assert not Stop.objects.filter(drive__date=today, consumer_id__in=kept).exists()
    officer = Settlement.objects.get(division__code="RTP", status="live").consumer.division.users.get(role="officer")
    client.force_login(officer)
    page = client.get("/defaulters/").content.decode()
    assert "in OTS" in page and "promised to pay" in page
    schemes_load_fixture()  # nobody registered under the shipped schemes: they may still be reloaded


def test_it_adds_nothing_when_run_again():
    _seed()
    before = (Settlement.objects.count(), Promise.objects.count(), Scheme.objects.count())

    out = StringIO()
    call_command("seed_demo_settlements", force=True, stdout=out)

    assert (Settlement.objects.count(), Promise.objects.count(), Scheme.objects.count()) == before
    assert "0 registrations" in out.getvalue()
