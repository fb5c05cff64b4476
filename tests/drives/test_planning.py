"""Planning a drive from the division's latest defaulter list: the filters and the split among clerks."""

from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest

from arrears.models import Consumer
from core.dates import india_today
from core.errors import DomainError
from core.models import Source
from drives.services import drive_plan_preview
from tests.drives.drive_data import build_list, defaulter, plan, served
from tests.factories import add_entry, make_user

pytestmark = pytest.mark.django_db


def preview(officer, division, clerks, **fields):
    fields = {"date": india_today(), "min_arrears": Decimal("0"), "max_stops": 100, **fields}
    return drive_plan_preview(user=officer, division=division, clerks=clerks, **fields)


def accounts(stops):
    return [s["account_no"] for s in stops]


@pytest.fixture
def clerks(rtp, clerk):
    return [clerk, make_user("clerk2_rtp", "clerk", rtp), make_user("clerk3_rtp", "clerk", rtp)]


def test_it_draws_stops_by_rank_with_the_minimum_arrears_locality_and_most_stops(rtp, officer, clerk):
    big = defaulter(rtp, "90000.00", address="7 Lal Bangla, Kanpur")
    mid = defaulter(rtp, "60000.00", address="22 Juhi Kalan, Kanpur")
    small = defaulter(rtp, "20000.00", address="9 Lal Bangla, Kanpur")
    build_list(rtp)

    assert accounts(preview(officer, rtp, [clerk])) == [big.account_no, small.account_no, mid.account_no]
    assert set(accounts(preview(officer, rtp, [clerk], min_arrears="50000.00"))) == {big.account_no, mid.account_no}
    assert accounts(preview(officer, rtp, [clerk], locality="lal bangla")) == [big.account_no, small.account_no]
    assert accounts(preview(officer, rtp, [clerk], max_stops=2)) == [big.account_no, mid.account_no]


def test_it_leaves_out_who_is_protected_disconnected_or_has_paid_since_the_list(rtp, officer, clerk):
    kept = defaulter(rtp, "30000.00")
    protected = defaulter(rtp, "40000.00")
    cut = defaulter(rtp, "50000.00")
    paid = defaulter(rtp, "60000.00")
    build_list(rtp)
    # After last night's list: protected, cut, paid.
    Consumer.objects.filter(pk=protected.pk).update(is_protected=True)
    Consumer.objects.filter(pk=cut.pk).update(status="disconnected")
    add_entry(paid, "PAYMENT", "55000.00", india_today())

    assert accounts(preview(officer, rtp, [clerk])) == [kept.account_no]


def test_it_keeps_localities_together_and_balances_the_clerks(rtp, officer, clerks):
    for place in ("Lal Bangla", "Juhi Kalan", "Harrisganj"):
        for n in range(4):
            defaulter(rtp, f"{20000 + n * 1000}.00", address=f"{n + 1} {place}, Kanpur")
    build_list(rtp)

    stops = preview(officer, rtp, clerks)

    assert len(stops) == 12 and len({s["account_no"] for s in stops}) == 12  # every stop, once
    per_clerk = {c.pk: [s for s in stops if s["clerk_id"] == c.pk] for c in clerks}
    assert [len(run) for run in per_clerk.values()] == [4, 4, 4]
    for run in per_clerk.values():
        assert len({s["locality"] for s in run}) == 1
        assert [s["sequence"] for s in run] == [1, 2, 3, 4]
        assert [s["rank"] for s in run] == sorted(s["rank"] for s in run)


