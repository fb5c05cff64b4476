"""The nightly defaulter list: who is on it, in what order, with what figures."""

from datetime import date, timedelta
from decimal import Decimal
from unittest import mock

import pytest

from core.dates import india_today
from core.errors import DomainError
from defaulters.models import DefaulterEntry, DefaulterList, DefaulterRun, DefaulterRunStatus
from defaulters.services import defaulter_list_build_division, defaulter_lists_build
from tests.factories import add_entry, make_consumer

TODAY = india_today()


def owe(consumer, amount: str, *, due: date, billed: date | None = None):
    """A bill of ``amount`` due on ``due``."""
    return add_entry(consumer, "BILL", amount, billed or due - timedelta(days=15), due)


def build(division, *, as_of=TODAY, threshold=None, trigger="command") -> DefaulterRun:
    return defaulter_list_build_division(division_id=division.pk, as_of=as_of, threshold=threshold, trigger=trigger)


def entries(division, as_of=TODAY):
    return list(DefaulterEntry.objects.filter(list__division=division, list__as_of=as_of).order_by("rank"))


def test_it_lists_only_arrears_strictly_above_the_threshold(rtp):
    exactly = make_consumer(rtp, account_no="00000001")
    above = make_consumer(rtp, account_no="00000002")
    owe(exactly, "10000.00", due=TODAY - timedelta(days=5))
    owe(above, "10000.01", due=TODAY - timedelta(days=5))

    run = build(rtp)

    assert [e.account_no for e in entries(rtp)] == ["00000002"]
    assert entries(rtp)[0].arrears == Decimal("10000.01")
    assert run.status == DefaulterRunStatus.DONE
    assert run.consumer_count == 1 and run.total_arrears == Decimal("10000.01")
    assert run.threshold == Decimal("10000.00")


def test_it_does_not_count_a_bill_not_yet_due(rtp):
    consumer = make_consumer(rtp)
    owe(consumer, "50000.00", due=TODAY)  # due today: arrears only from tomorrow
    owe(consumer, "5000.00", due=TODAY - timedelta(days=1))

    build(rtp)

    assert entries(rtp) == []


def test_it_counts_a_bill_from_the_day_after_its_due_date(rtp):
    consumer = make_consumer(rtp)
    owe(consumer, "50000.00", due=TODAY - timedelta(days=1))

    build(rtp)

    [entry] = entries(rtp)
    assert entry.days_overdue == 1
    assert entry.oldest_due_date == TODAY - timedelta(days=1)


def test_it_rolls_cached_arrears_when_a_bill_falls_due_overnight(rtp):
    consumer = make_consumer(rtp)
    yesterday = TODAY - timedelta(days=1)
    with mock.patch("arrears.services.india_today", return_value=yesterday - timedelta(days=1)):
        owe(consumer, "40000.00", due=yesterday)  # cached two days ago: not yet arrears then
    consumer.refresh_from_db()
    assert consumer.arrears == 0

    build(rtp)

    [entry] = entries(rtp)
    assert entry.arrears == Decimal("40000.00")
    consumer.refresh_from_db()
    assert consumer.arrears == Decimal("40000.00") and consumer.arrears_from == TODAY


def test_it_lists_protected_consumers_flagged(rtp):
    hospital = make_consumer(rtp, name="Hallet Hospital", is_protected=True)
    owe(hospital, "200000.00", due=TODAY - timedelta(days=40))

    build(rtp)

    [entry] = entries(rtp)
    assert entry.is_protected is True
    assert entry.name == "Hallet Hospital"


def test_it_ranks_by_arrears_then_account_no_within_the_division(rtp, hsp):
    amounts = {"00000005": "20000.00", "00000003": "90000.00", "00000004": "20000.00"}
    for account_no, amount in amounts.items():
        owe(make_consumer(rtp, account_no=account_no), amount, due=TODAY - timedelta(days=10))
    owe(make_consumer(hsp, account_no="00000009"), "99999.00", due=TODAY - timedelta(days=10))

    build(rtp)

    assert [(e.rank, e.account_no) for e in entries(rtp)] == [(1, "00000003"), (2, "00000004"), (3, "00000005")]


@pytest.mark.parametrize(("days", "bucket"), [
    (1, "0-90"), (90, "0-90"), (91, "91-180"), (180, "91-180"), (181, "181-365"), (365, "181-365"),
    (366, "1-2y"), (730, "1-2y"), (731, "2y+"),
])
def test_it_puts_arrears_in_age_buckets_by_the_oldest_unpaid_due_date(rtp, days, bucket):
    consumer = make_consumer(rtp)
    owe(consumer, "15000.00", due=TODAY - timedelta(days=days))

    build(rtp)

    [entry] = entries(rtp)
    assert (entry.days_overdue, entry.age_bucket) == (days, bucket)


def test_it_dates_the_oldest_unpaid_bill_after_payments_cover_older_ones(rtp):
    consumer = make_consumer(rtp)
    owe(consumer, "8000.00", due=TODAY - timedelta(days=200))
    owe(consumer, "12000.00", due=TODAY - timedelta(days=100))
    add_entry(consumer, "PAYMENT", "9000.00", TODAY - timedelta(days=50))

    build(rtp, threshold="5000")

    [entry] = entries(rtp)
    assert entry.arrears == Decimal("11000.00")
    assert entry.oldest_due_date == TODAY - timedelta(days=100)
    assert entry.age_bucket == "91-180"


