"""Balance and arrears, exactly as DESIGN.md states them."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arrears.ledger import positions_append, positions_refresh, positions_roll
from arrears.models import Consumer, LedgerEntry
from tests.factories import add_entry, make_consumer

TODAY = date(2026, 11, 28)


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setattr("arrears.services.india_today", lambda: TODAY)


@pytest.fixture
def consumer(rtp):
    return make_consumer(rtp)


def position(consumer, as_of=TODAY):
    positions_refresh(as_of=as_of, consumer_ids=[consumer.pk])
    consumer.refresh_from_db()
    return consumer.balance, consumer.arrears, consumer.oldest_due_date


def test_it_counts_a_bill_due_yesterday_but_not_one_due_today(consumer):
    add_entry(consumer, "BILL", "5000.00", TODAY - timedelta(days=20), due_date=TODAY - timedelta(days=1))
    add_entry(consumer, "BILL", "7000.00", TODAY - timedelta(days=15), due_date=TODAY)
    assert position(consumer) == (Decimal("12000.00"), Decimal("5000.00"), TODAY - timedelta(days=1))
    # Tomorrow the second bill is overdue too.
    assert position(consumer, TODAY + timedelta(days=1))[1] == Decimal("12000.00")


def test_it_treats_an_overpayment_as_an_advance(consumer):
    add_entry(consumer, "BILL", "3000.00", date(2026, 9, 1), due_date=date(2026, 9, 15))
    add_entry(consumer, "PAYMENT", "5000.00", date(2026, 9, 10))
    assert position(consumer) == (Decimal("-2000.00"), Decimal("0.00"), None)


def test_it_takes_a_negative_adjustment_as_a_credit_on_its_date(consumer):
    add_entry(consumer, "BILL", "15000.00", date(2026, 6, 1), due_date=date(2026, 6, 15))
    add_entry(consumer, "ADJUSTMENT", "-4000.50", date(2026, 12, 5))  # dated after today
    assert position(consumer) == (Decimal("10999.50"), Decimal("15000.00"), date(2026, 6, 15))
    assert position(consumer, date(2026, 12, 5))[1] == Decimal("10999.50")


def test_it_makes_a_surcharge_due_on_its_entry_date(consumer):
    add_entry(consumer, "SURCHARGE", "250.00", TODAY - timedelta(days=1))
    add_entry(consumer, "SURCHARGE", "100.00", TODAY)
    assert position(consumer)[:2] == (Decimal("350.00"), Decimal("250.00"))


def test_it_applies_payments_to_the_oldest_bill_first(consumer):
    add_entry(consumer, "BILL", "1000.00", date(2026, 1, 1), due_date=date(2026, 1, 15))
    add_entry(consumer, "BILL", "2000.00", date(2026, 2, 1), due_date=date(2026, 2, 15))
    add_entry(consumer, "BILL", "4000.00", date(2026, 3, 1), due_date=date(2026, 3, 15))
    add_entry(consumer, "PAYMENT", "2500.00", date(2026, 4, 1))
    # ₹2,500 clears January's bill and half of February's: February is the oldest unpaid.
    assert position(consumer) == (Decimal("4500.00"), Decimal("4500.00"), date(2026, 2, 15))


def test_it_keeps_the_cache_valid_until_the_next_bill_falls_due(consumer):
    add_entry(consumer, "BILL", "20000.00", date(2026, 11, 1), due_date=date(2026, 12, 10))
    consumer.refresh_from_db()
    assert (consumer.arrears, consumer.arrears_from, consumer.arrears_until) == (
        Decimal("0.00"), TODAY, date(2026, 12, 11))
    # The nightly roll leaves it alone until then, and refreshes it on that day.
    assert positions_refresh(as_of=date(2026, 12, 10), only_stale=True) == 0
    assert positions_refresh(as_of=date(2026, 12, 11), only_stale=True) == 1
    consumer.refresh_from_db()
    assert consumer.arrears == Decimal("20000.00")


def test_a_consumer_without_entries_owes_nothing(consumer):
    assert position(consumer) == (Decimal("0.00"), Decimal("0.00"), None)


# --- property: the SQL equals a plain reading of the rules ------------------------------

def reference_position(entries, as_of):
    """DESIGN.md's rules, read literally, in Python."""
    debits = [(e["due_on"], e["debit"]) for e in entries if e["debit"]]
    balance = sum((e["debit"] - e["credit"] for e in entries), Decimal("0.00"))
    due = sum((amount for due_on, amount in debits if due_on < as_of), Decimal("0.00"))
    paid = sum((e["credit"] for e in entries if e["entry_date"] <= as_of), Decimal("0.00"))
    arrears = max(Decimal("0.00"), due - paid)
    oldest, running = None, Decimal("0.00")
    if arrears:
        for due_on, amount in sorted(d for d in debits if d[0] < as_of):
            running += amount
            if running > paid:
                oldest = due_on
                break
    return balance, arrears, oldest


