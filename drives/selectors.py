"""Reads of drives and their records, always for the user who asks.

A drive belongs to a division; notices, stops, disputes, orders and cases reach theirs through
the consumer or the drive. Out of scope is unreachable (a 404), as everywhere.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import IsNull
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Role, User
from accounts.permissions import role_of
from accounts.selectors import division_scope
from arrears.models import ConnectionStatus, Consumer, LedgerEntry
from core.dates import india_today
from core.models import MONEY
from drives.models import (
    NOTICE_CLEAR_DAYS,
    Disconnection,
    Dispute,
    DisputeStatus,
    Drive,
    DriveStatus,
    FieldHandover,
    HandoverStatus,
    Notice,
    Outcome,
    ReconnectionOrder,
    ReconnectionStatus,
    Stop,
    StopStatus,
    TheftCase,
    TheftStatus,
)


def _is_clerk(user: User) -> bool:
    return role_of(user) == Role.CLERK


def notices_visible_to(user: User) -> QuerySet[Notice]:
    return division_scope(Notice.objects.select_related("consumer", "recorded_by"), user,
                          field="consumer__division")


def served_by(on: date) -> date:
    """The last service date of a notice that makes a cut lawful on ``on`` (15 clear days between)."""
    return on - timedelta(days=NOTICE_CLEAR_DAYS + 1)


def notices_ripe(on: date) -> QuerySet[Notice]:
    """Notices served early enough to make a cut lawful on ``on`` (15 clear days), spent or not."""
    return Notice.objects.filter(served_on__lte=served_by(on))


def _paid_since_served() -> Coalesce:
    # "Since" the notice: credits dated on or after the day it was served, so a payment made the day the notice
    # was handed over counts towards it. A credit's due_on is its entry date: index ledger_consumer_due_on.
    credits = (LedgerEntry.objects
               .filter(consumer=OuterRef("consumer"), credit__gt=0, due_on__gte=OuterRef("served_on"))
               .order_by().values("consumer").annotate(total=Sum("credit")).values("total"))
    return Coalesce(Subquery(credits), Value(Decimal("0.00")), output_field=DecimalField(**MONEY))


def _unspent(notices: QuerySet[Notice]) -> QuerySet[Notice]:
    return notices.annotate(paid_since=_paid_since_served()).filter(paid_since__lt=F("amount_demanded"))


def notices_unspent(notices: QuerySet[Notice]) -> QuerySet[Notice]:
    """``notices`` less those the consumer has paid since (credits since service ≥ amount_demanded)."""
    return _unspent(notices)


def notices_permitting(on: date) -> QuerySet[Notice]:
    """Notices that make a cut lawful on ``on``: served 15 clear days before and not spent. A notice is spent
    once the consumer has paid the sum it demanded (credits since its service ≥ amount_demanded): a cut on it
    is refused (notice_satisfied) and a new notice is needed."""
    return _unspent(notices_ripe(on))


def notice_spent(notice: Notice) -> bool:
    """Whether the consumer has paid what ``notice`` demanded since it was served."""
    return not _unspent(Notice.objects.filter(pk=notice.pk)).exists()


def notice_valid_for(consumer: Consumer, *, on: date) -> Notice | None:
    """The consumer's latest notice permitting a cut on ``on`` (index notice_consumer_served)."""
    return notices_permitting(on).filter(consumer=consumer).order_by("-served_on", "-id").first()


def notice_valid_exists(on: date) -> Exists:
    """Annotation: the row's consumer has a notice permitting a cut on ``on``, unspent (OuterRef "consumer")."""
    return Exists(notices_permitting(on).filter(consumer=OuterRef("consumer")))


def drives_visible_to(user: User) -> QuerySet[Drive]:
    drives = division_scope(Drive.objects.select_related("division", "officer"), user)
    if _is_clerk(user):
        # A clerk works the drives they are on (or have stops on), not the division's others.
        drives = drives.filter(Exists(Drive.clerks.through.objects.filter(drive=OuterRef("pk"), user=user))
                               | Exists(Stop.objects.filter(drive=OuterRef("pk"), clerk=user)))
    return drives


def drive_get(user: User, pk: int) -> Drive:
    """The drive with this id, if the user may see it; else 404."""
    return get_object_or_404(drives_visible_to(user), pk=pk)


