"""The ledger's day book (arrears.LedgerDay) is kept by the database however entries are written, each entry in
the division written on it (issue 21, item 11)."""

from datetime import date
from decimal import Decimal

import pytest

from arrears.ledger import ledger_days_mismatches
from arrears.models import Consumer, LedgerDay, LedgerEntry
from tests.factories import add_entry, make_consumer, make_division

pytestmark = pytest.mark.django_db


def _book():
    return {(d.division.code, d.day, d.kind): (d.entries, d.amount)
            for d in LedgerDay.objects.select_related("division") if d.entries}


def test_it_counts_every_entry_written_in_its_division_day_and_kind():
    rtp, hsp = make_division("RTP", "Ratanpur"), make_division("HSP", "Hanspuram")
    a, b = make_consumer(rtp, account_no="10000001"), make_consumer(hsp, account_no="20000001")
    add_entry(a, "BILL", "1500.00", date(2026, 11, 1), due_date=date(2026, 11, 15))
    add_entry(a, "PAYMENT", "700.50", date(2026, 12, 1))
    add_entry(a, "PAYMENT", "300.25", date(2026, 12, 1))
    add_entry(b, "PAYMENT", "99.00", date(2026, 12, 1))
    # A multi-row INSERT is one statement: the book adds it up in one go.
    LedgerEntry.objects.bulk_create([
        LedgerEntry(consumer=b, division=hsp, kind="PAYMENT", amount=Decimal("1.00"), entry_date=date(2026, 12, 2),
                    reference=f"bulk-{i}", source="import") for i in range(3)])

    assert _book() == {
        ("RTP", date(2026, 11, 1), "BILL"): (1, Decimal("1500.00")),
        ("RTP", date(2026, 12, 1), "PAYMENT"): (2, Decimal("1000.75")),
        ("HSP", date(2026, 12, 1), "PAYMENT"): (1, Decimal("99.00")),
        ("HSP", date(2026, 12, 2), "PAYMENT"): (3, Decimal("3.00")),
    }
    assert ledger_days_mismatches() == []


def test_it_takes_out_deleted_and_moves_updated_entries():
    rtp = make_division("RTP", "Ratanpur")
    a = make_consumer(rtp, account_no="10000001")
    first = add_entry(a, "PAYMENT", "500.00", date(2026, 12, 1))
    add_entry(a, "PAYMENT", "200.00", date(2026, 12, 1))
    LedgerEntry.objects.filter(pk=first.pk).update(entry_date=date(2026, 11, 30))
    assert _book() == {("RTP", date(2026, 11, 30), "PAYMENT"): (1, Decimal("500.00")),
                       ("RTP", date(2026, 12, 1), "PAYMENT"): (1, Decimal("200.00"))}
    LedgerEntry.objects.filter(pk=first.pk).delete()
    assert _book() == {("RTP", date(2026, 12, 1), "PAYMENT"): (1, Decimal("200.00"))}
    assert ledger_days_mismatches() == []


def test_it_reports_a_book_that_disagrees_with_the_ledger():
    rtp = make_division("RTP", "Ratanpur")
    add_entry(make_consumer(rtp, account_no="10000001"), "PAYMENT", "500.00", date(2026, 12, 1))
    LedgerDay.objects.update(amount=Decimal("499.00"))
    [(division_id, day, kind, _, book_amount, _, ledger_amount)] = ledger_days_mismatches()
    # Raw rows: SQLite gives text and numbers where PostgreSQL gives dates and decimals.
    assert (str(day), kind, Decimal(str(book_amount)), Decimal(str(ledger_amount))) == (
        "2026-12-01", "PAYMENT", Decimal("499"), Decimal("500"))


def test_it_keeps_collections_in_the_division_they_were_written_in_when_the_consumer_moves():
    rtp, hsp = make_division("RTP", "Ratanpur"), make_division("HSP", "Hanspuram")
    a = make_consumer(hsp, account_no="20000001")
    add_entry(a, "PAYMENT", "100.00", date(2026, 12, 1))
    Consumer.objects.filter(pk=a.pk).update(division=rtp)  # IT's import moves the consumer
    a.refresh_from_db()
    moved = add_entry(a, "PAYMENT", "250.00", date(2026, 12, 1))
    corrected = add_entry(a, "PAYMENT", "40.00", date(2026, 12, 2))
    Consumer.objects.filter(pk=a.pk).update(division=hsp)  # and back
    # Written in Ratanpur, changed and deleted after the consumer is back in Hanspuram.
    LedgerEntry.objects.filter(pk=corrected.pk).update(entry_date=date(2026, 12, 3))
    LedgerEntry.objects.filter(pk=moved.pk).delete()
    assert _book() == {("HSP", date(2026, 12, 1), "PAYMENT"): (1, Decimal("100.00")),
                       ("RTP", date(2026, 12, 3), "PAYMENT"): (1, Decimal("40.00"))}
    assert ledger_days_mismatches() == []