day = st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 12, 31))
amount = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("60000.00"), places=2)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(entries=st.lists(st.tuples(st.sampled_from(["BILL", "SURCHARGE", "PAYMENT", "ADJUSTMENT", "ADJUSTMENT-"]),
                                  amount, day, st.integers(min_value=0, max_value=40)), max_size=12),
       as_of=day)
def test_it_matches_the_rules_on_random_ledgers(rtp, entries, as_of):
    consumer = make_consumer(rtp)
    try:
        for kind, value, entry_date, due_in in entries:
            if kind == "ADJUSTMENT-":
                kind, value = "ADJUSTMENT", -value
            due = entry_date + timedelta(days=due_in) if kind == "BILL" else None
            add_entry(consumer, kind, str(value), entry_date, due_date=due)
        rows = list(LedgerEntry.objects.filter(consumer=consumer).values("debit", "credit", "due_on", "entry_date"))
        assert position(consumer, as_of) == reference_position(rows, as_of)
    finally:
        LedgerEntry.objects.filter(consumer=consumer).delete()
        Consumer.objects.filter(pk=consumer.pk).delete()


# --- the nightly roll: from the cache and the ledger's tail, the same figures -------------

def cached(consumer):
    consumer.refresh_from_db()
    return consumer.balance, consumer.arrears, consumer.oldest_due_date, consumer.arrears_until


def rolled_and_refreshed(consumer, cached_on, as_of):
    """(figures after rolling the cache made on ``cached_on`` to ``as_of``, figures recomputed on ``as_of``)."""
    positions_refresh(as_of=cached_on, consumer_ids=[consumer.pk])
    positions_roll(as_of=as_of)
    after_roll = cached(consumer)
    positions_refresh(as_of=as_of, consumer_ids=[consumer.pk])
    return after_roll, cached(consumer)


def test_the_roll_adds_a_bill_that_fell_due_to_arrears_already_owed(consumer):
    add_entry(consumer, "BILL", "15000.00", date(2026, 9, 1), due_date=date(2026, 9, 20))
    add_entry(consumer, "PAYMENT", "5000.00", date(2026, 10, 1))
    add_entry(consumer, "BILL", "8000.00", date(2026, 11, 1), due_date=date(2026, 11, 20))
    after_roll, refreshed = rolled_and_refreshed(consumer, date(2026, 11, 10), date(2026, 11, 25))
    assert after_roll == refreshed == (Decimal("18000.00"), Decimal("18000.00"), date(2026, 9, 20),
                                       None)


