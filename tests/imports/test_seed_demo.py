from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Division, User
from arrears.models import Consumer, LedgerEntry
from imports.demo import demo_arrears_seed
from imports.models import ImportJob


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", force=True, stdout=out)
    return out.getvalue()


def _state():
    return (
        list(Consumer.objects.order_by("account_no").values_list("account_no", "name", "balance", "arrears")),
        LedgerEntry.objects.count(), ImportJob.objects.count(), User.objects.count(), Division.objects.count(),
    )


@pytest.mark.django_db
def test_it_loads_a_demo_with_defaulters_to_chase():
    output = _seed()
    consumers = Consumer.objects.all()
    assert consumers.count() == 360
    assert set(consumers.values_list("division__code", flat=True)) == {"RTP", "HSP", "HRG", "KLP", "KDN", "GVN"}
    defaulters = consumers.filter(arrears__gt=10000).count()
    assert 0.15 * 360 <= defaulters <= 0.40 * 360
    assert consumers.filter(arrears__gte=100000).exists()  # some owe lakhs
    assert consumers.filter(is_protected=True, arrears__gt=10000).exists()
    assert consumers.filter(account_no__startswith="0").count() == 360  # leading zeros kept
    assert any("\u0900" <= ch <= "\u097f" for name in consumers.values_list("name", flat=True) for ch in name)
    assert LedgerEntry.objects.filter(entry_date__gt=timezone.localdate()).count() == 0
    assert "360 consumers" in output and f"{defaulters} defaulters above ₹10,000" in output
    assert "officer_rtp" in output


@pytest.mark.django_db
def test_it_changes_nothing_when_run_twice():
    _seed()
    before = _state()
    output = _seed()
    assert _state() == before
    assert "this run added 0 consumers and 0 ledger entries" in output


@pytest.mark.django_db
def test_it_adds_only_the_new_months_a_month_later():
    from accounts.demo import demo_organisation_seed

    demo_organisation_seed()
    today = timezone.localdate()
    earlier = demo_arrears_seed(today=today - timedelta(days=40))
    later = demo_arrears_seed(today=today)
    assert later.consumers_created == 0
    assert 0 < later.entries_created < earlier.entries_created
    assert later.entries == earlier.entries + later.entries_created
