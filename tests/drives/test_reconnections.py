"""Reconnection (drives.reconnections): the minimum, an officer's approval below it, the reconnection and its
charge; credits imported from the billing system settle stops and order reconnections as a counter payment does."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from arrears.models import Consumer, LedgerEntry
from arrears.services import adjustment_add
from core.dates import india_today
from core.errors import DomainError
from drives.models import Disconnection, ReconnectionOrder, StopStatus
from drives.reconnections import (
    reconnection_approve,
    reconnection_done,
    reconnection_minimum,
    reconnection_minimum_for,
    reconnection_short_by,
)
from imports.services import import_run
from payments.services import payment_record
from tests.drives.reconnection_data import cut, defaulter, on_drive


@pytest.fixture
def cut_consumer(rtp, officer):
    consumer = defaulter(rtp, account_no="00054321", owes="40000.00")
    cut(consumer, by=officer)
    return consumer


def pay(user, amount: str, receipt_no: str):
    return payment_record(user=user, account_no="00054321", amount=amount, mode="cash", receipt_no=receipt_no)


@pytest.mark.parametrize("arrears, minimum", [
    ("40000.00", "10000.00"),  # 25% of the arrears when cut
    ("40000.03", "10000.01"),  # 10000.0075, to the paisa
    ("2000.00", "1000.00"),  # 25% is 500: at least RECONNECTION_MIN_AMOUNT
])
def test_it_asks_a_share_of_the_arrears_when_cut_and_at_least_the_minimum_amount(arrears, minimum):
    consumer = Consumer(category="LMV-2", sanctioned_load_kw=Decimal("5.00"))  # not lifeline (test_lifeline)
    assert reconnection_minimum_for(consumer=consumer, arrears=Decimal(arrears)) == Decimal(minimum)
    assert reconnection_minimum(Disconnection(consumer=consumer, arrears_at_disconnection=Decimal(arrears))) == Decimal(
        minimum)


def test_it_orders_a_reconnection_once_the_payments_since_the_cut_reach_the_minimum(cut_consumer, clerk, settings):
    first = pay(clerk, "9999.99", "R-1")
    assert first.reconnection_order is None
    assert not ReconnectionOrder.objects.exists()

    second = pay(clerk, "0.01", "R-2")
    order = second.reconnection_order
    assert (order.minimum, order.paid, order.status, order.approved_by) == (
        Decimal("10000.00"), Decimal("10000.00"), "open", None)
    assert (order.due_at - order.ordered_at).total_seconds() == settings.RECONNECTION_DUE_HOURS * 3600
    # One order per cut: a further payment orders nothing more.
    assert pay(clerk, "500.00", "R-3").reconnection_order is None
    assert ReconnectionOrder.objects.count() == 1


def test_it_counts_no_payment_made_before_the_cut(rtp, officer, clerk):
    consumer = defaulter(rtp, account_no="00054321", owes="40000.00")
    pay(clerk, "20000.00", "R-BEFORE")  # arrears 20000 when cut: minimum 5000
    consumer.refresh_from_db()
    disconnection = cut(consumer, by=officer)
    disconnection.disconnected_at = LedgerEntry.objects.get(reference="R-BEFORE").created_at
    disconnection.save()
    assert pay(clerk, "4999.99", "R-AFTER").reconnection_order is None
    assert pay(clerk, "0.01", "R-AFTER-2").reconnection_order.paid == Decimal("5000.00")


def test_an_officer_orders_a_reconnection_below_the_minimum_with_a_reason(cut_consumer, clerk, officer):
    pay(clerk, "2000.00", "R-1")
    order = reconnection_approve(user=officer, account_no="00054321", reason="widow; pays the rest monthly")
    assert (order.paid, order.minimum, order.approved_by, order.approval_reason) == (
        Decimal("2000.00"), Decimal("10000.00"), officer, "widow; pays the rest monthly")
    with pytest.raises(DomainError) as refused:
        reconnection_approve(user=officer, account_no="00054321", reason="again")
    assert refused.value.code == "order_exists"


def test_a_clerk_may_not_approve_below_the_minimum(cut_consumer, clerk):
    with pytest.raises(PermissionDenied):
        reconnection_approve(user=clerk, account_no="00054321", reason="asked nicely")
    assert not ReconnectionOrder.objects.exists()


@pytest.mark.parametrize("reason, code", [("", "reason_required"), ("x" * 201, "invalid_reason")])
def test_an_approval_needs_a_reason(cut_consumer, officer, reason, code):
    with pytest.raises(DomainError) as refused:
        reconnection_approve(user=officer, account_no="00054321", reason=reason)
    assert refused.value.code == code


def test_an_approval_needs_a_disconnected_consumer(rtp, officer):
    defaulter(rtp, account_no="00054321")
    with pytest.raises(DomainError) as refused:
        reconnection_approve(user=officer, account_no="00054321", reason="why not")
    assert refused.value.code == "not_disconnected"


def test_another_divisions_officer_cannot_approve(cut_consumer, other_officer):
    with pytest.raises(Consumer.DoesNotExist):
        reconnection_approve(user=other_officer, account_no="00054321", reason="not mine")


def test_it_reconnects_and_charges_for_it_once(cut_consumer, clerk, settings):
    order = pay(clerk, "10000.00", "R-1").reconnection_order
    done = reconnection_done(user=clerk, order=order, notes="fuse back")
    cut_consumer.refresh_from_db()
    charge = settings.RECONNECTION_CHARGES["domestic"]  # LMV-1 is a domestic rate schedule
    assert (done.status, done.done_by, done.notes, cut_consumer.status) == ("done", clerk, "fuse back", "connected")
    assert (done.charge.kind, done.charge.amount, done.charge.reference) == ("SURCHARGE", charge, f"RECN-{order.pk}")
    assert cut_consumer.balance == Decimal("30000.00") + charge
    with pytest.raises(DomainError) as refused:
        reconnection_done(user=clerk, order=order)
    assert refused.value.code == "invalid_status"
    assert LedgerEntry.objects.filter(kind="SURCHARGE").count() == 1


def test_another_divisions_clerk_cannot_reconnect(cut_consumer, clerk, other_clerk):
    order = pay(clerk, "10000.00", "R-1").reconnection_order
    with pytest.raises(Consumer.DoesNotExist):
        reconnection_done(user=other_clerk, order=order)
    order.refresh_from_db()
    assert order.status == "open"


def test_it_says_what_a_cut_consumer_is_still_short_of(cut_consumer, clerk, officer):
    assert reconnection_short_by(consumer=cut_consumer) == Decimal("10000.00")
    pay(clerk, "2500.00", "R-1")
    cut_consumer.refresh_from_db()
    assert reconnection_short_by(consumer=cut_consumer) == Decimal("7500.00")
    pay(clerk, "7500.00", "R-2")  # the order is made: nothing is short
    cut_consumer.refresh_from_db()
    assert reconnection_short_by(consumer=cut_consumer) is None


def test_nothing_is_short_for_a_connected_consumer_or_one_cut_before_drives_were_recorded(rtp):
    consumer = defaulter(rtp, account_no="00054321", owes="40000.00")
    assert reconnection_short_by(consumer=consumer) is None
    consumer.status = "disconnected"  # the billing system's status: no cut recorded here
    consumer.save()
    assert reconnection_short_by(consumer=consumer) is None


# --- credits written by an officer's adjustment -----------------------------------------------------------------

def test_an_adjustment_settles_the_open_stop_as_a_payment_does(rtp, officer, clerk):
    consumer = defaulter(rtp, account_no="00054321", owes="40000.00")
    stop = on_drive(consumer, officer=officer, clerk=clerk)

    adjustment_add(user=officer, account_no="00054321", amount="-30000.00", entry_date=india_today(),
                   reference="ADJ-1", source="web")

    stop.refresh_from_db()
    assert (stop.status, stop.outcome) == (StopStatus.SETTLED, "")
    assert stop.history.latest().history_user == officer


def test_a_debit_adjustment_or_a_small_credit_settles_nothing(rtp, officer, clerk):
    consumer = defaulter(rtp, account_no="00054321", owes="40000.00")
    stop = on_drive(consumer, officer=officer, clerk=clerk)
    adjustment_add(user=officer, account_no="00054321", amount="500.00", entry_date=india_today(), reference="ADJ-1",
                   source="web")
    adjustment_add(user=officer, account_no="00054321", amount="-1000.00", entry_date=india_today(),
                   reference="ADJ-2", source="web")
    stop.refresh_from_db()
    assert stop.status == StopStatus.OPEN


def test_an_adjustment_orders_a_reconnection_once(cut_consumer, officer):
    adjustment_add(user=officer, account_no="00054321", amount="-10000.00", entry_date=india_today(),
                   reference="ADJ-1", source="web")
    adjustment_add(user=officer, account_no="00054321", amount="-10.00", entry_date=india_today(),
                   reference="ADJ-2", source="web")
    order = ReconnectionOrder.objects.get()
    assert (order.consumer, order.paid, order.source) == (cut_consumer, Decimal("10000.00"), "web")


# --- credits imported from the billing system (online payments) ------------------------------------------------

def _ledger_file(tmp_path, rows: str) -> str:
    path = tmp_path / "ledger.csv"
    path.write_text("account_no,entry_date,kind,amount,reference,due_date\n" + rows, encoding="utf-8")
    return str(path)


def test_an_imported_payment_settles_the_open_stop(rtp, officer, clerk, tmp_path):
    consumer = defaulter(rtp, account_no="00054321", owes="40000.00")
    stop = on_drive(consumer, officer=officer, clerk=clerk)
    import_run(kind="ledger", file=_ledger_file(tmp_path, "00054321,2026-02-01,PAYMENT,30000.00,ONLINE-1,\n"),
               user=officer, source="web")
    stop.refresh_from_db()
    assert (stop.status, stop.outcome) == (StopStatus.SETTLED, "")
    assert stop.settled_at is not None
    assert stop.history.latest().history_user == officer  # the import's user


def test_an_imported_payment_that_leaves_arrears_over_the_threshold_settles_nothing(rtp, officer, clerk, tmp_path):
    consumer = defaulter(rtp, account_no="00054321", owes="40000.00")
    stop = on_drive(consumer, officer=officer, clerk=clerk)
    import_run(kind="ledger", file=_ledger_file(tmp_path, "00054321,2026-02-01,PAYMENT,29999.99,ONLINE-1,\n"),
               user=None, source="command")
    stop.refresh_from_db()
    assert stop.status == StopStatus.OPEN


def test_an_imported_payment_orders_a_reconnection(cut_consumer, tmp_path):
    import_run(kind="ledger", file=_ledger_file(tmp_path, "00054321,2026-02-01,PAYMENT,10000.00,ONLINE-1,\n"),
               user=None, source="command")
    order = ReconnectionOrder.objects.get(consumer=cut_consumer)
    assert (order.paid, order.source) == (Decimal("10000.00"), "import")


def test_a_failure_to_settle_does_not_undo_the_import(rtp, officer, clerk, tmp_path, monkeypatch, caplog):
    consumer = defaulter(rtp, account_no="00054321", owes="40000.00")
    stop = on_drive(consumer, officer=officer, clerk=clerk)

    def broken(**kwargs):
        raise RuntimeError("settling broke")

    monkeypatch.setattr("drives.reconnections.stops_settle_for", broken)
    result = import_run(kind="ledger", file=_ledger_file(tmp_path, "00054321,2026-02-01,PAYMENT,30000.00,ONLINE-1,\n"),
                        user=None, source="command")
    consumer.refresh_from_db()
    stop.refresh_from_db()
    assert (result.created, consumer.arrears, stop.status) == (1, Decimal("10000.00"), StopStatus.OPEN)
    assert "settling broke" in caplog.text