def test_the_roll_finds_the_oldest_unpaid_bill_when_an_advance_runs_out(consumer):
    add_entry(consumer, "PAYMENT", "3000.00", date(2026, 10, 1))  # an advance
    add_entry(consumer, "BILL", "2000.00", date(2026, 10, 5), due_date=date(2026, 10, 20))
    add_entry(consumer, "BILL", "4000.00", date(2026, 10, 6), due_date=date(2026, 10, 21))
    add_entry(consumer, "BILL", "500.00", date(2026, 11, 1), due_date=date(2026, 12, 1))
    after_roll, refreshed = rolled_and_refreshed(consumer, date(2026, 10, 10), date(2026, 10, 25))
    # The advance pays October 20th's bill and ₹1,000 of the 21st's: ₹3,000 owed since the 21st.
    assert after_roll == refreshed == (Decimal("3500.00"), Decimal("3000.00"), date(2026, 10, 21),
                                       date(2026, 12, 2))


def test_the_roll_walks_back_past_its_tail_when_a_credit_paid_older_debt(consumer):
    add_entry(consumer, "BILL", "9000.00", date(2026, 6, 1), due_date=date(2026, 6, 15))
    add_entry(consumer, "BILL", "9000.00", date(2026, 7, 1), due_date=date(2026, 7, 15))
    add_entry(consumer, "ADJUSTMENT", "-10000.00", date(2026, 11, 20))  # dated after the cache was made
    after_roll, refreshed = rolled_and_refreshed(consumer, date(2026, 11, 1), date(2026, 11, 25))
    assert after_roll == refreshed == (Decimal("8000.00"), Decimal("8000.00"), date(2026, 7, 15), None)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(entries=st.lists(st.tuples(st.sampled_from(["BILL", "BILL", "SURCHARGE", "PAYMENT", "ADJUSTMENT",
                                                   "ADJUSTMENT-"]),
                                  amount, day, st.integers(min_value=0, max_value=40)), max_size=12),
       cached_on=day, days_later=st.integers(min_value=0, max_value=120))
def test_the_roll_equals_a_full_refresh_on_random_ledgers(rtp, entries, cached_on, days_later):
    consumer = make_consumer(rtp)
    try:
        for kind, value, entry_date, due_in in entries:
            if kind == "ADJUSTMENT-":
                kind, value = "ADJUSTMENT", -value
            due = entry_date + timedelta(days=due_in) if kind == "BILL" else None
            add_entry(consumer, kind, str(value), entry_date, due_date=due)
        after_roll, refreshed = rolled_and_refreshed(consumer, cached_on, cached_on + timedelta(days=days_later))
        assert after_roll == refreshed
    finally:
        LedgerEntry.objects.filter(consumer=consumer).delete()
        Consumer.objects.filter(pk=consumer.pk).delete()


# --- after an import: from the cache, the new entries and the tail, the same figures ------

def written_as_an_import(consumer, kind, value, entry_date, due_date=None):
    """An entry written as the import writes it (INSERT … SELECT): the cached figures left alone."""
    return LedgerEntry.objects.create(consumer=consumer, kind=kind, amount=Decimal(value), entry_date=entry_date,
                                      due_date=due_date, reference=f"IMP-{LedgerEntry.objects.count()}",
                                      source="import")


def appended_and_refreshed(consumer, cached_on, as_of, new_entries):
    """(figures after positions_append of ``new_entries`` onto the cache made on ``cached_on``,
    figures recomputed from the whole ledger on ``as_of``)."""
    positions_refresh(as_of=cached_on, consumer_ids=[consumer.pk])
    after_id = LedgerEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    for entry in new_entries:
        written_as_an_import(consumer, *entry)
    positions_append(as_of=as_of, after_id=after_id)
    after_append = cached(consumer)
    positions_refresh(as_of=as_of, consumer_ids=[consumer.pk])
    return after_append, cached(consumer)


def test_an_import_of_todays_bill_and_payment_moves_the_cache_on(consumer):
    add_entry(consumer, "BILL", "5000.00", date(2026, 10, 1), due_date=date(2026, 10, 16))
    after, refreshed = appended_and_refreshed(consumer, TODAY, TODAY, [
        ("PAYMENT", "3000.00", TODAY), ("BILL", "700.00", TODAY, TODAY + timedelta(days=15))])
    # The payment is counted today; the new bill only from the day after it falls due.
    assert after == refreshed == (Decimal("2700.00"), Decimal("2000.00"), date(2026, 10, 16),
                                  TODAY + timedelta(days=16))


