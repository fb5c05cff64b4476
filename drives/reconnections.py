"""What a credit sets off on a drive, and reconnection.

A payment takes effect at once (DESIGN.md, domain rules): a consumer whose arrears fall to the
threshold or below drops off every open stop, so no team cuts someone who has just paid at the
counter; a disconnected consumer who has paid the reconnection minimum since the cut gets an
order to be reconnected, due within RECONNECTION_DUE_HOURS. Every credit reaches this work through
the arrears.signals.ledger_credited signal (ledger_credited_receive below), whoever wrote it: a payment
(payments.services.payment_record), an officer's adjustment (arrears.services.ledger_entry_add sends
it) or the billing system's import. A payment that names a stop is recorded on it first
(stop_for_payment, stop_payment_log): paid on the spot, or part-paid.
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Sum
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from accounts.models import User
from accounts.permissions import may_approve_reconnection, may_plan_drive, may_reconnect
from accounts.selectors import division_scope
from arrears.models import ConnectionStatus, Consumer, EntryKind, LedgerEntry
from arrears.services import consumer_for_update, ledger_entry_add
from arrears.signals import credited_by
from core.dates import india_today
from core.errors import DomainError
from core.models import Source
from drives.models import (
    Disconnection,
    DriveStatus,
    Outcome,
    ReconnectionOrder,
    ReconnectionStatus,
    Stop,
    StopPayment,
    StopStatus,
)
from notify.services import reconnection_message_queue

logger = logging.getLogger(__name__)

CENT = Decimal("0.01")
APPROVAL_REASON_LENGTH = 200


# --- stops ----------------------------------------------------------------------------------------------

def _takes_money(stop: Stop) -> bool:
    """The stops a payment may name: an open one, or one where the consumer was just cut (the team takes the
    reconnection money there). A payment at a stop closed otherwise (locked premises, paid before) is the
    consumer's, not the stop's."""
    return stop.status == StopStatus.OPEN or (stop.status == StopStatus.DONE and stop.outcome == Outcome.DISCONNECTED)


def stop_takes_money(stop: Stop) -> bool:
    """Whether a payment taken now at ``stop`` (read with its drive) may name it: open or just cut, on a drive
    not closed and dated today. The clerk's pay page records the money for the consumer alone otherwise."""
    return _takes_money(stop) and stop.drive.status != DriveStatus.CLOSED and stop.drive.date == india_today()


def stop_for_payment(*, user: User, consumer: Consumer, stop_id: int, paid_on: date) -> Stop:
    """The stop of ``consumer`` that a payment paid on ``paid_on`` names, locked, with its drive.

    A payment may name only a stop of an open drive dated the day it is paid, assigned to the clerk who
    takes it; an officer or IT of the division may name any of its stops, and a payment they enter from
    the receipt book, dated back with a reason, names a stop of that day's drive. A clerk's payment is
    today's (409 drive_not_today otherwise, as for a drive of another day); 409 drive_closed for a
    closed drive, stop_not_yours for another clerk's stop. 409 invalid_drive_stop for any other (another
    division's, another consumer's, one settled or with an outcome other than a cut, none at all): one
    answer for all, so a payment is no way to learn which stops exist elsewhere.
    """
    stop = (division_scope(Stop.objects.select_related("drive").select_for_update(of=("self",)), user,
                           field="drive__division")
            .filter(pk=stop_id, consumer=consumer).first())
    # A closed drive first: closing it leaves its open stops "unvisited", and the clerk who took money there with
    # no network is told why and what to do (their phone offers "send without the stop").
    if stop is not None and stop.drive.status == DriveStatus.CLOSED:
        raise DomainError(_("the drive of this stop is closed; record the payment without the stop"),
                          code="drive_closed", field="drive_stop")
    if stop is None or not _takes_money(stop):
        raise DomainError(_("no open drive stop %(id)s for this consumer") % {"id": stop_id},
                          code="invalid_drive_stop", field="drive_stop")
    officer = may_plan_drive(user)
    if stop.drive.date != paid_on or (not officer and paid_on != india_today()):
        raise DomainError(_("this stop is on the drive of %(day)s: a payment names a stop of the drive of the day "
                            "it is paid") % {"day": date_format(stop.drive.date)},
                          code="drive_not_today", field="drive_stop")
    if not officer and stop.clerk_id != user.pk:
        raise DomainError(_("this stop is another clerk's: take the payment without the stop, or ask the officer"),
                          code="stop_not_yours", field="drive_stop")
    return stop


