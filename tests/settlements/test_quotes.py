"""The published schemes' own figures: what the quote says a consumer pays, when, and who is refused."""

from datetime import date
from decimal import Decimal

import pytest

from settlements.quotes import scheme_quote
from tests.settlements.scheme_data import owing, shipped_schemes

pytestmark = pytest.mark.django_db

OTS_2024 = "OTS-2024-25"
RAHAT_2025 = "BBRY-2025"


def dues(quote_plan):
    return [(due.number, due.due_on, due.amount) for due in quote_plan.schedule]


def test_phase_1_of_2024_25_for_a_1_kw_consumer_owing_4000_and_1200(rtp):
    scheme = shipped_schemes()[OTS_2024]
    consumer = owing(rtp, principal="4000.00", surcharge="1200.00", before=date(2024, 9, 30))

    quote = scheme_quote(scheme=scheme, consumer=consumer, on=date(2024, 12, 20))

    assert quote.eligible and quote.phase.number == 1
    assert (quote.principal, quote.surcharge) == (Decimal("4000.00"), Decimal("1200.00"))
    lump = quote.plan("lump_sum")
    # Principal up to ₹5,000: the whole surcharge waived for a lump sum; 30% of the principal down.
    assert (lump.waiver, lump.rebate, lump.payable, lump.deposit) == (
        Decimal("1200.00"), Decimal("0.00"), Decimal("4000.00"), Decimal("1200.00"))
    assert dues(lump) == [(0, date(2024, 12, 20), Decimal("1200.00")), (1, date(2025, 1, 19), Decimal("2800.00"))]
    # Or 75% waived over 10 monthly instalments after the deposit.
    ten = quote.plan("instalments")
    assert (ten.waiver, ten.payable, ten.deposit) == (Decimal("900.00"), Decimal("4300.00"), Decimal("1200.00"))
    assert [due.amount for due in ten.instalments] == [Decimal("310.00")] * 10
    assert (ten.instalments[0].due_on, ten.instalments[-1].due_on) == (date(2025, 1, 20), date(2025, 10, 20))
    assert sum(due.amount for due in ten.schedule) == ten.payable


def test_the_last_day_of_phase_1_and_the_first_of_phase_2(rtp):
    scheme = shipped_schemes()[OTS_2024]
    consumer = owing(rtp, principal="4000.00", surcharge="1200.00", before=date(2024, 9, 30))

    last = scheme_quote(scheme=scheme, consumer=consumer, on=date(2024, 12, 31))
    first = scheme_quote(scheme=scheme, consumer=consumer, on=date(2025, 1, 1))

    assert (last.phase.number, last.plan("lump_sum").waiver) == (1, Decimal("1200.00"))
    assert (first.phase.number, first.plan("lump_sum").waiver) == (2, Decimal("960.00"))  # 80%
    assert first.plan("instalments").waiver == Decimal("780.00")  # 65%


def test_above_5000_of_principal_the_waiver_is_smaller(rtp):
    scheme = shipped_schemes()[OTS_2024]
    consumer = owing(rtp, principal="5000.01", surcharge="1000.00", before=date(2024, 9, 30))

    quote = scheme_quote(scheme=scheme, consumer=consumer, on=date(2024, 12, 20))

    assert quote.plan("lump_sum").waiver == Decimal("700.00")  # 70%
    assert quote.plan("instalments").waiver == Decimal("600.00")  # 60%


def test_dues_after_the_cut_off_are_not_in_the_scheme(rtp):
    scheme = shipped_schemes()[OTS_2024]
    consumer = owing(rtp, principal="4000.00", surcharge="1200.00", before=date(2024, 9, 30))
    owing_later = owing(rtp, principal="3000.00", surcharge="0", before=date(2024, 12, 1))

    assert scheme_quote(scheme=scheme, consumer=consumer, on=date(2024, 12, 20)).principal == Decimal("4000.00")
    refused = scheme_quote(scheme=scheme, consumer=owing_later, on=date(2024, 12, 20))
    assert (refused.eligible, refused.code) == (False, "nothing_due")


def test_a_2_kw_lmv_2_consumer_is_refused_by_the_2025_scheme_with_the_reason(rtp):
    scheme = shipped_schemes()[RAHAT_2025]
    shop = owing(rtp, principal="8000.00", surcharge="900.00", before=date(2025, 11, 30), category="LMV-2",
                 load="2.00")

    quote = scheme_quote(scheme=scheme, consumer=shop, on=date(2025, 12, 10))

    assert (quote.eligible, quote.code) == (False, "not_eligible")
    assert quote.reason == "sanctioned load 2.00 kW is above 1.00 kW"


def test_the_2025_scheme_rebates_the_principal_by_month_and_fixes_the_instalment_by_load(rtp):
    scheme = shipped_schemes()[RAHAT_2025]
    home = owing(rtp, principal="8000.00", surcharge="900.00", before=date(2025, 11, 30), load="2.00")

    december = scheme_quote(scheme=scheme, consumer=home, on=date(2025, 12, 10))
    february = scheme_quote(scheme=scheme, consumer=home, on=date(2026, 2, 28))

    lump = december.plan("lump_sum")
    assert (lump.waiver, lump.rebate, lump.payable, lump.deposit) == (
        Decimal("900.00"), Decimal("2000.00"), Decimal("6000.00"), Decimal("0.00"))
    assert february.plan("lump_sum").rebate == Decimal("1200.00")  # 15%
    fixed = december.plan("fixed_instalments")
    # A 2 kW home: ₹750 down, then ₹750 a month; the last one what remains (8,000 − 750 = 7,250 = 9 × 750 + 500).
    assert fixed.deposit == Decimal("750.00")
    assert [due.amount for due in fixed.instalments] == [Decimal("750.00")] * 9 + [Decimal("500.00")]


def test_outside_the_dates_the_scheme_is_closed(rtp):
    scheme = shipped_schemes()[OTS_2024]
    consumer = owing(rtp, principal="4000.00", surcharge="1200.00", before=date(2024, 9, 30))

    quote = scheme_quote(scheme=scheme, consumer=consumer, on=date(2025, 2, 1))

    assert (quote.eligible, quote.code) == (False, "scheme_closed")
    assert "15-12-2024" in quote.reason and "31-01-2025" in quote.reason


def test_a_permanently_disconnected_consumer_of_any_schedule_may_join_2024_25(rtp):
    scheme = shipped_schemes()[OTS_2024]
    factory = owing(rtp, principal="4000.00", surcharge="100.00", before=date(2024, 9, 30), category="LMV-6")
    works = owing(rtp, principal="4000.00", surcharge="100.00", before=date(2024, 9, 30), category="HV-2")

    assert scheme_quote(scheme=scheme, consumer=factory, on=date(2024, 12, 20)).eligible
    assert scheme_quote(scheme=scheme, consumer=works, on=date(2024, 12, 20)).code == "not_eligible"
    works.status = "disconnected"
    works.save(update_fields=["status"])
    assert scheme_quote(scheme=scheme, consumer=works, on=date(2024, 12, 20)).eligible
