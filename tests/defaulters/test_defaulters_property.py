"""The list equals the arrears rule of DESIGN.md applied by hand to random ledgers."""

from datetime import date, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from defaulters.models import DefaulterEntry
from defaulters.services import defaulter_list_build_division
from tests.factories import add_entry, make_consumer

TODAY = date(2026, 3, 1)  # "today" for the test, so the examples repeat
THRESHOLD = Decimal("10000.00")

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("40000.00"), places=2)
entry = st.tuples(
    st.sampled_from(["BILL", "BILL", "SURCHARGE", "PAYMENT", "PAYMENT", "ADJUSTMENT"]),
    amounts,
    st.integers(min_value=0, max_value=900),  # entry date, days before TODAY
    st.integers(min_value=0, max_value=30),  # days from the bill to its due date
    st.booleans(),  # an ADJUSTMENT's sign: True is a credit
)
ledgers = st.lists(st.lists(entry, max_size=6), min_size=1, max_size=5)


def expected(ledger_rows, as_of: date):
    """(arrears, oldest unpaid due date) on ``as_of``, straight from the rules: debits due
    before the day less credits dated on or before it; credits pay the oldest debits first."""
    debits, paid = [], Decimal("0")
    for kind, amount, entry_date, due_date in ledger_rows:
        if kind == "PAYMENT" or (kind == "ADJUSTMENT" and amount < 0):
            if entry_date <= as_of:
                paid += abs(amount)
        else:
            debits.append((due_date if kind == "BILL" else entry_date, amount))
    due = sorted(d for d in debits if d[0] < as_of)
    arrears = sum((a for _d, a in due), Decimal("0")) - paid
    if arrears <= 0:
        return Decimal("0.00"), None
    running = Decimal("0")
    for due_on, amount in due:
        running += amount
        if running > paid:
            return arrears, due_on
    raise AssertionError("unreachable")


@pytest.mark.django_db
@hypothesis_settings(max_examples=40, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ledgers=ledgers, cached_days_ago=st.integers(min_value=0, max_value=60),
       as_of_days_ago=st.integers(min_value=0, max_value=400), today_from_cache=st.booleans())
def test_it_equals_the_arrears_rule_applied_to_the_ledger(rtp, ledgers, cached_days_ago, as_of_days_ago,
                                                          today_from_cache):
    cached_on = TODAY - timedelta(days=cached_days_ago)
    # Today's list rolls the cache kept since `cached_on`; a past day's list reads the ledger.
    as_of = TODAY if today_from_cache else TODAY - timedelta(days=as_of_days_ago)
    with transaction.atomic():
        by_account = {}
        with mock.patch("arrears.services.india_today", return_value=cached_on):
            for rows in ledgers:
                consumer = make_consumer(rtp, is_protected=len(rows) % 2 == 1)
                written = []
                for kind, amount, days_ago, due_after, credit in rows:
                    entry_date = TODAY - timedelta(days=days_ago)
                    due_date = entry_date + timedelta(days=due_after) if kind == "BILL" else None
                    signed = -amount if kind == "ADJUSTMENT" and credit else amount
                    add_entry(consumer, kind, str(signed), entry_date, due_date)
                    written.append((kind, signed, entry_date, due_date))
                by_account[consumer.account_no] = (consumer, written)

        with mock.patch("defaulters.services.india_today", return_value=TODAY):
            defaulter_list_build_division(division_id=rtp.pk, as_of=as_of, trigger="command")

        want = []
        for account_no, (consumer, written) in by_account.items():
            arrears, oldest = expected(written, as_of)
            if arrears > THRESHOLD:
                want.append((account_no, arrears, oldest, (as_of - oldest).days, consumer.is_protected))
        want.sort(key=lambda row: (-row[1], row[0]))
        got = [(e.account_no, e.arrears, e.oldest_due_date, e.days_overdue, e.is_protected)
               for e in DefaulterEntry.objects.filter(list__division=rtp, list__as_of=as_of).order_by("rank")]
        assert got == want
        assert [e.rank for e in DefaulterEntry.objects.filter(list__as_of=as_of).order_by("rank")] == list(
            range(1, len(want) + 1))
        transaction.set_rollback(True)