def stop_payment_log(*, stop: Stop, consumer: Consumer, amount: Decimal, arrears_before: Decimal, user: User,
                     at: datetime, source: str) -> str | None:
    """A payment of ``amount`` taken at ``stop`` (locked by stop_for_payment), just written to the ledger of
    ``consumer`` (whose position is the one after it; ``arrears_before`` was before it). Returns what it did to
    the stop: StopPayment.PAID, PART_PAID, or None for a stop already cut (the money is towards the
    reconnection; the cut stays the stop's outcome).

    The money is added to the stop's paid_amount and payments_count whatever it did. An open stop is closed as
    paid on the spot only when the arrears are now at the threshold (DEFAULTER_THRESHOLD) or below, or the
    money taken at the stop reaches the reconnection minimum on the arrears before it: this payment, with
    any earlier part payment at the stop (a consumer who pays in two instalments, cash and UPI, has paid
    the sum). Cutting such a payer would only order a reconnection. Less is part-paid: recorded and shown on
    the stop, which stays open and may still be cut.
    """
    earlier = stop.paid_amount
    stop.paid_amount, stop.payments_count = earlier + amount, stop.payments_count + 1
    fields = ["paid_amount", "payments_count"]
    result = None
    if stop.status == StopStatus.OPEN:
        minimum = reconnection_minimum_for(consumer=consumer, arrears=arrears_before + earlier)
        if consumer.arrears <= settings.DEFAULTER_THRESHOLD or stop.paid_amount >= minimum:
            stop.status, stop.outcome = StopStatus.DONE, Outcome.PAID
            stop.outcome_at, stop.outcome_by, stop.outcome_source = at, user, source
            fields += ["status", "outcome", "outcome_at", "outcome_by", "outcome_source"]
            result = StopPayment.PAID
        else:
            result = StopPayment.PART_PAID
    stop._history_user = user
    stop.save(update_fields=fields)
    return result


def stop_paid_needs(*, stop: Stop, consumer: Consumer) -> Decimal:
    """What one more payment at the open ``stop`` must be to close it as paid (stop_payment_log's rule, on the
    consumer's arrears now): the least of what brings the arrears to the threshold and what the money taken
    at the stop still lacks of the reconnection minimum. Shown on the clerk's pay page."""
    to_threshold = consumer.arrears - settings.DEFAULTER_THRESHOLD
    minimum = reconnection_minimum_for(consumer=consumer, arrears=consumer.arrears + stop.paid_amount)
    return max(Decimal("0.00"), min(to_threshold, minimum - stop.paid_amount))


def stops_settle(*, consumer: Consumer, at: datetime, user: User | None = None) -> int:
    """After a credit: when the consumer's arrears are now at most DEFAULTER_THRESHOLD, every open stop
    of the consumer is settled. Returns the number of stops settled."""
    return stops_settle_for(consumer_ids=[consumer.pk], at=at, user=user)


def _nothing_to_do(consumers: list[Consumer]) -> bool:
    """Whether a credit of ``consumers`` (locked, their cached arrears fresh) can settle no stop and order no
    reconnection: none is cut, and none at most the threshold (stops_settle_for's condition) has an open stop.
    That one plain read (index stop_consumer_status), without a lock or a savepoint: open stops are few."""
    if any(consumer.status == ConnectionStatus.DISCONNECTED for consumer in consumers):
        return False
    settling = [consumer.pk for consumer in consumers if consumer.arrears <= settings.DEFAULTER_THRESHOLD]
    return not settling or not Stop.objects.filter(consumer_id__in=settling, status=StopStatus.OPEN).exists()


def stops_settle_for(*, consumer_ids: list[int] | None, at: datetime, user: User | None = None) -> int:
    """stops_settle for many consumers at once (None: every consumer), as set-based work: one SELECT
    of the open stops whose consumer's cached arrears are at most the threshold, one UPDATE, one
    INSERT of their history rows. Open stops are few (today's drives); index stop_consumer_status
    finds a consumer's."""
    stops = Stop.objects.filter(status=StopStatus.OPEN, consumer__arrears__lte=settings.DEFAULTER_THRESHOLD)
    if consumer_ids is not None:
        stops = stops.filter(consumer_id__in=_among(consumer_ids))
    # By id, not the default ordering: that joins every stop's drive only to sort.
    settled = list(stops.select_for_update(of=("self",)).order_by("pk"))
    for stop in settled:
        stop.status, stop.settled_at = StopStatus.SETTLED, at
    if settled:
        bulk_update_with_history(settled, Stop, ["status", "settled_at"], default_user=user,
                                 default_change_reason="settled by a payment")
    return len(settled)


