"""Principal and surcharge: the arrears split by what they are owed for, credits paying the oldest due first."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arrears.ledger import positions_refresh
from arrears.models import Consumer, EntryKind, LedgerEntry
from arrears.split import Split, arrears_split, consumer_split
from tests.factories import add_entry, make_consumer

TODAY = date(2026, 11, 28)
ZERO = Decimal("0.00")


@pytest.fixture
def consumer(rtp):
    return make_consumer(rtp)


def split(consumer, as_of=TODAY):
    return consumer_split(consumer, as_of=as_of)


def ledger_arrears(consumer, as_of):
    """The arrears as of ``as_of`` as arrears.ledger computes them."""
    positions_refresh(as_of=as_of, consumer_ids=[consumer.pk])
    consumer.refresh_from_db()
    return consumer.arrears


# --- worked examples ---------------------------------------------------------------------------------------------

def test_a_payment_pays_the_oldest_bill_before_a_later_surcharge(consumer):
    add_entry(consumer, "BILL", "4000.00", date(2026, 6, 1), due_date=date(2026, 6, 15))
    add_entry(consumer, "SURCHARGE", "1200.00", date(2026, 9, 1))
    add_entry(consumer, "PAYMENT", "500.00", date(2026, 10, 1))
    assert split(consumer) == Split(principal=Decimal("3500.00"), surcharge=Decimal("1200.00"), as_of=TODAY)
    assert split(consumer).total == ledger_arrears(consumer, TODAY) == Decimal("4700.00")


def test_a_payment_pays_an_older_surcharge_before_a_later_bill(consumer):
    add_entry(consumer, "SURCHARGE", "1200.00", date(2026, 5, 1))
    add_entry(consumer, "BILL", "4000.00", date(2026, 6, 1), due_date=date(2026, 6, 15))
    add_entry(consumer, "PAYMENT", "500.00", date(2026, 10, 1))
    assert (split(consumer).principal, split(consumer).surcharge) == (Decimal("4000.00"), Decimal("700.00"))


def test_a_debit_adjustment_is_principal_and_a_credit_adjustment_pays_like_a_payment(consumer):
    add_entry(consumer, "BILL", "2000.00", date(2026, 7, 1), due_date=date(2026, 7, 15))
    add_entry(consumer, "ADJUSTMENT", "300.00", date(2026, 8, 1))  # a short-billing corrected
    add_entry(consumer, "SURCHARGE", "150.00", date(2026, 8, 2))
    add_entry(consumer, "ADJUSTMENT", "-2100.00", date(2026, 9, 1))  # a meter fault credited
    # The credit pays July's bill and ₹100 of August's adjustment.
    assert (split(consumer).principal, split(consumer).surcharge) == (Decimal("200.00"), Decimal("150.00"))


def test_a_bill_due_today_is_not_yet_arrears_nor_a_payment_dated_after(consumer):
    add_entry(consumer, "BILL", "5000.00", TODAY - timedelta(days=20), due_date=TODAY)
    add_entry(consumer, "SURCHARGE", "100.00", TODAY)
    add_entry(consumer, "SURCHARGE", "80.00", TODAY - timedelta(days=1))
    add_entry(consumer, "PAYMENT", "1000.00", TODAY + timedelta(days=1))
    assert split(consumer) == Split(principal=ZERO, surcharge=Decimal("80.00"), as_of=TODAY)
    # Tomorrow the bill and today's surcharge are overdue too, and the payment counts: it pays yesterday's
    # surcharge, then ₹920 of the bill (entered before today's surcharge, due the same day).
    tomorrow = split(consumer, TODAY + timedelta(days=1))
    assert (tomorrow.principal, tomorrow.surcharge) == (Decimal("4080.00"), Decimal("100.00"))


def test_debits_due_the_same_day_are_paid_in_the_order_they_were_entered(consumer):
    add_entry(consumer, "SURCHARGE", "600.00", date(2026, 9, 15))
    add_entry(consumer, "BILL", "1000.00", date(2026, 9, 1), due_date=date(2026, 9, 15))
    add_entry(consumer, "PAYMENT", "700.00", date(2026, 10, 1))
    assert (split(consumer).principal, split(consumer).surcharge) == (Decimal("900.00"), ZERO)


def test_credits_beyond_the_debits_due_leave_nothing_owed_and_an_advance(consumer):
    add_entry(consumer, "BILL", "3000.00", date(2026, 9, 1), due_date=date(2026, 9, 15))
    add_entry(consumer, "SURCHARGE", "45.00", date(2026, 9, 20))
    add_entry(consumer, "BILL", "2800.00", date(2026, 11, 1), due_date=date(2026, 12, 1))  # not yet due
    add_entry(consumer, "PAYMENT", "5000.00", date(2026, 10, 1))
    assert split(consumer) == Split(principal=ZERO, surcharge=ZERO, as_of=TODAY, unapplied_credit=Decimal("1955.00"))
    assert ledger_arrears(consumer, TODAY) == ZERO


def test_a_consumer_without_entries_owes_nothing(consumer):
    assert split(consumer) == Split(principal=ZERO, surcharge=ZERO, as_of=TODAY)


def test_it_splits_as_of_today_in_india_by_default(consumer, monkeypatch):
    monkeypatch.setattr("arrears.split.india_today", lambda: TODAY)
    add_entry(consumer, "SURCHARGE", "250.00", TODAY - timedelta(days=1))
    assert consumer_split(consumer) == Split(principal=ZERO, surcharge=Decimal("250.00"), as_of=TODAY)


def test_it_splits_one_consumer_in_one_query(consumer):
    add_entry(consumer, "BILL", "4000.00", date(2026, 6, 1), due_date=date(2026, 6, 15))
    with CaptureQueriesContext(connection) as queries:
        split(consumer)
    assert len(queries) == 1


def test_it_splits_many_consumers_each_on_its_own_ledger_a_chunk_at_a_time(rtp, monkeypatch):
    monkeypatch.setattr("arrears.split.SPLIT_CHUNK", 2)
    consumers = [make_consumer(rtp) for _ in range(5)]
    for n, consumer in enumerate(consumers):
        add_entry(consumer, "BILL", f"{1000 * (n + 1)}.00", date(2026, 6, 1), due_date=date(2026, 6, 15))
        if n:
            add_entry(consumer, "SURCHARGE", f"{10 * n}.00", date(2026, 7, 1))
    splits = arrears_split(consumer_ids=[c.pk for c in reversed(consumers)], as_of=TODAY)
    assert [(splits[c.pk].principal, splits[c.pk].surcharge) for c in consumers] == [
        (Decimal(f"{1000 * (n + 1)}.00"), Decimal(f"{10 * n}.00")) for n in range(5)]
    assert arrears_split(consumer_ids=[], as_of=TODAY) == {}


# --- property: the SQL equals a plain reading of the rule -------------------------------------------------------

def reference_split(entries, as_of):
    """README's rule read literally: credits dated on or before ``as_of``, oldest due first, each debit due
    before ``as_of`` in full before the next. (principal, surcharge, credit left over)."""
    credit = sum((e["credit"] for e in entries if e["entry_date"] <= as_of), ZERO)
    principal = surcharge = ZERO
    for entry in sorted((e for e in entries if e["debit"] and e["due_on"] < as_of),
                        key=lambda e: (e["due_on"], e["id"])):
        paid = min(entry["debit"], credit)
        credit -= paid
        if entry["kind"] == EntryKind.SURCHARGE:
            surcharge += entry["debit"] - paid
        else:
            principal += entry["debit"] - paid
    return principal, surcharge, credit


START = date(2026, 8, 3)
# Weekly dates and due dates whole weeks on: debits often fall due the same day (the order of entry decides which
# is paid first).
week = st.integers(min_value=0, max_value=8).map(lambda n: START + timedelta(weeks=n))
amount = st.one_of(st.integers(min_value=1, max_value=30).map(lambda n: Decimal(n * 100)),
                   st.decimals(min_value=Decimal("0.01"), max_value=Decimal("20000.00"), places=2))
debit = st.tuples(st.sampled_from(["BILL", "BILL", "SURCHARGE", "SURCHARGE", "ADJUSTMENT"]), amount, week,
                  st.sampled_from([0, 7, 14]))


@st.composite
def ledgers(draw):
    """(kind, amount, entry date, days to due) in the order entered: debits, and credits that mostly pay part
    of them (so that where they stop, in which debit of which kind, matters), now and then more (an advance)."""
    debits = draw(st.lists(debit, max_size=8))
    owed_paise = int(sum((d[1] for d in debits), Decimal("0.00")) * 100)
    credit = st.tuples(st.sampled_from(["PAYMENT", "ADJUSTMENT-"]),
                       st.integers(min_value=1, max_value=owed_paise * 11 // 10 + 100).map(lambda p: Decimal(p) / 100),
                       week, st.just(0))
    return draw(st.permutations(debits + draw(st.lists(credit, max_size=3))))


# As of a day debits fall due (not yet arrears), the day after (arrears), or between.
as_of_day = st.tuples(st.integers(min_value=0, max_value=10).map(lambda n: START + timedelta(weeks=n)),
                      st.sampled_from([0, 1, 4])).map(lambda w: w[0] + timedelta(days=w[1]))


def written(consumer, entries):
    """The entries on the ledger in one insert, as an import writes them (the cached figures left alone)."""
    LedgerEntry.objects.bulk_create(
        LedgerEntry(consumer=consumer, division_id=consumer.division_id, entry_date=entry_date, source="import",
                    kind="ADJUSTMENT" if kind == "ADJUSTMENT-" else kind,
                    amount=-value if kind == "ADJUSTMENT-" else value, reference=f"P-{consumer.pk}-{n}",
                    due_date=entry_date + timedelta(days=due_in) if kind == "BILL" else None)
        for n, (kind, value, entry_date, due_in) in enumerate(entries))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(two_ledgers=st.tuples(ledgers(), ledgers()), as_of=as_of_day)
def test_it_matches_the_rule_on_random_ledgers(rtp, two_ledgers, as_of):
    consumers = [make_consumer(rtp), make_consumer(rtp)]
    try:
        for consumer, entries in zip(consumers, two_ledgers, strict=True):
            written(consumer, entries)
        splits = arrears_split(consumer_ids=[c.pk for c in consumers], as_of=as_of)
        for consumer in consumers:
            rows = list(LedgerEntry.objects.filter(consumer=consumer)
                        .values("id", "kind", "debit", "credit", "due_on", "entry_date"))
            principal, surcharge, left_over = reference_split(rows, as_of)
            assert splits[consumer.pk] == Split(principal=principal, surcharge=surcharge, as_of=as_of,
                                                unapplied_credit=left_over)
            assert splits[consumer.pk].total == ledger_arrears(consumer, as_of)
    finally:
        LedgerEntry.objects.filter(consumer__in=consumers).delete()
        Consumer.objects.filter(pk__in=[c.pk for c in consumers]).delete()
