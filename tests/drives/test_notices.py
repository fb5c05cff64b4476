"""Section 56 notices and the time-barred part of the arrears (s. 56(2))."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from arrears.ledger import time_barred_amount
from arrears.models import Consumer
from core.dates import india_today
from core.errors import DomainError
from core.models import Source
from drives.models import Notice
from drives.notices import notice_record, notices_record_bulk
from tests.drives.drive_data import defaulter
from tests.factories import add_entry, make_consumer

pytestmark = pytest.mark.django_db

ON = date(2025, 6, 1)


@pytest.fixture
def old_ledger(rtp):
    """A bill first due three years before ON, one due a year before, a payment between."""
    consumer = make_consumer(rtp)
    add_entry(consumer, "BILL", "10000.00", date(2022, 5, 1), date(2022, 5, 20))
    add_entry(consumer, "BILL", "5000.00", date(2024, 5, 1), date(2024, 5, 20))
    add_entry(consumer, "PAYMENT", "4000.00", date(2023, 1, 15))
    return consumer


def test_it_finds_the_part_first_due_over_two_years_ago(old_ledger):
    # The payment went to the oldest bill: 6,000 of it is still unpaid and over two years old.
    assert time_barred_amount(consumer=old_ledger, on=ON) == Decimal("6000.00")
    # Two years to the day after the due date is not yet "more than two years".
    assert time_barred_amount(consumer=old_ledger, on=date(2024, 5, 20)) == Decimal("0.00")
    assert time_barred_amount(consumer=old_ledger, on=date(2024, 5, 21)) == Decimal("6000.00")


def test_it_finds_nothing_barred_once_credits_cover_the_old_bills(old_ledger):
    add_entry(old_ledger, "PAYMENT", "7000.00", date(2025, 5, 1))
    assert time_barred_amount(consumer=old_ledger, on=ON) == Decimal("0.00")


def test_it_puts_the_time_barred_part_on_the_notice(old_ledger, officer):
    notice = notice_record(user=officer, account_no=old_ledger.account_no, served_on=ON, mode="post",
                           amount_demanded="11000.00", source=Source.WEB, reason="entered from the post register",
                           proof_ref="RP-2025-0601")
    assert (notice.time_barred_amount, notice.recorded_by, notice.lawful_from) == (
        Decimal("6000.00"), officer, date(2025, 6, 17))


@pytest.mark.parametrize(("fields", "code"), [
    ({"served_on": india_today() + timedelta(days=1)}, "invalid_date"),
    ({"served_on": date(1999, 12, 31)}, "invalid_date"),
    ({"amount_demanded": "0"}, "invalid_amount"),
    ({"mode": "pigeon"}, "invalid_mode"),
])
def test_it_refuses_a_notice_that_makes_no_sense(rtp, clerk, fields, code):
    consumer = make_consumer(rtp)
    with pytest.raises(DomainError) as refusal:
        notice_record(user=clerk, account_no=consumer.account_no,
                      **{"served_on": india_today(), "mode": "hand", "amount_demanded": "100.00", **fields})
    assert refusal.value.code == code


def test_it_records_notices_in_bulk_each_for_its_arrears(rtp, officer):
    first, second = defaulter(rtp, "30000.00"), defaulter(rtp, "12000.50")

    notices = notices_record_bulk(user=officer, account_nos=[first.account_no, second.account_no, first.account_no],
                                  served_on=india_today(), mode="bill", source=Source.WEB)

    assert [(n.consumer, n.amount_demanded) for n in notices] == [(first, Decimal("30000.00")),
                                                                  (second, Decimal("12000.50"))]


def test_it_records_no_notice_of_a_batch_with_an_account_out_of_reach(rtp, hsp, officer):
    mine, theirs = defaulter(rtp), defaulter(hsp)
    with pytest.raises(Consumer.DoesNotExist):
        notices_record_bulk(user=officer, account_nos=[mine.account_no, theirs.account_no],
                            served_on=india_today(), mode="hand", source=Source.WEB)
    assert not Notice.objects.exists()