def stops_visible_to(user: User) -> QuerySet[Stop]:
    stops = division_scope(Stop.objects.select_related("drive", "consumer", "clerk"), user, field="drive__division")
    if _is_clerk(user):
        stops = stops.filter(clerk=user)
    return stops


def stops_of_drive(user: User, drive: Drive) -> QuerySet[Stop]:
    """The drive's stops in walking order per clerk, with whether a notice permits a cut on the drive's day
    (``notice_valid``) and the consumer's arrears now (``live_arrears``)."""
    return (stops_visible_to(user).filter(drive=drive)
            .annotate(notice_valid=notice_valid_exists(drive.date), live_arrears=F("consumer__arrears"))
            .order_by("clerk__username", "sequence"))


def stops_with_field_facts(stops: QuerySet[Stop], *, on: date) -> QuerySet[Stop]:
    """``stops`` with what the field needs beyond ``notice_valid`` on ``on``: ``notice_later_served`` (the first
    service date of the consumer's notices not yet ripe on ``on``: a cut becomes lawful 15 clear days later),
    ``notice_ripe`` (a notice served early enough, spent or not), the consumer's last known position
    (``known_latitude``, ``known_longitude``: from the latest outcome that recorded one, at any stop of theirs)
    and ``reconnected`` (the consumer was cut at this stop and reconnected since). Read by field_facts."""
    placed = (Stop.objects.filter(consumer=OuterRef("consumer"), latitude__isnull=False, longitude__isnull=False)
              .order_by(F("outcome_at").desc(nulls_last=True), "-id"))
    return stops.annotate(
        **_notice_facts(on),
        known_latitude=Subquery(placed.values("latitude")[:1]),
        known_longitude=Subquery(placed.values("longitude")[:1]),
        reconnected=Exists(ReconnectionOrder.objects.filter(disconnection__stop=OuterRef("pk"),
                                                            status=ReconnectionStatus.DONE)),
    )


def _notice_facts(on: date) -> dict:
    """Annotations of a stop that notice_state reads besides ``notice_valid``: ``notice_later_served`` (the
    first service date of the consumer's notices not yet ripe on ``on``) and ``notice_ripe``."""
    later = (Notice.objects.filter(consumer=OuterRef("consumer"), served_on__gt=served_by(on))
             .order_by("served_on", "id").values("served_on")[:1])
    return {"notice_later_served": Subquery(later),
            "notice_ripe": Exists(notices_ripe(on).filter(consumer=OuterRef("consumer")))}


def stops_with_notice_dates(user: User, drive: Drive) -> QuerySet[Stop]:
    """stops_of_drive with what the drive's notices page shows of each: notice_state's facts on the drive's
    day, and ``notice_served``, the service date of the latest notice permitting a cut that day (index
    notice_consumer_served; a drive has tens or a few hundred stops)."""
    permitting = (notices_permitting(drive.date).filter(consumer=OuterRef("consumer"))
                  .order_by("-served_on", "-id").values("served_on")[:1])
    return (stops_of_drive(user, drive).select_related("consumer", "clerk")
            .annotate(notice_served=Subquery(permitting), **_notice_facts(drive.date)))


def stops_of_drive_for_field(user: User, drive: Drive) -> QuerySet[Stop]:
    """stops_of_drive with stops_with_field_facts on the drive's day: the API's stops."""
    return stops_with_field_facts(stops_of_drive(user, drive), on=drive.date)


NOTICE_STATES = ("valid", "later", "spent", "none")


def notice_state(stop: Stop) -> tuple[str, date | None]:
    """(state, lawful_from) of a stop read with stops_with_field_facts: ``valid`` (a notice permits a cut on the
    day), ``later`` (a notice is served but its 15 clear days end later: lawful from that day), ``spent`` (the
    consumer has paid what every ripe notice demanded: a new notice is needed) or ``none`` (no notice)."""
    if stop.notice_valid:
        return "valid", None
    if stop.notice_later_served is not None:
        return "later", stop.notice_later_served + timedelta(days=NOTICE_CLEAR_DAYS + 1)
    if stop.notice_ripe:
        return "spent", None
    return "none", None


def clerk_stops_today(user: User) -> QuerySet[Stop]:
    """The clerk's open stops on today's drives (planned or under way), in walking order
    (index stop_drive_clerk_sequence_unique)."""
    today = india_today()
    return (stops_visible_to(user)
            .filter(clerk=user, status=StopStatus.OPEN, drive__date=today,
                    drive__status__in=[DriveStatus.PLANNED, DriveStatus.IN_PROGRESS])
            .annotate(notice_valid=notice_valid_exists(today), live_arrears=F("consumer__arrears"))
            .order_by("drive_id", "sequence"))