def _among(consumer_ids: list[int]) -> list[int] | RawSQL:
    """``consumer_ids`` for an ``__in`` filter: on PostgreSQL one array, not one parameter per id (an import's
    tens of thousands of credited consumers cost more to send and plan as a list than the query takes)."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", [list(consumer_ids)])
    return consumer_ids


# --- reconnection orders --------------------------------------------------------------------------------

# Lifeline consumers (UPPCL's order of November 2024): domestic light and fan supply of at most 1 kW.
LIFELINE_CATEGORY = "LMV-1"
LIFELINE_MAX_LOAD_KW = Decimal("1")


def is_lifeline(consumer: Consumer) -> bool:
    """An LMV-1 consumer with a sanctioned load of at most LIFELINE_MAX_LOAD_KW."""
    return (consumer.category == LIFELINE_CATEGORY and consumer.sanctioned_load_kw is not None
            and consumer.sanctioned_load_kw <= LIFELINE_MAX_LOAD_KW)


def reconnection_minimum_for(*, consumer: Consumer, arrears: Decimal) -> Decimal:
    """The reconnection minimum of ``consumer`` on ``arrears``: RECONNECTION_MIN_SHARE of them, at least
    RECONNECTION_MIN_AMOUNT, in paise; a lifeline consumer's is the _LIFELINE pair's (10%, at least ₹250 by
    default). The one place the minimum is computed: the order after a cut (on the arrears when cut), the
    receipt's shortfall, the pages, and whether a payment at a stop closes it (on the arrears before it)."""
    if is_lifeline(consumer):
        share, floor = settings.RECONNECTION_MIN_SHARE_LIFELINE, settings.RECONNECTION_MIN_AMOUNT_LIFELINE
    else:
        share, floor = settings.RECONNECTION_MIN_SHARE, settings.RECONNECTION_MIN_AMOUNT
    return max(floor, (share * arrears).quantize(CENT, rounding=ROUND_HALF_UP))


def reconnection_minimum(disconnection: Disconnection) -> Decimal:
    """What a disconnected consumer pays before an order is made: the minimum on the arrears when cut."""
    return reconnection_minimum_for(consumer=disconnection.consumer, arrears=disconnection.arrears_at_disconnection)


def credits_since(disconnection: Disconnection) -> Decimal:
    """Payments and negative adjustments written to the consumer's ledger after the cut (by when they were
    written, not the date they carry: a payment back-dated at the counter is still money after the cut).

    After the cut's charge where it has one: ledger ids rise, and the consumer row lock orders a cut and
    a payment on one account, so this holds even inside one transaction (whose created_at is one instant).
    Index ledger_consumer_due_on, which starts with the consumer, finds the consumer's entries."""
    entries = LedgerEntry.objects.filter(consumer_id=disconnection.consumer_id)
    if disconnection.charge_id is not None:
        entries = entries.filter(pk__gt=disconnection.charge_id)
    else:
        entries = entries.filter(created_at__gt=disconnection.disconnected_at)
    return entries.aggregate(total=Sum("credit"))["total"] or Decimal("0.00")


def _last_disconnection(consumer: Consumer) -> Disconnection | None:
    return consumer.disconnections.order_by("-disconnected_at", "-id").first()


def last_cut_order(consumer: Consumer) -> ReconnectionOrder | None:
    """The reconnection order of the consumer's last cut, if it has one (one per disconnection). Read before
    and after a credit, it tells the order the credit brought about."""
    disconnection = _last_disconnection(consumer)
    if disconnection is None:
        return None
    return ReconnectionOrder.objects.filter(disconnection=disconnection).first()


