"""The nightly path of applying payments to schedules (settlements_apply_all, set-based) against the per-consumer
path the payment signal takes: payments that came in by an import (no signal) reach the schedules in order, a
settlement paid in full is completed with its waiver on the ledger, a promise paid is kept."""

from datetime import timedelta
from decimal import Decimal

import pytest

from arrears.models import LedgerEntry
from arrears.services import ledger_entry_add
from core.dates import india_today
from payments.services import payment_record
from settlements.models import Promise, Settlement, SettlementStatus
from settlements.services import promise_record, settlement_register, settlements_apply, settlements_apply_all
from tests.settlements.scheme_data import open_scheme, owing

pytestmark = pytest.mark.django_db


def _state():
    return ([(s.pk, s.status, s.paid, s.credit_entry_id is not None) for s in Settlement.objects.order_by("pk")],
            [(i.settlement_id, i.number, i.paid, i.paid_on) for s in Settlement.objects.order_by("pk")
             for i in s.instalments.all()],
            [(p.pk, p.status, p.paid) for p in Promise.objects.order_by("pk")])


@pytest.fixture
def imported(rtp, clerk, officer):
    """Three registrations (instalments: ₹3,000 down, then 4 × ₹2,000) and a promise; then an import's payments,
    which announce nothing: ₹2,500 for the first, ₹8,000 (all of it) for the second, none for the third, and the
    promise's ₹1,000."""
    scheme = open_scheme()
    consumers = [owing(rtp, principal="10000.00", surcharge="2000.00", before=scheme.dues_cutoff) for _ in range(3)]
    for n, consumer in enumerate(consumers):
        payment_record(user=clerk, account_no=consumer.account_no, amount=Decimal("3000.00"), mode="cash",
                       receipt_no=f"RTP-DEP-{n}", source="web")
        settlement_register(user=clerk, account_no=consumer.account_no, scheme=scheme, plan="instalments",
                            deposit_receipt_no=f"RTP-DEP-{n}")
    promised = owing(rtp, principal="5000.00", surcharge="0", before=india_today())
    promise_record(user=officer, account_no=promised.account_no, amount="1000.00",
                   due_on=india_today() + timedelta(days=5), reason="pension on the 5th")
    for consumer, amount, reference in ((consumers[0], "2500.00", "IMP-1"), (consumers[1], "8000.00", "IMP-2"),
                                        (promised, "1000.00", "IMP-3")):
        ledger_entry_add(consumer=consumer, kind="PAYMENT", amount=Decimal(amount), entry_date=india_today(),
                         reference=reference, user=None, source="import", announce=False)
    return consumers


def test_the_nightly_set_based_path_applies_an_imports_payments_as_the_per_consumer_path_does(imported):
    from django.db import transaction

    with transaction.atomic():
        settlements_apply(consumer_ids=None)
        expected = _state()
        transaction.set_rollback(True)

    assert settlements_apply_all() == 1

    assert _state() == expected
    first, second, third = Settlement.objects.order_by("pk")
    assert first.paid == Decimal("5500.00") and first.status == SettlementStatus.LIVE
    assert [i.paid for i in first.instalments.all()] == [Decimal("3000.00"), Decimal("2000.00"), Decimal("500.00"),
                                                        Decimal("0.00"), Decimal("0.00")]
    assert second.status == SettlementStatus.COMPLETED
    assert LedgerEntry.objects.get(reference=second.reference).amount == Decimal("-1000.00")
    assert third.paid == Decimal("3000.00")
    assert Promise.objects.get().status == "kept"
    # Again: nothing changes.
    assert settlements_apply_all() == 0
    assert _state() == expected
