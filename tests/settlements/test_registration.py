"""A registration's life: the deposit is a recorded payment, payments are applied to the schedule in order, the
waiver reaches the ledger only at completion, a missed instalment defaults it the next night."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from arrears.models import EntryKind, LedgerEntry
from core.dates import india_today
from core.errors import DomainError
from payments.services import payment_record
from settlements.models import SettlementStatus
from settlements.services import (
    plan_grant,
    promise_record,
    settlement_credit_reverse,
    settlement_register,
    settlements_default_missed,
)
from tests.settlements.scheme_data import open_scheme, owing

pytestmark = pytest.mark.django_db


def pay(user, consumer, amount, receipt_no):
    return payment_record(user=user, account_no=consumer.account_no, amount=Decimal(amount), mode="cash",
                          receipt_no=receipt_no, source="web")


@pytest.fixture
def scheme(db):
    return open_scheme()


@pytest.fixture
def consumer(rtp, scheme):
    # Principal ₹10,000 and surcharge ₹2,000 before the cut-off: 4 instalments with half the surcharge waived
    # come to ₹11,000, ₹3,000 down (30% of the principal), then 4 × ₹2,000.
    return owing(rtp, principal="10000.00", surcharge="2000.00", before=scheme.dues_cutoff)


def register(clerk, consumer, scheme, receipt_no="RTP-DEP-1", plan="instalments"):
    return settlement_register(user=clerk, account_no=consumer.account_no, scheme=scheme, plan=plan,
                               deposit_receipt_no=receipt_no)


def test_a_clerk_registers_with_the_deposit_paid_and_payments_go_to_the_schedule_in_order(clerk, consumer, scheme):
    pay(clerk, consumer, "3000.00", "RTP-DEP-1")

    settlement = register(clerk, consumer, scheme)

    assert settlement.reference.startswith("OTS-RTP-")
    assert (settlement.principal, settlement.surcharge, settlement.waiver, settlement.payable) == (
        Decimal("10000.00"), Decimal("2000.00"), Decimal("1000.00"), Decimal("11000.00"))
    assert [(i.number, i.amount, i.paid) for i in settlement.instalments.all()] == [
        (0, Decimal("3000.00"), Decimal("3000.00"))] + [(n, Decimal("2000.00"), Decimal("0.00")) for n in (1, 2, 3, 4)]

    pay(clerk, consumer, "2500.00", "RTP-2")

    settlement.refresh_from_db()
    assert settlement.paid == Decimal("5500.00")
    assert [i.paid for i in settlement.instalments.all()][1:3] == [Decimal("2000.00"), Decimal("500.00")]
    # No waiver on the ledger until it is all paid.
    assert not LedgerEntry.objects.filter(reference=settlement.reference).exists()


def test_the_waiver_reaches_the_ledger_only_when_all_is_paid(clerk, consumer, scheme):
    pay(clerk, consumer, "3000.00", "RTP-DEP-1")
    settlement = register(clerk, consumer, scheme)
    pay(clerk, consumer, "7999.99", "RTP-2")
    settlement.refresh_from_db()
    assert settlement.status == SettlementStatus.LIVE

    pay(clerk, consumer, "0.01", "RTP-3")

    settlement.refresh_from_db()
    consumer.refresh_from_db()
    assert settlement.status == SettlementStatus.COMPLETED
    credit = LedgerEntry.objects.get(reference=settlement.reference)
    assert (credit.kind, credit.amount) == (EntryKind.ADJUSTMENT, Decimal("-1000.00"))
    assert consumer.balance == Decimal("0.00")


def test_a_deposit_that_pays_it_all_completes_the_registration_at_once_with_one_credit(clerk, consumer, scheme):
    # A lump sum: the surcharge waived, ₹10,000 to pay; the consumer pays it all as the deposit.
    pay(clerk, consumer, "10000.00", "RTP-DEP-1")

    settlement = register(clerk, consumer, scheme, plan="lump_sum")

    settlement.refresh_from_db()
    consumer.refresh_from_db()
    assert (settlement.status, settlement.paid) == (SettlementStatus.COMPLETED, Decimal("10000.00"))
    assert all(i.paid == i.amount and i.paid_on == india_today() for i in settlement.instalments.all())
    credit = LedgerEntry.objects.get(reference=settlement.reference)
    assert (credit.kind, credit.amount, settlement.credit_entry_id) == (EntryKind.ADJUSTMENT, Decimal("-2000.00"),
                                                                        credit.pk)
    assert consumer.balance == Decimal("0.00")
    assert [h.reference for h in settlement.history.all()] == [settlement.reference]


def test_the_deposit_must_be_a_payment_of_the_consumer_of_at_least_the_deposit_used_once(clerk, consumer, scheme, rtp):
    with pytest.raises(DomainError) as missing:
        register(clerk, consumer, scheme, receipt_no="")
    assert missing.value.code == "deposit_required" and "₹3,000.00" in missing.value.detail
    pay(clerk, consumer, "2999.99", "RTP-DEP-1")
    with pytest.raises(DomainError) as short:
        register(clerk, consumer, scheme)
    assert short.value.code == "deposit_short"
    other = owing(rtp, principal="10000.00", surcharge="0", before=scheme.dues_cutoff)
    pay(clerk, other, "3000.00", "RTP-DEP-2")
    with pytest.raises(DomainError) as not_theirs:
        register(clerk, consumer, scheme, receipt_no="RTP-DEP-2")
    assert not_theirs.value.code == "deposit_not_found"


def test_one_live_registration_per_consumer(clerk, consumer, scheme):
    pay(clerk, consumer, "3000.00", "RTP-DEP-1")
    register(clerk, consumer, scheme)
    pay(clerk, consumer, "3000.00", "RTP-DEP-2")

    with pytest.raises(DomainError) as again:
        register(clerk, consumer, scheme, receipt_no="RTP-DEP-2", plan="lump_sum")

    assert again.value.code == "already_registered"


def test_a_clerk_of_another_division_cannot_register_the_consumer(other_clerk, clerk, consumer, scheme):
    from arrears.models import Consumer

    pay(clerk, consumer, "3000.00", "RTP-DEP-1")
    with pytest.raises(Consumer.DoesNotExist):
        register(other_clerk, consumer, scheme)


def test_a_missed_instalment_defaults_the_registration_after_the_grace_days(clerk, consumer, scheme, settings):
    settings.SETTLEMENT_GRACE_DAYS = 7
    pay(clerk, consumer, "3000.00", "RTP-DEP-1")
    settlement = register(clerk, consumer, scheme)
    first_due = settlement.instalments.get(number=1).due_on

    assert settlements_default_missed(today=first_due + timedelta(days=7)) == {"defaulted": 0, "promises_broken": 0}
    assert settlements_default_missed(today=first_due + timedelta(days=8))["defaulted"] == 1

    settlement.refresh_from_db()
    assert settlement.status == SettlementStatus.DEFAULTED
    assert not LedgerEntry.objects.filter(reference=settlement.reference).exists()


def test_an_officer_grants_a_plan_without_waiver_and_records_a_promise(officer, clerk, rtp):
    consumer = owing(rtp, principal="9000.00", surcharge="300.00", before=india_today())
    with pytest.raises(PermissionDenied):
        plan_grant(user=clerk, account_no=consumer.account_no, instalments=3, reason="hardship")

    plan = plan_grant(user=officer, account_no=consumer.account_no, instalments=3, reason="widow, pension due")

    assert (plan.kind, plan.waiver, plan.payable) == ("plan", Decimal("0.00"), Decimal("9300.00"))
    assert [i.amount for i in plan.instalments.all()] == [Decimal("3100.00")] * 3

    other = owing(rtp, principal="20000.00", surcharge="0", before=india_today())
    promise = promise_record(user=officer, account_no=other.account_no, amount="5000.00",
                             due_on=india_today() + timedelta(days=10), reason="salary on the 15th")
    pay(officer, other, "5000.00", "RTP-P-1")
    promise.refresh_from_db()
    assert promise.status == "kept"


def test_only_it_reverses_a_completed_settlements_credit_with_a_reason(clerk, officer, it_admin, consumer, scheme):
    pay(clerk, consumer, "3000.00", "RTP-DEP-1")
    settlement = register(clerk, consumer, scheme)
    pay(clerk, consumer, "8000.00", "RTP-2")
    settlement.refresh_from_db()
    with pytest.raises(PermissionDenied):
        settlement_credit_reverse(user=officer, settlement=settlement, reason="x")
    with pytest.raises(DomainError):
        settlement_credit_reverse(user=it_admin, settlement=settlement, reason="  ")

    settlement_credit_reverse(user=it_admin, settlement=settlement, reason="deposit cheque bounced")

    consumer.refresh_from_db()
    assert consumer.balance == Decimal("1000.00")
    settlement.refresh_from_db()
    assert settlement.status == SettlementStatus.CANCELLED and "deposit cheque bounced" in settlement.reason