def _cut_without_order(consumer: Consumer) -> Disconnection | None:
    """The consumer's last cut while it still waits for its reconnection order (one per disconnection). None
    when the consumer is connected, or was cut before drives were recorded here (the billing system's status:
    no cut to reconnect from), or the order is made. (Read through the consumer, the cut's consumer is this
    very instance: the minimum reads its category and load with no second query.)"""
    if consumer.status != ConnectionStatus.DISCONNECTED:
        return None
    disconnection = _last_disconnection(consumer)
    if disconnection is None or ReconnectionOrder.objects.filter(disconnection=disconnection).exists():
        return None
    return disconnection


@dataclass(frozen=True)
class ReconnectionDue:
    """Where a disconnected consumer stands towards the reconnection minimum of the last cut."""

    minimum: Decimal
    paid: Decimal  # credits since the cut

    @property
    def short_by(self) -> Decimal:
        return max(Decimal("0.00"), self.minimum - self.paid)


def reconnection_due(*, consumer: Consumer) -> ReconnectionDue | None:
    """The minimum of the consumer's last cut and what was paid towards it since; None when there is no cut
    waiting for its order (the consumer is connected, or the order is made). What the pages show."""
    disconnection = _cut_without_order(consumer)
    if disconnection is None:
        return None
    return ReconnectionDue(minimum=reconnection_minimum(disconnection), paid=credits_since(disconnection))


def reconnection_short_by(*, consumer: Consumer) -> Decimal | None:
    """What a disconnected consumer still has to pay towards the reconnection minimum of the last cut: the
    minimum less the credits since the cut, never below 0.00. None when there is no cut waiting for its order
    (the consumer is connected, or the order is made)."""
    due = reconnection_due(consumer=consumer)
    return None if due is None else due.short_by


def reconnection_order_for_payment(*, consumer: Consumer, user: User | None, source: str,
                                   approved_by: User | None = None,
                                   approval_reason: str = "") -> ReconnectionOrder | None:
    """After a credit: an order to reconnect a disconnected consumer who has paid the minimum since the
    last cut (or whom ``approved_by``, an officer, lets off with less, giving ``approval_reason``), due
    at now + RECONNECTION_DUE_HOURS. None when the consumer is connected, the cut already has its
    order (one per disconnection), or too little has been paid. The caller holds the consumer row lock."""
    disconnection = _cut_without_order(consumer)
    if disconnection is None:
        return None
    minimum = reconnection_minimum_for(consumer=consumer, arrears=disconnection.arrears_at_disconnection)
    paid = credits_since(disconnection)
    below = paid < minimum
    if below and approved_by is None:
        return None
    now = timezone.now()
    order = ReconnectionOrder(
        consumer=consumer, division_id=consumer.division_id, disconnection=disconnection, ordered_at=now,
        due_at=now + timedelta(hours=settings.RECONNECTION_DUE_HOURS), minimum=minimum, paid=paid,
        approved_by=approved_by if below else None, approval_reason=approval_reason if below else "", source=source)
    order._history_user = user
    order.save()
    reconnection_message_queue(consumer=consumer, order_id=order.pk, due_at=order.due_at, created_by=user)
    return order


def reconnection_approve(*, user: User, account_no: str, reason: str, source: str = Source.WEB) -> ReconnectionOrder:
    """An officer orders a disconnected consumer reconnected on less than the minimum, saying why.

    Raises Consumer.DoesNotExist outside the officer's division.
    """
    if not may_approve_reconnection(user):
        raise PermissionDenied(_("only officers and IT admins approve a reconnection below the minimum"))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("give the reason for reconnecting below the minimum"), code="reason_required",
                          field="reason")
    if len(reason) > APPROVAL_REASON_LENGTH:
        raise DomainError(_("at most %(n)s characters") % {"n": APPROVAL_REASON_LENGTH}, code="invalid_reason",
                          field="reason")
    with transaction.atomic():
        consumer = consumer_for_update(user, account_no)
        disconnection = _last_disconnection(consumer)
        if consumer.status != ConnectionStatus.DISCONNECTED or disconnection is None:
            raise DomainError(_("the consumer is not disconnected"), code="not_disconnected")
        if ReconnectionOrder.objects.filter(disconnection=disconnection).exists():
            raise DomainError(_("the consumer already has a reconnection order"), code="order_exists")
        return reconnection_order_for_payment(consumer=consumer, user=user, source=source, approved_by=user,
                                              approval_reason=reason)


