"""Disputes under section 56(1): the deposit the law asks for, resolution (theft cases: tests/drives/test_theft.py)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from core.dates import india_today
from core.errors import DomainError
from core.models import Source
from drives.disputes import deposit_required_for, dispute_record, dispute_resolve
from drives.models import Dispute
from tests.factories import add_entry, make_consumer

pytestmark = pytest.mark.django_db


def bills(consumer, *amounts_and_dates):
    for amount, day in amounts_and_dates:
        add_entry(consumer, "BILL", amount, day, day + timedelta(days=15))


def test_it_asks_the_lesser_of_the_claim_and_the_mean_of_the_last_six_bills(rtp):
    consumer = make_consumer(rtp)
    raised = date(2025, 7, 10)
    # Seven bills before 10 July: the oldest (9,000) is not among the last six; July's is the day itself.
    bills(consumer, ("9000.00", date(2024, 12, 10)), ("1200.00", date(2025, 1, 10)), ("1300.00", date(2025, 2, 10)),
          ("1400.00", date(2025, 3, 10)), ("1500.00", date(2025, 4, 10)), ("1600.00", date(2025, 5, 10)),
          ("1700.00", date(2025, 7, 9)), ("7000.00", date(2025, 7, 10)))

    assert deposit_required_for(consumer=consumer, raised_on=raised, amount_disputed=Decimal("5000.00")) == \
        Decimal("1450.00")  # 8,700 / 6
    assert deposit_required_for(consumer=consumer, raised_on=raised, amount_disputed=Decimal("500.00")) == \
        Decimal("500.00")


def test_it_records_and_resolves_a_dispute_once(rtp, officer):
    consumer = make_consumer(rtp)
    dispute = dispute_record(user=officer, account_no=consumer.account_no, raised_on=india_today(),
                             amount_disputed="3000.00", source=Source.API)
    # No bill before it: nothing is required, and a requirement of nothing never holds a cut.
    assert (dispute.deposit_required, dispute.holds_disconnection) == (Decimal("0.00"), False)

    dispute_resolve(user=officer, dispute=dispute, resolved_on=india_today(), resolution="meter tested: correct",
                    source=Source.WEB)
    dispute.refresh_from_db()
    assert (dispute.status, dispute.resolved_by, dispute.holds_disconnection) == ("resolved", officer, False)
    with pytest.raises(DomainError) as refusal:
        dispute_resolve(user=officer, dispute=dispute, resolved_on=india_today(), resolution="again",
                        source=Source.WEB)
    assert refusal.value.code == "invalid_status"


@pytest.mark.parametrize(("fields", "code"), [
    ({"raised_on": india_today() + timedelta(days=1)}, "invalid_date"),
    ({"amount_disputed": "0"}, "invalid_amount"),
    ({"deposit_amount": "500.00"}, "receipt_required"),
])
def test_it_refuses_a_dispute_that_makes_no_sense(rtp, officer, fields, code):
    consumer = make_consumer(rtp)
    with pytest.raises(DomainError) as refusal:
        dispute_record(user=officer, account_no=consumer.account_no,
                       **{"raised_on": india_today(), "amount_disputed": "100.00", **fields})
    assert refusal.value.code == code
    assert not Dispute.objects.exists()


def test_it_leaves_disputes_to_the_officer(rtp, clerk):
    consumer = make_consumer(rtp)
    with pytest.raises(PermissionDenied):
        dispute_record(user=clerk, account_no=consumer.account_no, raised_on=india_today(), amount_disputed="1.00")