@pytest.mark.parametrize(("amount", "band"), [
    ("5000.00", "je"), ("10000.00", "je"), ("10000.01", "sdo"), ("100000.00", "sdo"), ("100000.01", "ee"),
    ("1000000.00", "ee"), ("1000000.01", "se"),
])
def test_it_assigns_the_accountability_band_by_arrears(rtp, amount, band):
    consumer = make_consumer(rtp)
    owe(consumer, amount, due=TODAY - timedelta(days=30))

    build(rtp, threshold="1000.00")

    [entry] = entries(rtp)
    assert entry.band == band


def test_it_uses_another_threshold_when_asked(rtp):
    owe(make_consumer(rtp), "6000.00", due=TODAY - timedelta(days=30))

    run = build(rtp, threshold="5000.00")

    assert run.threshold == Decimal("5000.00")
    assert len(entries(rtp)) == 1
    assert DefaulterList.objects.get(division=rtp, as_of=TODAY).threshold == Decimal("5000.00")


def test_it_rejects_a_bad_threshold_and_a_future_day(rtp):
    with pytest.raises(DomainError) as bad:
        build(rtp, threshold="ten")
    assert bad.value.code == "invalid_amount"
    with pytest.raises(DomainError) as future:
        build(rtp, as_of=TODAY + timedelta(days=1))
    assert future.value.code == "as_of_in_future"


def test_it_replaces_the_days_list_on_a_rerun(rtp):
    consumer = make_consumer(rtp)
    owe(consumer, "30000.00", due=TODAY - timedelta(days=30))
    first = build(rtp)
    add_entry(consumer, "PAYMENT", "25000.00", TODAY)
    owe(make_consumer(rtp), "45000.00", due=TODAY - timedelta(days=3))

    second = build(rtp)

    assert DefaulterList.objects.filter(division=rtp, as_of=TODAY).count() == 1
    defaulters = DefaulterList.objects.get(division=rtp, as_of=TODAY)
    assert defaulters.run == second and first.pk != second.pk
    assert [e.arrears for e in entries(rtp)] == [Decimal("45000.00")]
    assert defaulters.consumer_count == 1 and defaulters.total_arrears == Decimal("45000.00")


def test_it_keeps_the_old_list_when_a_build_dies_half_way(rtp):
    for amount in ("30000.00", "20000.00"):
        owe(make_consumer(rtp), amount, due=TODAY - timedelta(days=30))
    build(rtp)
    owe(make_consumer(rtp), "70000.00", due=TODAY - timedelta(days=30))

    from defaulters import services as service

    real_insert = service._entries_insert

    def insert_then_die(**kwargs):
        real_insert(**kwargs)  # the old entries are gone and the new ones written: now the worker dies
        raise RuntimeError("killed")

    with mock.patch.object(service, "_entries_insert", side_effect=insert_then_die), pytest.raises(RuntimeError):
        build(rtp)

    defaulters = DefaulterList.objects.get(division=rtp, as_of=TODAY)
    assert [e.arrears for e in entries(rtp)] == [Decimal("30000.00"), Decimal("20000.00")]
    assert defaulters.consumer_count == 2 and defaulters.total_arrears == Decimal("50000.00")
    failed = DefaulterRun.objects.latest("started_at", "id")
    assert failed.status == DefaulterRunStatus.FAILED and "killed" in failed.error
    assert failed.finished_at is not None and failed.duration is not None


def test_it_rebuilds_a_past_day_from_the_ledger_without_touching_the_cache(rtp):
    consumer = make_consumer(rtp)
    owe(consumer, "30000.00", due=TODAY - timedelta(days=60))
    add_entry(consumer, "PAYMENT", "30000.00", TODAY - timedelta(days=10))
    consumer.refresh_from_db()
    cached = (consumer.arrears, consumer.arrears_from, consumer.arrears_until)

    build(rtp, as_of=TODAY - timedelta(days=20))

    [entry] = entries(rtp, TODAY - timedelta(days=20))
    assert entry.arrears == Decimal("30000.00") and entry.days_overdue == 40
    consumer.refresh_from_db()
    assert (consumer.arrears, consumer.arrears_from, consumer.arrears_until) == cached


def test_it_records_who_started_a_run(rtp, officer):
    run = defaulter_list_build_division(division_id=rtp.pk, as_of=TODAY, started_by=officer, trigger="admin")

    assert (run.started_by, run.trigger) == (officer, "admin")
    assert run.started_at <= run.finished_at


def test_it_refuses_an_officer_another_divisions_build(rtp, hsp, officer):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        defaulter_list_build_division(division_id=hsp.pk, as_of=TODAY, started_by=officer, trigger="admin")


def test_it_builds_every_division_and_goes_on_after_one_fails(rtp, hsp):
    owe(make_consumer(hsp), "50000.00", due=TODAY - timedelta(days=30))
    from defaulters import services as service

    real_insert = service._entries_insert

    def fail_for_rtp(**kwargs):
        if kwargs["division_id"] == rtp.pk:
            raise RuntimeError("disk full")
        real_insert(**kwargs)

    with mock.patch.object(service, "_entries_insert", side_effect=fail_for_rtp):
        runs = defaulter_lists_build(trigger="command")

    assert [(r.division.code, r.status) for r in runs] == [("HSP", "done"), ("RTP", "failed")]
    assert len(entries(hsp)) == 1