RECONNECTION_FILTERS = ("open", "overdue", "done")


def reconnections_visible_to(user: User, *, status: str | None = None) -> QuerySet[ReconnectionOrder]:
    """Orders of the user's division: ``open``, ``overdue`` (open past due_at), ``done``, or all."""
    orders = division_scope(ReconnectionOrder.objects.select_related("consumer", "disconnection", "done_by"), user,
                            field="consumer__division")
    if status == "open":
        orders = orders.filter(status=ReconnectionStatus.OPEN)
    elif status == "overdue":
        orders = orders.filter(status=ReconnectionStatus.OPEN, due_at__lt=timezone.now())
    elif status == "done":
        orders = orders.filter(status=ReconnectionStatus.DONE)
    return orders


def reconnections_done_today(user: User) -> QuerySet[ReconnectionOrder]:
    """Orders of the user's division done today (India time), latest first (index reconnection_done_at)."""
    start = timezone.make_aware(datetime.combine(india_today(), time.min))
    return reconnections_visible_to(user, status="done").filter(done_at__gte=start).order_by("-done_at", "-id")


def _paid_since_cut() -> Coalesce:
    """Annotation of a Disconnection: the credits written to its consumer's ledger after the cut, counted as
    drives.reconnections.credits_since counts them (after the cut's charge where it has one, else by when they
    were written). Index ledger_consumer_due_on, which starts with the consumer, finds the consumer's entries."""
    credits = (LedgerEntry.objects
               .filter(Q(pk__gt=OuterRef("charge_id"))
                       | (IsNull(OuterRef("charge_id"), True) & Q(created_at__gt=OuterRef("disconnected_at"))),
                       consumer=OuterRef("consumer_id"))
               .order_by().values("consumer").annotate(total=Sum("credit")).values("total"))
    return Coalesce(Subquery(credits), Value(Decimal("0.00")), output_field=DecimalField(**MONEY))


def reconnections_awaiting_approval(user: User) -> QuerySet[Disconnection]:
    """Cut consumers of the user's division who have paid something since their last cut and still have no
    reconnection order (so less than the minimum, unless the minimum changed since): the cuts an officer may
    approve below the minimum (drives.reconnections.reconnection_approve). Each with ``paid_since``; latest
    cut first.

    Found from the division's disconnected consumers (the partial index consumer_disconnected_division, drives
    migration 0014: a few thousand of a division's lakhs), then each one's last cut (index
    disconnection_consumer_at), its order (the order's unique disconnection) and its credits since."""
    last_cut = (Disconnection.objects.filter(consumer=OuterRef("consumer_id"))
                .order_by("-disconnected_at", "-id").values("pk")[:1])
    cuts = division_scope(Disconnection.objects.select_related("consumer"), user, field="consumer__division")
    return (cuts.filter(consumer__status=ConnectionStatus.DISCONNECTED, pk=Subquery(last_cut))
            .filter(~Exists(ReconnectionOrder.objects.filter(disconnection=OuterRef("pk"))))
            .annotate(paid_since=_paid_since_cut()).filter(paid_since__gt=0)
            .order_by("-disconnected_at", "-id"))


def disconnections_visible_to(user: User) -> QuerySet[Disconnection]:
    return division_scope(Disconnection.objects.select_related("consumer", "stop", "by"), user,
                          field="consumer__division")


def disputes_visible_to(user: User) -> QuerySet[Dispute]:
    return division_scope(Dispute.objects.select_related("consumer", "recorded_by"), user,
                          field="consumer__division")


def handovers_visible_to(user: User, *, status: str | None = None) -> QuerySet[FieldHandover]:
    """Field handovers of the user's division (a clerk: their own), newest first; ``open`` or ``resolved``."""
    handovers = division_scope(FieldHandover.objects.select_related("consumer", "by", "resolved_by", "stop"), user,
                               field="consumer__division")
    if _is_clerk(user):
        handovers = handovers.filter(by=user)
    if status in HandoverStatus.values:
        handovers = handovers.filter(status=status)
    return handovers


