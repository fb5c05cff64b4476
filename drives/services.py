"""Writes of disconnection drives: planning, starting and closing, outcomes at a stop, disconnections.

The rules of DESIGN.md (section 56 of the Electricity Act 2003, protected consumers) are enforced
here, so the web, the API, the admin and commands all obey them. Notices are in drives.notices,
disputes in drives.disputes, theft cases in drives.theft, reconnection and settlement by a payment
in drives.reconnections. Every write says who, when and through what (``source``).
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from accounts.models import Division, Role, User
from accounts.permissions import (
    may_log_outcome,
    may_plan_drive,
)
from accounts.selectors import divisions_visible_to
from arrears.ledger import time_barred_amounts
from arrears.models import ConnectionStatus, Consumer, EntryKind
from arrears.services import consumer_for_update, ledger_entry_add
from core.dates import day_text, india_today, moment_text
from core.errors import DomainError
from core.models import Source
from core.money import amount_checked, format_count, format_inr, money
from defaulters.selectors import defaulter_list_latest
from drives.checks import (
    NOTES_LENGTH,
    at_checked,
    history_by,
    text_checked,
)
from drives.disputes import dispute_from_field
from drives.locality import locality_key, locality_of
from drives.models import (
    Disconnection,
    DisconnectionMethod,
    DisputeStatus,
    Drive,
    DriveStatus,
    Notice,
    Outcome,
    ReconnectionOrder,
    Stop,
    StopStatus,
)
from drives.photos import stop_photo_prepare
from drives.selectors import (
    drives_visible_to,
    notice_spent,
    notice_valid_for,
    notices_permitting,
    notices_ripe,
    served_by,
    stops_visible_to,
)
from settlements.models import Promise, Settlement, SettlementKind
from settlements.selectors import Keeping, consumer_keeping, consumers_keeping, settlement_current_q

MAX_STOPS = 20_000  # a division's whole list on one day is a few thousand; more is a typing mistake
NAME_LENGTH = 100  # Drive.name
CHUNK = 500  # consumers per query when figures are read for a whole drive


# --- Planning --------------------------------------------------------------------


def _plan_checks(*, user: User, division: Division, date_: date, min_arrears, max_stops, clerks) -> tuple:
    if not may_plan_drive(user):
        raise PermissionDenied(_("only officers and IT admins plan drives"))
    # Another division's planning is unreachable, as its rows are.
    division = divisions_visible_to(user).get(pk=division.pk)
    if date_ < india_today():
        raise DomainError(_("a drive is planned for today or later"), code="drive_date_past", field="date")
    latest = india_today() + timedelta(days=settings.DRIVE_AHEAD_DAYS)
    if date_ > latest:
        raise DomainError(_("a drive is planned at most %(days)s days ahead, by %(day)s")
                          % {"days": format_count(settings.DRIVE_AHEAD_DAYS), "day": day_text(latest)},
                          code="drive_date_far", field="date")
    min_arrears = amount_checked(min_arrears, field="min_arrears", allow_zero=True)
    if isinstance(max_stops, bool) or not isinstance(max_stops, int) or not 1 <= max_stops <= MAX_STOPS:
        raise DomainError(_("between 1 and %(most)s") % {"most": format_count(MAX_STOPS)}, code="invalid_max_stops",
                          field="max_stops")
    clerks = list(dict.fromkeys(clerks))
    if not clerks:
        raise DomainError(_("assign at least one clerk"), code="invalid_clerk", field="clerks")
    for clerk in clerks:
        if clerk.role != Role.CLERK or not clerk.is_active or clerk.division_id != division.pk:
            raise DomainError(_("%(username)s is not a clerk of %(division)s")
                              % {"username": clerk.username, "division": division.code}, code="invalid_clerk",
                              field="clerks")
    return division, min_arrears, clerks


def _split(groups: list[list[dict]], clerks: list[User]) -> list[tuple[User, list[dict]]]:
    """Each clerk a contiguous run of locality groups, the runs as even as the groups allow.

    A locality bigger than an even share is cut into pieces of at most that share (one
    clerk can't walk it alone); otherwise a locality stays with one clerk. Each clerk in turn
    takes pieces while that brings their count nearer an even share of what is left.
    """
    total = sum(len(g) for g in groups)
    share = -(-total // len(clerks))  # ceil
    pieces = [g[i:i + share] for g in groups for i in range(0, len(g), share)]
    runs, at = [], 0
    for index, clerk in enumerate(clerks):
        left_clerks = len(clerks) - index
        if left_clerks == 1:
            taken = pieces[at:]
        else:
            aim = sum(len(p) for p in pieces[at:]) / left_clerks
            taken, count = [], 0
            # At least one piece each, first come first; more only while the later clerks keep one each.
            while at < len(pieces) and (not taken or (
                    len(pieces) - at > left_clerks - 1 and abs(count + len(pieces[at]) - aim) <= abs(count - aim))):
                taken.append(pieces[at])
                count += len(pieces[at])
                at += 1
        runs.append((clerk, [stop for piece in taken for stop in piece]))
    return runs


def _plan(*, user: User, division: Division, date_: date, min_arrears, locality: str, max_stops, clerks):
    division, min_arrears, clerks = _plan_checks(user=user, division=division, date_=date_,
                                                 min_arrears=min_arrears, max_stops=max_stops, clerks=clerks)
    defaulters = defaulter_list_latest(user, division)
    if defaulters is None:
        raise DomainError(_("%(division)s has no defaulter list yet; build one first") % {"division": division.code},
                          code="no_defaulter_list")
    locality = (locality or "").strip()
    entries = defaulters.entries.filter(
        arrears__gte=min_arrears,
        # As the consumer stands now, not as listed: protected since, cut since, paid since,
        # or moved to another division by the billing import are not this drive's.
        is_protected=False, consumer__is_protected=False, consumer__status=ConnectionStatus.CONNECTED,
        consumer__arrears__gt=settings.DEFAULTER_THRESHOLD, consumer__division=division,
    )
    if locality:
        entries = entries.filter(consumer__address__icontains=locality)
    # A consumer is on at most one open stop at a time (constraint stop_one_open_per_consumer): one already
    # on another drive's open stop is left to that drive, and counted so the officer knows.
    busy = entries.filter(consumer_id__in=_on_open_stop())
    skipped = busy.count()
    entries = entries.exclude(consumer_id__in=_on_open_stop())
    # A consumer keeping a settlement (in OTS, on a plan) or an open promise is not cut (_settlement_checked):
    # left out, still on the defaulter list, and counted by kind so the officer knows why.
    kept = consumers_keeping(entries.filter(settlement_current_q("consumer_id")).values_list("consumer_id", flat=True))
    entries = entries.exclude(settlement_current_q("consumer_id"))
    # Index defaulterentry_list_rank_unique: the first max_stops by rank.
    rows = list(entries.order_by("rank").values(
        "rank", "consumer_id", "account_no", "arrears", "consumer__name", "consumer__address", "consumer__arrears",
    )[:max_stops])
    today = india_today()
    barred = time_barred_amounts(consumer_ids=[r["consumer_id"] for r in rows], on=today)
    noticed = _noticed_in_chunks([r["consumer_id"] for r in rows], date_)
    groups: dict[str, list[dict]] = {}
    for row in rows:
        name = locality_of(row["consumer__address"])
        groups.setdefault(locality_key(name), []).append({
            "consumer_id": row["consumer_id"], "account_no": row["account_no"], "name": row["consumer__name"],
            "address": row["consumer__address"], "locality": name, "rank": row["rank"],
            "listed_arrears": row["arrears"], "arrears": row["consumer__arrears"],
            "time_barred_amount": barred.get(row["consumer_id"], Decimal("0.00")),
            "notice_valid": row["consumer_id"] in noticed,
        })
    # Localities in the order of their highest-ranked defaulter (dict order: first seen by rank).
    preview = PlanPreview()
    preview.skipped_on_open_stop = skipped
    preview.kept_off = {kind: sum(1 for k in kept.values() if k == kind) for kind in KEPT_OFF_KINDS}
    for clerk, stops in _split(list(groups.values()), clerks):
        for sequence, stop in enumerate(stops, start=1):
            preview.append({**stop, "clerk": clerk, "clerk_id": clerk.pk, "sequence": sequence})
    return division, defaulters, preview


KEPT_OFF_KINDS = (Keeping.OTS, Keeping.PLAN, Keeping.PROMISE)


class PlanPreview(list):
    """A plan's stops (a list of dicts) with ``skipped_on_open_stop``: the consumers that matched but were
    left out, being on an open stop of another drive; and ``kept_off``: those left out for a settlement, by
    kind ({"ots": n, "plan": n, "promise": n})."""

    skipped_on_open_stop = 0
    kept_off = dict.fromkeys(KEPT_OFF_KINDS, 0)


def _on_open_stop():
    """The consumers on an open stop: of a drive not closed, since drive_close leaves none open (its stops
    not visited become unvisited). Exactly the rows constraint stop_one_open_per_consumer counts."""
    return Stop.objects.filter(status=StopStatus.OPEN).values("consumer_id")


def _noticed_in_chunks(consumer_ids: list[int], day: date) -> set[int]:
    noticed = set()
    for start in range(0, len(consumer_ids), CHUNK):
        noticed.update(notices_permitting(day).filter(consumer_id__in=consumer_ids[start:start + CHUNK])
                       .values_list("consumer_id", flat=True))
    return noticed


def drive_plan_preview(*, user: User, division: Division, date: date, min_arrears, locality: str = "",
                       max_stops: int, clerks: list[User]) -> PlanPreview:
    """The stops a drive would have, without writing anything: from the division's latest defaulter
    list, never a protected or disconnected consumer nor one whose arrears are now within the threshold,
    nor one already on an open stop of another drive (counted in ``skipped_on_open_stop``), nor one keeping a
    settlement or an open promise (counted by kind in ``kept_off``), grouped by locality and split among
    ``clerks``; in each clerk's walking order.

    Each stop: consumer_id, account_no, name, address, locality, rank, listed_arrears, arrears (now),
    time_barred_amount, notice_valid (on the drive's date), clerk, clerk_id, sequence.
    """
    return _plan(user=user, division=division, date_=date, min_arrears=min_arrears, locality=locality,
                 max_stops=max_stops, clerks=clerks)[2]


def drive_plan(*, user: User, division: Division, date: date, name: str, min_arrears, locality: str = "",
               max_stops: int, clerks: list[User], source: str = Source.WEB) -> Drive:
    """Plans a drive: the preview's stops written, the clerks assigned, the user its officer. The drive
    returned carries ``skipped_on_open_stop`` and ``kept_off`` (see drive_plan_preview); 409 plan_conflict when
    another drive took one of its consumers at the same moment."""
    name = text_checked(name, field="name", limit=NAME_LENGTH, code="invalid_name", one_line=True)
    if not name:
        raise DomainError(_("required"), code="invalid_name", field="name")
    with transaction.atomic():
        division, defaulters, preview = _plan(user=user, division=division, date_=date, min_arrears=min_arrears,
                                              locality=locality, max_stops=max_stops, clerks=clerks)
        if not preview:
            raise DomainError(_("no defaulter on the latest list matches; lower the minimum or widen the locality"),
                              code="no_stops")
        drive = Drive.objects.create(
            division=division, date=date, name=name, officer=user, min_arrears=money(min_arrears),
            locality=(locality or "").strip()[:100], max_stops=max_stops, defaulter_list=defaulters, source=source)
        drive.clerks.set(dict.fromkeys(clerks))
        try:
            with transaction.atomic():
                Stop.objects.bulk_create([
                    Stop(drive=drive, consumer_id=s["consumer_id"], clerk=s["clerk"], sequence=s["sequence"],
                         locality=s["locality"], arrears=s["listed_arrears"], rank=s["rank"],
                         time_barred_amount=s["time_barred_amount"])
                    for s in preview
                ], batch_size=1000)
        except IntegrityError as exc:
            # PostgreSQL names the constraint; SQLite (development) names the column alone.
            if not ("stop_one_open_per_consumer" in str(exc) or str(exc).endswith(": drives_stop.consumer_id")):
                raise
            raise DomainError(_("another drive took some of these consumers at the same moment; plan again"),
                              code="plan_conflict") from None
    drive.skipped_on_open_stop = preview.skipped_on_open_stop
    drive.kept_off = preview.kept_off
    return drive


def _drive_for_update(user: User, drive: Drive) -> Drive:
    return drives_visible_to(user).select_for_update(of=("self",)).get(pk=drive.pk)


def drive_start(*, user: User, drive: Drive, source: str = Source.WEB) -> Drive:
    """A planned drive goes under way (409 invalid_status otherwise)."""
    if not may_plan_drive(user):
        raise PermissionDenied(_("only officers and IT admins start drives"))
    with transaction.atomic():
        drive = _drive_for_update(user, drive)
        if drive.status != DriveStatus.PLANNED:
            raise DomainError(_("the drive is %(status)s") % {"status": drive.get_status_display()},
                              code="invalid_status", field="status")
        drive.status = DriveStatus.IN_PROGRESS
        history_by(drive, user).save(update_fields=["status"])
    return drive


def drive_close(*, user: User, drive: Drive, source: str = Source.WEB) -> Drive:
    """Closes a drive; its stops still open become ``unvisited``, so their consumers are free for the next
    drive (a consumer is on at most one open stop). 409 invalid_status if already closed."""
    if not may_plan_drive(user):
        raise PermissionDenied(_("only officers and IT admins close drives"))
    with transaction.atomic():
        drive = _drive_for_update(user, drive)
        if drive.status == DriveStatus.CLOSED:
            raise DomainError(_("the drive is already closed"), code="invalid_status", field="status")
        drive.status, drive.closed_at = DriveStatus.CLOSED, timezone.now()
        history_by(drive, user).save(update_fields=["status", "closed_at"])
        left = list(drive.stops.select_for_update().filter(status=StopStatus.OPEN))
        for stop in left:
            stop.status = StopStatus.UNVISITED
            history_by(stop, user)
        if left:
            bulk_update_with_history(left, Stop, ["status"], batch_size=500, default_user=user)
    return drive

# --- Outcomes and disconnections ---------------------------------------------------


def _position_checked(latitude, longitude) -> tuple[Decimal | None, Decimal | None]:
    if latitude is None and longitude is None:
        return None, None
    if latitude is None or longitude is None:
        raise DomainError(_("give latitude and longitude together"), code="invalid_position",
                          field="latitude" if latitude is None else "longitude")
    values = []
    for field, value, limit in (("latitude", latitude, 90), ("longitude", longitude, 180)):
        try:
            value = Decimal(str(value)).quantize(Decimal("0.000001"))
        except ArithmeticError:
            raise DomainError(_("not a number"), code="invalid_position", field=field) from None
        if not value.is_finite() or not -limit <= value <= limit:
            raise DomainError(_("between -%(limit)s and %(limit)s") % {"limit": limit}, code="invalid_position",
                              field=field)
        values.append(value)
    return values[0], values[1]


def _satisfied(notice: Notice) -> DomainError:
    return DomainError(_("the consumer has paid the %(amount)s demanded by the notice of %(day)s; serve a new notice")
                       % {"amount": format_inr(notice.amount_demanded), "day": day_text(notice.served_on)},
                       code="notice_satisfied")


def _cut_checks(consumer: Consumer, *, on: date, notice: Notice | None = None) -> Notice:
    """The law's conditions for cutting ``consumer`` on ``on`` (the consumer row locked); the notice it rests on."""
    if consumer.is_protected:
        raise DomainError(_("a protected consumer (hospital or essential service) is never disconnected"),
                          code="protected_consumer")
    if consumer.status == ConnectionStatus.DISCONNECTED:
        raise DomainError(_("already disconnected"), code="already_disconnected")
    _settlement_checked(consumer)
    if notice is not None and (notice.consumer_id != consumer.pk or notice.lawful_from > on):
        raise DomainError(_("this notice permits a disconnection from %(day)s")
                          % {"day": day_text(notice.lawful_from)}, code="notice_required", field="notice")
    if notice is not None and notice_spent(notice):
        raise _satisfied(notice)
    notice = notice or notice_valid_for(consumer, on=on)
    if notice is None:
        # Only spent notices would permit it: the consumer paid what they demanded, a new notice is needed.
        spent = notices_ripe(on).filter(consumer=consumer).order_by("-served_on", "-id").first()
        if spent is not None:
            raise _satisfied(spent)
        raise DomainError(_("no notice served by %(day)s: section 56 asks for 15 clear days")
                          % {"day": day_text(served_by(on))},
                          code="notice_required")
    held = consumer.disputes.filter(status=DisputeStatus.OPEN).order_by("raised_on")
    if any(dispute.holds_disconnection for dispute in held):
        raise DomainError(_("a dispute is pending with its deposit made"), code="dispute_pending")
    if consumer.arrears <= settings.DEFAULTER_THRESHOLD:
        raise DomainError(_("arrears now %(arrears)s: the consumer has paid")
                          % {"arrears": format_inr(consumer.arrears)}, code="settled")
    return notice


def keeping_text(keeping: Settlement | Promise) -> str:
    """What keeps a consumer from a cut, in the words the field and the refusal use: "In OTS (OTS-RTP-000001)",
    "On a plan (PLN-RTP-000002)", "Promised to pay by 20.12.2026"."""
    if isinstance(keeping, Promise):
        return _("Promised to pay by %(day)s") % {"day": day_text(keeping.due_on)}
    if keeping.kind == SettlementKind.SCHEME:
        return _("In OTS (%(reference)s)") % {"reference": keeping.reference}
    return _("On a plan (%(reference)s)") % {"reference": keeping.reference}


def keeping_mark(keeping: Settlement | Promise) -> str:
    """Keeping.OTS, PLAN or PROMISE for what keeps a consumer from a cut (as consumers_keeping marks it)."""
    if isinstance(keeping, Promise):
        return Keeping.PROMISE
    return Keeping.OTS if keeping.kind == SettlementKind.SCHEME else Keeping.PLAN


def _settlement_checked(consumer: Consumer) -> None:
    """While a settlement is kept, no cut: a live registration (a scheme or a plan) or an open promise whose day
    has not passed (settlements.selectors.settlement_current_q, the rule planning leaves such consumers out by)
    refuses the cut, naming the reference or the promise's day. A defaulted registration or a broken promise no
    longer holds."""
    keeping = consumer_keeping(consumer.pk)
    if keeping is not None:
        raise DomainError(_("%(keeping)s: do not cut while it is kept") % {"keeping": keeping_text(keeping)},
                          code="settlement_current")


def _disconnect(*, user: User, consumer: Consumer, method: str, at: datetime, source: str,
                stop: Stop | None = None, notice: Notice | None = None) -> Disconnection:
    """Cuts a locked consumer: the Disconnection, its charge on the ledger, the status."""
    notice = _cut_checks(consumer, on=timezone.localdate(at), notice=notice)
    _after_reconnection_checked(consumer, at)
    disconnection = Disconnection.objects.create(
        consumer=consumer, division_id=consumer.division_id, stop=stop, notice=notice, method=method,
        disconnected_at=at, arrears_at_disconnection=consumer.arrears, by=user, source=source)
    charge = settings.DISCONNECTION_CHARGES.get(consumer.category_group, Decimal("0"))
    if charge > 0:
        disconnection.charge = ledger_entry_add(
            consumer=consumer, kind=EntryKind.SURCHARGE, amount=charge, entry_date=timezone.localdate(at),
            reference=f"DISC-{disconnection.pk}", user=user, source=source)
        disconnection.save(update_fields=["charge"])
    consumer.status = ConnectionStatus.DISCONNECTED
    history_by(consumer, user).save(update_fields=["status", "updated_at"])
    return disconnection


def _after_reconnection_checked(consumer: Consumer, at: datetime) -> None:
    """A cut happens after the consumer's last reconnection: one dated before it would leave the consumer
    cut with the reconnection (and the payment that ordered it) already behind them, never to be reconnected."""
    last = (ReconnectionOrder.objects.filter(consumer=consumer, done_at__isnull=False)
            .aggregate(last=Max("done_at"))["last"])
    if last is not None and at < last:
        raise DomainError(_("cannot be before the consumer's last reconnection, %(time)s")
                          % {"time": moment_text(last)},
                          code="before_reconnection", field="at")


def _method_checked(method: str) -> str:
    if not method:
        raise DomainError(_("say how the connection was cut"), code="method_required", field="method")
    if method not in DisconnectionMethod.values:
        raise DomainError(_("one of %(choices)s") % {"choices": ", ".join(DisconnectionMethod.values)},
                          code="invalid_method", field="method")
    return method


def stop_outcome_log(*, user: User, stop: Stop, outcome: str, method: str = "", notes: str = "",
                     latitude=None, longitude=None, photo=None, at: datetime | None = None,
                     found: str = "", meter_seal: str = "", source: str = Source.WEB) -> Stop:
    """Records what happened at a stop, by its clerk or an officer or IT of the division.

    ``at`` is when it happened (the phone's time, default now): at most 5 minutes ahead of the server
    (409 invalid_date), not before the drive's day in India (409 before_drive_date) and, for a cut, not
    before the consumer's last reconnection (409 before_reconnection); each with field ``at``.

    ``disconnected`` cuts the connection under the rules of section 56 (notice, dispute,
    protection, arrears still owed) and charges for it; ``theft_detected`` opens a theft case
    (drives.theft.theft_case_open, with what was ``found`` and the ``meter_seal``'s state when the clerk says);
    ``disputed`` opens a dispute awaiting the officer (no hold until its deposit is counted).
    ``photo`` (an upload) is kept as drives.photos.stop_photo_prepare makes it: a re-encoded JPEG under a random
    name, the camera's time and position on the stop (409 invalid_photo for anything but a whole JPEG, PNG or
    WebP within the limits).
    ``paid`` is logged by payments.services.payment_record when a payment naming the stop meets the rule
    (409 payment_required here).
    Raises Stop.DoesNotExist for a stop the user may not reach.
    """
    if not may_log_outcome(user):
        raise PermissionDenied(_("only clerks, officers and IT admins log outcomes"))
    if outcome not in Outcome.values:
        raise DomainError(_("one of %(choices)s") % {"choices": ", ".join(Outcome.values)}, code="invalid_outcome",
                          field="outcome")
    method = _method_checked(method) if outcome == Outcome.DISCONNECTED else ""
    notes = text_checked(notes, field="notes", limit=NOTES_LENGTH, code="invalid_notes")
    latitude, longitude = _position_checked(latitude, longitude)
    photo = stop_photo_prepare(upload=photo) if photo is not None else None
    at = at_checked(at)
    account_no = stops_visible_to(user).values_list("consumer__account_no", flat=True).get(pk=stop.pk)
    with transaction.atomic():
        # The consumer first, as a payment locks it: a cut and a payment on one account queue here.
        consumer = consumer_for_update(user, account_no)
        stop = stops_visible_to(user).select_for_update(of=("self",)).get(pk=stop.pk)
        if stop.status != StopStatus.OPEN:
            if stop.outcome:
                closed = _("this stop is already %(status)s (%(outcome)s)") % {
                    "status": stop.get_status_display(), "outcome": stop.get_outcome_display()}
            else:
                closed = _("this stop is already %(status)s") % {"status": stop.get_status_display()}
            raise DomainError(closed, code="stop_closed")
        if stop.drive.status == DriveStatus.CLOSED:
            raise DomainError(_("the drive is closed"), code="stop_closed")
        if timezone.localdate(at) < stop.drive.date:
            raise DomainError(_("cannot be before the drive's day, %(day)s") % {"day": day_text(stop.drive.date)},
                              code="before_drive_date", field="at")
        if outcome == Outcome.PAID:
            # Paid on the spot is what a payment naming the stop decides (drives.reconnections.stop_payment_log):
            # one that meets the rule has closed the stop already; a part payment leaves it open, and a tap
            # must not close it either.
            raise DomainError(_("take the payment; it marks the stop paid"), code="payment_required", field="outcome")
        if outcome == Outcome.DISCONNECTED:
            _disconnect(user=user, consumer=consumer, method=method, at=at, source=source, stop=stop)
        elif outcome == Outcome.THEFT_DETECTED:
            # drives.theft stands on this module (a report at an open stop logs its outcome here): imported late.
            from drives.theft import theft_case_open

            theft_case_open(user=user, consumer=consumer, stop=stop, found=found, meter_seal=meter_seal, notes=notes,
                            at=at, source=source)
        elif outcome == Outcome.DISPUTED:
            # A dispute awaiting the officer: it holds no cut until its deposit is counted.
            dispute_from_field(user=user, consumer=consumer, on=timezone.localdate(at), notes=notes, source=source)
        stop.status, stop.outcome, stop.method = StopStatus.DONE, outcome, method
        stop.outcome_at, stop.outcome_by, stop.outcome_source = at, user, source
        stop.latitude, stop.longitude, stop.notes = latitude, longitude, notes
        if photo is not None:
            stop.photo, stop.photo_sha256 = photo.file, photo.sha256
            stop.photo_taken_at, stop.photo_latitude, stop.photo_longitude = (photo.taken_at, photo.latitude,
                                                                              photo.longitude)
        history_by(stop, user).save()
        if stop.drive.status == DriveStatus.PLANNED:
            # The first outcome in the field is the drive under way.
            Drive.objects.filter(pk=stop.drive_id, status=DriveStatus.PLANNED).update(status=DriveStatus.IN_PROGRESS)
    return stop


def disconnection_record(*, user: User, account_no: str, method: str, notice: Notice | None = None,
                         at: datetime | None = None, source: str = Source.WEB) -> Disconnection:
    """A cut outside a drive, recorded by the officer who ordered it; the same rules as in the field.

    Raises Consumer.DoesNotExist for an account outside the user's division.
    """
    if not may_plan_drive(user):  # who plans the division's cuts orders one outside a drive
        raise PermissionDenied(_("only officers and IT admins record a disconnection outside a drive"))
    method = _method_checked(method)
    at = at_checked(at)
    with transaction.atomic():
        consumer = consumer_for_update(user, account_no)
        return _disconnect(user=user, consumer=consumer, method=method, at=at, source=source, notice=notice)
