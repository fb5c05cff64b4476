"""`make run`'s demo history: the last working days' drives, so yesterday's summary and the charts have figures."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Max, Sum

from accounts.models import User
from arrears.ledger import ledger_days_mismatches
from arrears.models import ConnectionStatus, Consumer
from core.dates import india_today
from drives.models import Drive, Notice, ReconnectionOrder, ReconnectionStatus, Stop
from drives.reconnections import credits_since, reconnection_minimum
from payments.models import Payment
from reports.selectors import summary

pytestmark = pytest.mark.django_db


def _seed() -> str:
    call_command("seed_demo", force=True, stdout=StringIO())
    call_command("build_defaulter_lists", stdout=StringIO())
    out = StringIO()
    call_command("seed_demo_history", force=True, stdout=out)
    call_command("build_defaulter_lists", stdout=StringIO())  # as make run: today's list after the history
    call_command("seed_demo_drives", force=True, stdout=StringIO())
    return out.getvalue()


def test_it_gives_the_md_a_yesterday_with_cuts_payments_reconnections_and_targets(client):
    output = _seed()
    assert "past drives" in output
    md = User.objects.get(username="md")
    last_working_day = india_today() - timedelta(days=2 if india_today().weekday() == 0 else 1)
    totals = summary(md, date_from=last_working_day, date_to=last_working_day).totals
    assert totals.disconnections > 0 and totals.paid_on_spot_count > 0 and totals.reconnections > 0
    assert totals.paid_on_spot_amount > 0 and totals.collections >= totals.paid_on_spot_amount
    assert totals.defaulters > 0 and totals.target is not None and totals.achievement_pct is not None
    # Each division still has a drive today for its clerk, bar any whose defaulters the history used up.
    assert Drive.objects.filter(date=india_today()).count() >= 4
    assert ledger_days_mismatches() == []
    # Its notices, served a month ago, were entered by the officer with a reason and the proof's reference.
    assert Notice.objects.exists() and not Notice.objects.filter(reason="").exists()
    assert not Notice.objects.filter(proof_ref="").exists()
    # Every payment the history takes at a stop follows the rule of a payment at a stop: paid on the spot (it
    # closed the stop) or the reconnection money of a stop just cut, never a part payment.
    at_stops = Payment.objects.filter(drive_stop__isnull=False)
    assert at_stops.exists() and not at_stops.filter(stop_outcome="part_paid").exists()
    assert (at_stops.filter(stop_outcome="paid").count()
            == Stop.objects.filter(drive__date__lt=india_today(), outcome="paid").count() > 0)
    # Idempotent.
    out = StringIO()
    call_command("seed_demo_history", force=True, stdout=out)
    assert "0 past drives" in out.getvalue()


def test_it_leaves_every_cut_consumer_able_to_be_reconnected():
    """Issue 18 item 6: the history worked its days newest first, so a consumer reconnected yesterday could be
    cut on the day before, after the fact; their payment was already spent and no order could ever come."""
    _seed()
    cut = Consumer.objects.filter(status=ConnectionStatus.DISCONNECTED, disconnections__isnull=False).distinct()
    assert cut.exists()
    for consumer in cut:
        last_cut = consumer.disconnections.order_by("-disconnected_at", "-id").first()
        last_reconnection = (ReconnectionOrder.objects.filter(consumer=consumer, done_at__isnull=False)
                             .aggregate(last=Max("done_at"))["last"])
        assert last_reconnection is None or last_cut.disconnected_at > last_reconnection, consumer.account_no
        ordered = ReconnectionOrder.objects.filter(disconnection=last_cut, status=ReconnectionStatus.OPEN).exists()
        paid_after = Payment.objects.filter(consumer=consumer, paid_at__gte=last_cut.disconnected_at).aggregate(
            total=Sum("amount"))["total"] or 0
        short = max(paid_after, credits_since(last_cut)) < reconnection_minimum(last_cut)
        assert ordered or short, f"{consumer.account_no} paid {paid_after} since the cut and has no order"