def test_an_imported_payment_pays_the_oldest_bills_first(consumer):
    for month in (6, 7, 8):
        add_entry(consumer, "BILL", "1000.00", date(2026, month, 1), due_date=date(2026, month, 15))
    # Today's payment covers June's bill and half of July's: July is the oldest unpaid.
    after, refreshed = appended_and_refreshed(consumer, TODAY - timedelta(days=3), TODAY,
                                              [("PAYMENT", "1500.00", TODAY - timedelta(days=3))])
    assert after == refreshed == (Decimal("1500.00"), Decimal("1500.00"), date(2026, 7, 15), None)


def test_an_imported_entry_due_before_the_cache_was_made_is_counted_from_the_whole_ledger(consumer):
    add_entry(consumer, "BILL", "4000.00", date(2026, 9, 1), due_date=date(2026, 9, 15))
    after, refreshed = appended_and_refreshed(consumer, TODAY, TODAY, [
        ("BILL", "2500.00", date(2026, 8, 1), date(2026, 8, 15))])  # a bill the billing system sent late
    assert after == refreshed == (Decimal("6500.00"), Decimal("6500.00"), date(2026, 8, 15), None)


def test_an_import_changes_only_the_consumers_it_wrote_to(rtp, consumer):
    other = make_consumer(rtp)
    add_entry(other, "BILL", "900.00", date(2026, 10, 1), due_date=date(2026, 10, 16))
    positions_refresh(as_of=TODAY - timedelta(days=1), consumer_ids=[consumer.pk, other.pk])
    after_id = LedgerEntry.objects.order_by("-id").values_list("id", flat=True).first()
    written_as_an_import(consumer, "PAYMENT", "100.00", TODAY)

    assert positions_append(as_of=TODAY, after_id=after_id) == 1
    other.refresh_from_db()
    assert (other.arrears_from, other.arrears) == (TODAY - timedelta(days=1), Decimal("900.00"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(entries=st.lists(st.tuples(st.sampled_from(["BILL", "BILL", "SURCHARGE", "PAYMENT", "ADJUSTMENT",
                                                   "ADJUSTMENT-"]),
                                  amount, day, st.integers(min_value=0, max_value=40)), max_size=10),
       new=st.lists(st.tuples(st.sampled_from(["BILL", "SURCHARGE", "PAYMENT", "PAYMENT", "ADJUSTMENT",
                                               "ADJUSTMENT-"]),
                              amount, st.integers(min_value=-20, max_value=40), st.integers(min_value=0, max_value=40)),
                    min_size=1, max_size=4),
       cached_on=day, days_later=st.integers(min_value=0, max_value=60))
def test_an_import_equals_a_full_refresh_on_random_ledgers(rtp, entries, new, cached_on, days_later):
    """Old entries, a cache made on some day, then entries an import adds (most dated on or
    after that day; some before, which the append must recompute from the whole ledger)."""
    consumer = make_consumer(rtp)

    def entry(kind, value, entry_date, due_in):
        if kind == "ADJUSTMENT-":
            kind, value = "ADJUSTMENT", -value
        return kind, str(value), entry_date, entry_date + timedelta(days=due_in) if kind == "BILL" else None

    try:
        for kind, value, entry_date, due_in in entries:
            add_entry(consumer, *entry(kind, value, entry_date, due_in))
        added = [entry(kind, value, cached_on + timedelta(days=offset), due_in)
                 for kind, value, offset, due_in in new]
        after_append, refreshed = appended_and_refreshed(consumer, cached_on, cached_on + timedelta(days=days_later),
                                                         added)
        assert after_append == refreshed
    finally:
        LedgerEntry.objects.filter(consumer=consumer).delete()
        Consumer.objects.filter(pk=consumer.pk).delete()