def test_it_shares_a_locality_too_big_for_one_clerk(rtp, officer, clerks):
    # The reported drive: 51 cuts in Ratanpur alone; one clerk can't walk them all.
    for n in range(7):
        defaulter(rtp, f"{30000 + n}.00", address=f"{n} Ratanpur, Kanpur")
    defaulter(rtp, "20000.00", address="1 Juhi Kalan, Kanpur")
    defaulter(rtp, "20001.00", address="2 Juhi Kalan, Kanpur")
    build_list(rtp)

    stops = preview(officer, rtp, clerks)

    sizes = Counter(s["clerk_id"] for s in stops)
    assert sorted(sizes.values()) == [3, 3, 3]
    # Juhi Kalan's two stay with one clerk.
    assert len({s["clerk_id"] for s in stops if s["locality"] == "Juhi Kalan"}) == 1


def test_it_gives_every_clerk_a_run_when_localities_are_uneven(rtp, officer, clerks):
    for place, count in (("Lal Bangla", 5), ("Juhi Kalan", 1), ("Harrisganj", 1), ("Kidwai Nagar", 2)):
        for n in range(count):
            defaulter(rtp, f"{20000 + n}.00", address=f"{n} {place}, Kanpur")
    build_list(rtp)

    stops = preview(officer, rtp, clerks)

    sizes = Counter(s["clerk_id"] for s in stops)
    assert len(stops) == 9 and len(sizes) == 3
    assert max(sizes.values()) - min(sizes.values()) <= 2


def test_it_writes_the_previewed_stops_with_what_the_officer_checks(rtp, officer, clerks):
    old = defaulter(rtp, "30000.00", days_overdue=900)  # due two and a half years ago
    served(officer, old)
    defaulter(rtp, "20000.00", address="3 Juhi Kalan, Kanpur")
    build_list(rtp)
    shown = preview(officer, rtp, clerks[:2])

    drive = plan(officer, rtp, clerks[:2], name="Lal Bangla Tuesday", source=Source.API)

    stops = list(drive.stops.values("consumer__account_no", "clerk", "sequence", "locality", "time_barred_amount"))
    assert {(s["consumer__account_no"], s["clerk"], s["sequence"], s["locality"]) for s in stops} == {
        (p["account_no"], p["clerk_id"], p["sequence"], p["locality"]) for p in shown}
    assert {s["consumer__account_no"]: s["time_barred_amount"] for s in stops}[old.account_no] == Decimal("30000.00")
    assert [p["notice_valid"] for p in shown] == [True, False]
    assert (drive.officer, drive.source, set(drive.clerks.all())) == (officer, Source.API, set(clerks[:2]))


@pytest.mark.parametrize(("fields", "code"), [
    ({"date": india_today() - timedelta(days=1)}, "drive_date_past"),
    ({"max_stops": 0}, "invalid_max_stops"),
    ({"min_arrears": "-1.00"}, "invalid_amount"),
])
def test_it_refuses_a_plan_that_makes_no_sense(rtp, officer, clerk, fields, code):
    defaulter(rtp)
    build_list(rtp)
    with pytest.raises(DomainError) as refusal:
        preview(officer, rtp, [clerk], **fields)
    assert refusal.value.code == code


def test_it_assigns_only_clerks_of_the_division(rtp, officer, other_clerk):
    defaulter(rtp)
    build_list(rtp)
    for wrong in ([other_clerk], [officer], []):
        with pytest.raises(DomainError) as refusal:
            preview(officer, rtp, wrong)
        assert refusal.value.code == "invalid_clerk"


def test_it_needs_a_defaulter_list(rtp, officer, clerk):
    defaulter(rtp)
    with pytest.raises(DomainError) as refusal:
        plan(officer, rtp, [clerk])
    assert refusal.value.code == "no_defaulter_list"


def test_it_gives_the_stops_to_the_first_clerks_when_there_are_fewer_than_clerks(rtp, officer, clerks):
    defaulter(rtp, "30000.00", address="1 Lal Bangla, Kanpur")
    defaulter(rtp, "20000.00", address="2 Juhi Kalan, Kanpur")
    build_list(rtp)

    stops = preview(officer, rtp, clerks)

    assert [(s["clerk_id"], s["sequence"]) for s in stops] == [(clerks[0].pk, 1), (clerks[1].pk, 1)]