def disputes_awaiting(user: User) -> QuerySet[Dispute]:
    """Open disputes of the user's division that hold no cut, their deposit not made (a clerk's ``disputed``
    outcome opens one so): the officer counts the deposit or resolves them. Oldest first."""
    return (disputes_visible_to(user).filter(Q(deposit_required=0) | Q(deposit_amount__lt=F("deposit_required")),
                                               status=DisputeStatus.OPEN)
            .order_by("raised_on", "id"))


def theft_cases_visible_to(user: User, *, division: str | None = None,
                           status: str | None = None) -> QuerySet[TheftCase]:
    """Theft cases of the user's division (HQ and IT: every one, or ``division``'s by code; a clerk: those they
    reported), by the division each counts for (fixed when reported), of ``status`` when given. Newest first:
    the list reads index theft_division_status_opened."""
    cases = division_scope(TheftCase.objects.select_related("consumer", "division", "stop", "opened_by"), user)
    if _is_clerk(user):
        cases = cases.filter(opened_by=user)
    if division:
        cases = cases.filter(division__code=division)
    if status in TheftStatus.values:
        cases = cases.filter(status=status)
    return cases.order_by("-opened_at", "-id")


def theft_case_payments(case: TheftCase) -> QuerySet[LedgerEntry]:
    """What the consumer has paid since the case was assessed: credits (payments, negative adjustments) dated on
    or after assessed_on, oldest first (index ledger_consumer_due_on: a credit's due_on is its entry date). None
    before the assessment."""
    if case.assessed_on is None:
        return LedgerEntry.objects.none()
    return (LedgerEntry.objects.filter(consumer_id=case.consumer_id, credit__gt=0, due_on__gte=case.assessed_on)
            .order_by("entry_date", "id"))


def theft_case_paid(case: TheftCase) -> Decimal:
    """The total of theft_case_payments."""
    total = theft_case_payments(case).aggregate(total=Sum("credit"))["total"]
    return Decimal(str(total or 0)).quantize(Decimal("0.01"))


def drive_progress(drive: Drive) -> dict:
    """The day so far: per clerk stops done and left, counts by outcome, cuts, and money taken at its stops.

    The caller holds a drive it may see (drive_get). The money is the stops' own record of it (Stop.paid_amount,
    payments_count): ``payments`` and ``collected`` are every payment taken at a stop; paid on the spot is
    the stops closed as paid (``outcomes["paid"]``, ``paid_on_spot_amount``); ``part_paid`` the stops where
    money was taken that did not close them and that were not cut (open, or left with another outcome).
    """
    stops = Stop.objects.filter(drive=drive)
    clerks = [
        {"clerk_id": row["clerk_id"], "clerk": row["clerk__username"],
         "clerk_name": row["clerk__first_name"] or row["clerk__username"],
         "done": row["total"] - row["left"], "left": row["left"]}
        for row in stops.values("clerk_id", "clerk__username", "clerk__first_name")
        # Left: still open, or not visited when the drive closed.
        .annotate(total=Count("id"), left=Count("id", filter=Q(status__in=[StopStatus.OPEN, StopStatus.UNVISITED])))
        .order_by("clerk__username")
    ]
    by_outcome = {value: 0 for value in Outcome.values}
    for row in stops.exclude(outcome="").values("outcome").annotate(n=Count("id")):
        by_outcome[row["outcome"]] = row["n"]
    money = stops.aggregate(
        count=Sum("payments_count"), amount=Sum("paid_amount"),
        paid_amount=Sum("paid_amount", filter=Q(outcome=Outcome.PAID)),
        part_paid=Count("id", filter=Q(payments_count__gt=0) & ~Q(outcome__in=[Outcome.PAID, Outcome.DISCONNECTED])))
    return {
        "clerks": clerks,
        "stops": sum(c["done"] + c["left"] for c in clerks),
        "left": sum(c["left"] for c in clerks),
        # Closed by a payment: paid at the door (outcome paid), or settled by one taken elsewhere (status settled).
        "settled": stops.filter(Q(status=StopStatus.SETTLED) | Q(outcome=Outcome.PAID)).count(),
        "outcomes": by_outcome,
        "disconnections": Disconnection.objects.filter(stop__drive=drive).count(),
        "payments": money["count"] or 0,
        "collected": money["amount"] or Decimal("0.00"),
        "paid_on_spot_amount": money["paid_amount"] or Decimal("0.00"),
        "part_paid": money["part_paid"],
    }