def reconnection_done(*, user: User, order: ReconnectionOrder, reconnected_at: datetime | None = None,
                      notes: str = "", source: str = Source.WEB) -> ReconnectionOrder:
    """The connection is restored: the order is done, RECONNECTION_CHARGES of the consumer's category
    group goes to the ledger as a SURCHARGE ("RECN-<order id>"), the consumer is connected again.

    A clerk or officer of the consumer's division (Consumer.DoesNotExist outside it); 409 invalid_status
    when the order is already done.
    """
    if not may_reconnect(user):
        raise PermissionDenied(_("only clerks, officers and IT admins record a reconnection"))
    now = timezone.now()
    reconnected_at = reconnected_at or now
    if timezone.is_naive(reconnected_at):
        reconnected_at = timezone.make_aware(reconnected_at)
    with transaction.atomic():
        # The consumer first, then the order: the order in which a payment takes them.
        consumer = consumer_for_update(user, order.consumer.account_no)
        order = ReconnectionOrder.objects.select_for_update().select_related("disconnection").get(
            pk=order.pk, consumer=consumer)
        if order.status == ReconnectionStatus.DONE:
            raise DomainError(_("the connection was already restored"), code="invalid_status")
        if reconnected_at > now + timedelta(minutes=5):
            raise DomainError(_("cannot be in the future"), code="invalid_date", field="reconnected_at")
        if reconnected_at < order.disconnection.disconnected_at:
            raise DomainError(_("cannot be before the disconnection"), code="invalid_date", field="reconnected_at")
        charge = settings.RECONNECTION_CHARGES.get(consumer.category_group, Decimal("0.00"))
        if charge > 0:
            order.charge = ledger_entry_add(consumer=consumer, kind=EntryKind.SURCHARGE, amount=charge,
                                            entry_date=timezone.localdate(reconnected_at),
                                            reference=f"RECN-{order.pk}", user=user, source=source)
        order.status, order.done_at, order.done_by, order.notes = (ReconnectionStatus.DONE, reconnected_at, user,
                                                                   (notes or "").strip())
        order._history_user = user
        order.save()
        consumer.status = ConnectionStatus.CONNECTED
        consumer._history_user = user
        consumer.save(update_fields=["status", "updated_at"])
        reconnection_message_queue(consumer=consumer, order_id=order.pk, reconnected_at=reconnected_at,
                                   created_by=user)
    return order


# --- after every credit ----------------------------------------------------------------------------------

def ledger_credited_receive(sender, *, consumer_ids: list[int] | None, user_id: int | None = None,
                            source: str = Source.IMPORT, user: User | None = None,
                            consumers: list[Consumer] | None = None, **kwargs) -> None:
    """arrears.signals.ledger_credited: every credit (a payment, an officer's adjustment, the billing
    system's import) settles the consumers' open stops when their arrears are now at most the threshold
    and orders a disconnected consumer who has paid the minimum reconnected. A signal, because the
    writers of credits (arrears, imports) stand below or beside drives and may not import it.

    Runs inside the writer's transaction (the consumer row locked, or the import holding the ledger
    locked, so no payment interleaves), in a savepoint of its own: a failure here rolls back only this
    work and is logged by the sender; the credits stand. Idempotent: a settled stop is not settled again
    and a cut has one order at most.

    When the sender hands over the credited consumers (locked, their positions fresh: a payment, an
    adjustment), a connected one without an open stop it now settles needs nothing more: most payments,
    answered with one read at most and no savepoint.
    """
    if consumers is not None and _nothing_to_do(consumers):
        return
    user = credited_by(user, user_id)
    now = timezone.now()
    with transaction.atomic():
        stops_settle_for(consumer_ids=consumer_ids, at=now, user=user)
        # Disconnected consumers are few: each is taken on its own, locked as a payment locks it. Found from
        # their disconnections (few rows, by consumer): filtering the consumers by status and thousands of
        # ids scans every consumer. One cut before drives were recorded here has no order to get anyway.
        cut = Disconnection.objects.all()
        if consumer_ids is not None:
            cut = cut.filter(consumer_id__in=_among(consumer_ids))
        cut_ids = set(cut.order_by().values_list("consumer_id", flat=True))
        disconnected = Consumer.objects.filter(status=ConnectionStatus.DISCONNECTED, pk__in=sorted(cut_ids))
        for consumer in disconnected.select_for_update(of=("self",)).order_by("pk"):
            reconnection_order_for_payment(consumer=consumer, user=user, source=source)
