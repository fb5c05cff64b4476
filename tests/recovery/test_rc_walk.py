"""The recovery walk by its services: Form I to a permanently disconnected consumer, the RC after the notice period,
the collector's steps to recovered with the money on the ledger; and the refusals."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from arrears.models import Consumer, LedgerEntry
from core.dates import india_today
from core.errors import DomainError
from payments.models import Payment
from recovery.models import RecoveryCertificate
from recovery.services import demand_notice_issue, permanent_disconnections_mark, rc_raise, rc_status_set
from tests.factories import make_consumer
from tests.recovery.rc_data import defaulter_cut_long_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def pd_consumer(rtp, officer):
    consumer = defaulter_cut_long_ago(rtp, by=officer, account_no="00077001")
    permanent_disconnections_mark()
    return consumer


def _notice(officer, *, days_ago: int = 40):
    return demand_notice_issue(user=officer, account_no="00077001", served_on=india_today() - timedelta(days=days_ago),
                               service_mode="by_hand", served_to="Geeta Devi (wife)")


def test_it_walks_from_form_i_to_recovered_with_the_money_on_the_ledger(pd_consumer, officer, settings):
    settings.RC_NOTICE_DAYS = 30
    today = india_today()
    notice = _notice(officer)
    assert (notice.principal, notice.surcharge, notice.amount) == (Decimal("15000.00"), Decimal("1200.00"),
                                                                   Decimal("16200.00"))
    assert notice.reference == f"FORM1-RTP-{notice.pk:06d}"

    rc = rc_raise(user=officer, account_no="00077001", demand_notice_id=notice.pk)
    assert (rc.status, rc.sent_on, rc.amount, rc.reference) == ("sent", today, Decimal("16200.00"),
                                                                f"RC-RTP-{rc.pk:06d}")
    rc_status_set(user=officer, rc_id=rc.pk, status="citation_issued", on=today, notes="Tehsil Sadar, citation 14/26")
    rc_status_set(user=officer, rc_id=rc.pk, status="attachment", on=today)
    rc = rc_status_set(user=officer, rc_id=rc.pk, status="recovered", on=today, amount_recovered=Decimal("16200.00"))

    rc.refresh_from_db()
    assert (rc.status, rc.closed_on, rc.amount_recovered) == ("recovered", today, Decimal("16200.00"))
    payment = Payment.objects.get(consumer=pd_consumer)
    assert (payment, payment.source, payment.amount, payment.receipt_no) == (rc.payment, "rc", Decimal("16200.00"),
                                                                            rc.reference)
    entry = LedgerEntry.objects.get(consumer=pd_consumer, kind="PAYMENT")
    assert entry.credit == Decimal("16200.00") and entry.source == "rc"
    consumer = Consumer.objects.get(pk=pd_consumer.pk)
    assert (consumer.balance, consumer.arrears) == (Decimal("0.00"), Decimal("0.00"))
    assert [h.status for h in rc.history.order_by("history_date", "history_id")] == [
        "sent", "citation_issued", "attachment", "recovered"]
    assert "citation 14/26" in rc.notes


def test_it_refuses_a_consumer_not_permanently_disconnected(rtp, officer):
    make_consumer(rtp, account_no="00077002")
    with pytest.raises(DomainError) as refused:
        demand_notice_issue(user=officer, account_no="00077002", served_on=india_today(), service_mode="affixed")
    assert refused.value.code == "not_permanently_disconnected"


def test_it_refuses_an_rc_before_the_notice_period_is_over(pd_consumer, officer, settings):
    settings.RC_NOTICE_DAYS = 30
    notice = _notice(officer, days_ago=29)
    with pytest.raises(DomainError) as refused:
        rc_raise(user=officer, account_no="00077001", demand_notice_id=notice.pk)
    assert refused.value.code == "notice_period_running"
    settings.RC_NOTICE_DAYS = 29
    assert rc_raise(user=officer, account_no="00077001", demand_notice_id=notice.pk).status == "sent"
    with pytest.raises(DomainError) as refused:
        rc_raise(user=officer, account_no="00077001", demand_notice_id=notice.pk)
    assert refused.value.code == "rc_exists"


def test_it_refuses_another_division_and_a_clerk(pd_consumer, officer, other_officer, clerk):
    with pytest.raises(Consumer.DoesNotExist):
        demand_notice_issue(user=other_officer, account_no="00077001", served_on=india_today(),
                            service_mode="registered_post")
    with pytest.raises(PermissionDenied):
        demand_notice_issue(user=clerk, account_no="00077001", served_on=india_today(),
                            service_mode="registered_post")
    rc = rc_raise(user=officer, account_no="00077001", demand_notice_id=_notice(officer).pk)
    with pytest.raises(RecoveryCertificate.DoesNotExist):
        rc_status_set(user=other_officer, rc_id=rc.pk, status="citation_issued", on=india_today())


def test_it_refuses_a_wrong_walk_and_money_out_of_place(pd_consumer, officer):
    rc = rc_raise(user=officer, account_no="00077001", demand_notice_id=_notice(officer).pk)
    today = india_today()
    for status, amount, code in (("attachment", None, "invalid_transition"),
                                 ("recovered", Decimal("1.00"), "invalid_transition"),
                                 ("citation_issued", Decimal("5.00"), "amount_not_allowed")):
        with pytest.raises(DomainError) as refused:
            rc_status_set(user=officer, rc_id=rc.pk, status=status, on=today, amount_recovered=amount)
        assert refused.value.code == code
    with pytest.raises(DomainError) as refused:
        rc_status_set(user=officer, rc_id=rc.pk, status="citation_issued", on=today - timedelta(days=1))
    assert refused.value.code == "invalid_date"
    rc_status_set(user=officer, rc_id=rc.pk, status="citation_issued", on=today)
    with pytest.raises(DomainError) as refused:
        rc_status_set(user=officer, rc_id=rc.pk, status="partly_recovered", on=today)
    assert refused.value.code == "amount_required"
    rc_status_set(user=officer, rc_id=rc.pk, status="returned", on=today, notes="Consumer not found at the address")
    assert not Payment.objects.exists()


def test_it_refuses_a_form_i_served_before_the_consumer_became_permanently_disconnected(pd_consumer, officer):
    with pytest.raises(DomainError) as refused:
        demand_notice_issue(user=officer, account_no="00077001", served_on=india_today() - timedelta(days=300),
                            service_mode="registered_post")
    assert refused.value.code == "invalid_served_on"
