"""The law's conditions for a cut (DESIGN.md domain rules), through the services."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import Division
from arrears.models import Consumer
from core.dates import india_today
from core.errors import DomainError
from core.models import Source
from drives.disputes import dispute_record, dispute_resolve
from drives.models import Disconnection, Stop, StopStatus
from drives.notices import notice_record
from drives.selectors import drive_get, notice_valid_for
from drives.services import disconnection_record, stop_outcome_log
from tests.drives.drive_data import build_list, defaulter, plan, served
from tests.factories import add_entry, make_user

pytestmark = pytest.mark.django_db


def cut(user, stop, **fields):
    return stop_outcome_log(user=user, stop=stop, outcome="disconnected", method="fuse_pulled",
                            source=Source.API, **fields)


def refused(code, call, *args, **kwargs):
    with pytest.raises(DomainError) as refusal:
        call(*args, **kwargs)
    assert refusal.value.code == code
    return refusal.value


@pytest.fixture
def one_stop(rtp, officer, clerk):
    """A defaulter on today's drive, their stop assigned to the clerk."""
    consumer = defaulter(rtp, "50000.00")
    build_list(rtp)
    drive = plan(officer, rtp, [clerk])
    return consumer, Stop.objects.get(drive=drive, consumer=consumer)


def test_it_refuses_a_cut_on_the_fifteenth_clear_day_and_allows_it_the_day_after(one_stop, officer, clerk):
    consumer, stop = one_stop
    today = india_today()
    # Served 15 days ago: today is the 15th clear day (a notice of 1 March permits a cut from 17 March).
    served(officer, consumer, on=today - timedelta(days=15))

    refused("notice_required", cut, clerk, stop)
    stop.refresh_from_db()
    consumer.refresh_from_db()
    assert (stop.status, consumer.status) == (StopStatus.OPEN, "connected")

    served(officer, consumer, on=today - timedelta(days=16))
    cut(clerk, stop)
    consumer.refresh_from_db()
    assert consumer.status == "disconnected"
    assert Disconnection.objects.get(stop=stop).notice.served_on == today - timedelta(days=16)


def test_it_counts_fifteen_clear_days_between_service_and_cut(rtp):
    consumer = defaulter(rtp)
    from drives.models import Notice

    notice = Notice.objects.create(consumer=consumer, served_on=date(2025, 3, 1), mode="post",
                                   amount_demanded=Decimal("1"), recorded_by=make_user("o2", "officer", rtp),
                                   source=Source.WEB)
    assert notice.lawful_from == date(2025, 3, 17)
    assert notice_valid_for(consumer, on=date(2025, 3, 16)) is None
    assert notice_valid_for(consumer, on=date(2025, 3, 17)) == notice


def test_it_refuses_a_cut_without_a_notice(one_stop, clerk):
    refused("notice_required", cut, clerk, one_stop[1])
    assert not Disconnection.objects.exists()


def test_it_holds_a_cut_while_a_dispute_with_its_deposit_is_pending(one_stop, officer, clerk):
    consumer, stop = one_stop
    served(officer, consumer)
    # One bill of 50,000 before it: the deposit asked is the lesser, the 20,000 disputed, paid at the counter.
    add_entry(consumer, "PAYMENT", "20000.00", india_today(), reference="DEP-1")
    dispute = dispute_record(user=officer, account_no=consumer.account_no, raised_on=india_today(),
                             amount_disputed="20000.00", deposit_amount="20000.00", deposit_receipt_no="DEP-1",
                             source=Source.WEB)
    assert (dispute.deposit_required, dispute.deposit_amount) == (Decimal("20000.00"), Decimal("20000.00"))

    refused("dispute_pending", cut, clerk, stop)

    dispute_resolve(user=officer, dispute=dispute, resolved_on=india_today(), resolution="bill upheld",
                    source=Source.WEB)
    cut(clerk, stop)
    consumer.refresh_from_db()
    assert consumer.status == "disconnected"


