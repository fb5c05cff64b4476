"""The nightly path of applying payments to schedules (settlements_apply_all, set-based) against the per-consumer
path the payment signal takes: payments that came in by an import (no signal) reach the schedules in order, a
settlement paid in full is completed with its waiver on the ledger, a promise paid is kept."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from arrears.models import LedgerEntry
from arrears.services import ledger_entry_add
from core.dates import india_today
from payments.services import payment_record
from settlements.models import ApplyMark, Promise, Settlement, SettlementStatus
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


def test_the_next_night_reads_only_the_credits_since_the_last_and_applies_them(imported):
    last = LedgerEntry.objects.order_by("-pk").first().pk
    settlements_apply_all()
    assert ApplyMark.objects.get().ledger_id == last  # (the completion's own credit, written after, is not one)
    third = Settlement.objects.order_by("pk")[2]
    ledger_entry_add(consumer=third.consumer, kind="PAYMENT", amount=Decimal("4500.00"), entry_date=india_today(),
                     reference="IMP-4", user=None, source="import", announce=False)
    # The day's import paid the third its first two instalments and half the third; the night applies it.
    assert Settlement.objects.get(pk=third.pk).paid == Decimal("3000.00")

    assert settlements_apply_all() == 0

    third.refresh_from_db()
    assert third.paid == Decimal("7500.00")
    assert [i.paid for i in third.instalments.all()] == [Decimal("3000.00"), Decimal("2000.00"), Decimal("2000.00"),
                                                        Decimal("500.00"), Decimal("0.00")]
    assert ApplyMark.objects.get().ledger_id == LedgerEntry.objects.get(reference="IMP-4").pk
    # And the per-consumer path agrees.
    before = _state()
    settlements_apply(consumer_ids=None)
    assert _state() == before


def test_a_payment_made_before_the_registration_is_not_an_instalment_whatever_its_clock_says(rtp, clerk):
    """Credits count from the consumer's last ledger entry at registration, not by comparing the database's stamp
    with the app's clock: a payment written just before, stamped later by a clock ahead, is not counted."""
    scheme = open_scheme()
    consumer = owing(rtp, principal="10000.00", surcharge="2000.00", before=scheme.dues_cutoff)
    payment_record(user=clerk, account_no=consumer.account_no, amount=Decimal("3000.00"), mode="cash",
                   receipt_no="RTP-DEP-9", source="web")
    payment_record(user=clerk, account_no=consumer.account_no, amount=Decimal("500.00"), mode="cash",
                   receipt_no="RTP-EARLY-9", source="web")
    LedgerEntry.objects.filter(reference="RTP-EARLY-9").update(created_at=timezone.now() + timedelta(hours=1))

    settlement = settlement_register(user=clerk, account_no=consumer.account_no, scheme=scheme, plan="instalments",
                                     deposit_receipt_no="RTP-DEP-9")
    settlements_apply_all()

    settlement.refresh_from_db()
    assert settlement.paid == settlement.deposit == Decimal("3000.00")