def test_it_does_not_hold_a_cut_for_a_dispute_whose_deposit_is_short(one_stop, officer, clerk):
    consumer, stop = one_stop
    served(officer, consumer)
    add_entry(consumer, "PAYMENT", "19999.99", india_today(), reference="DEP-1")
    dispute_record(user=officer, account_no=consumer.account_no, raised_on=india_today(),
                   amount_disputed="20000.00", deposit_amount="19999.99", deposit_receipt_no="DEP-1",
                   source=Source.WEB)

    cut(clerk, stop)

    assert Disconnection.objects.filter(consumer=consumer).count() == 1


def test_it_never_cuts_a_protected_consumer(one_stop, officer, clerk):
    consumer, stop = one_stop
    served(officer, consumer)
    # Found to be a hospital after the drive was planned.
    Consumer.objects.filter(pk=consumer.pk).update(is_protected=True)

    refused("protected_consumer", cut, clerk, stop)
    refused("protected_consumer", disconnection_record, user=officer, account_no=consumer.account_no,
            method="cable_removed", source=Source.WEB)
    assert not Disconnection.objects.exists()


def test_it_never_puts_a_protected_consumer_on_the_stops(rtp, officer, clerk):
    hospital = defaulter(rtp, "90000.00", is_protected=True)
    shop = defaulter(rtp, "20000.00")
    build_list(rtp)

    drive = plan(officer, rtp, [clerk])

    assert list(drive.stops.values_list("consumer", flat=True)) == [shop.pk]
    assert hospital.pk not in drive.stops.values_list("consumer", flat=True)


def test_it_refuses_to_cut_a_consumer_who_has_paid_since_the_drive_was_planned(one_stop, officer, clerk, settings):
    consumer, stop = one_stop
    served(officer, consumer)
    add_entry(consumer, "PAYMENT", "45000.00", india_today())
    assert consumer.arrears == Decimal("5000.00") <= settings.DEFAULTER_THRESHOLD

    # The credit settled the stop at once (arrears.signals.ledger_credited from ledger_entry_add) ...
    refused("stop_closed", cut, clerk, stop)
    stop.refresh_from_db()
    assert stop.status == StopStatus.SETTLED
    # ... and a cut outside a drive meets the rule itself.
    refused("settled", disconnection_record, user=officer, account_no=consumer.account_no, method="meter_removed",
            source=Source.WEB)
    consumer.refresh_from_db()
    assert consumer.status == "connected"


def test_it_refuses_a_cut_of_a_consumer_already_disconnected(rtp, officer):
    consumer = defaulter(rtp)
    served(officer, consumer)
    disconnection_record(user=officer, account_no=consumer.account_no, method="meter_removed", source=Source.WEB)

    refused("already_disconnected", disconnection_record, user=officer, account_no=consumer.account_no,
            method="meter_removed", source=Source.WEB)
    assert Disconnection.objects.count() == 1


def test_it_lets_no_clerk_plan_a_drive(rtp, clerk):
    defaulter(rtp)
    build_list(rtp)
    with pytest.raises(PermissionDenied):
        plan(clerk, rtp, [clerk])


def test_it_keeps_another_divisions_consumer_and_drive_out_of_reach(one_stop, hsp, other_officer, other_clerk):
    consumer, stop = one_stop
    with pytest.raises(Consumer.DoesNotExist):
        notice_record(user=other_officer, account_no=consumer.account_no, served_on=india_today(), mode="hand",
                      amount_demanded="100.00", source=Source.WEB)
    with pytest.raises(Consumer.DoesNotExist):
        disconnection_record(user=other_officer, account_no=consumer.account_no, method="remote", source=Source.WEB)
    with pytest.raises(Http404):
        drive_get(other_officer, stop.drive_id)
    with pytest.raises(Stop.DoesNotExist):
        cut(other_clerk, stop)
    with pytest.raises(Division.DoesNotExist):
        plan(other_officer, stop.drive.division, [other_clerk])


def test_it_lets_a_clerk_log_only_their_own_stops(one_stop, rtp, officer):
    consumer, stop = one_stop
    served(officer, consumer)
    colleague = make_user("clerk2_rtp", "clerk", rtp)
    with pytest.raises(Stop.DoesNotExist):
        cut(colleague, stop)
    # The officer of the division may log any of its stops.
    cut(officer, stop)  # now: a fixed hour today is in the future before it
    assert Disconnection.objects.get(stop=stop).by == officer
