"""The figures behind every report: the home dashboards, the MD's summary, its exports, the API and the
daily e-mail all read them here, so no two of them can disagree.

The summary is DESIGN.md's `reports/summary/`: per division, the defaulters and arrears of its latest
list as of the range's last day, and the events dated in the range (India time): notices served,
disconnections, payments taken at a drive stop ("on the spot"), reconnections done, collections (every
PAYMENT on the ledger, imported or taken here) and the revenue target prorated over the range.

No figure scans per request: the events are summed from the field's day book (reports.EventDay) and
collections from the ledger's (arrears.LedgerDay), both kept by database triggers as rows are written,
at most divisions × days rows for a range. The settlements' figures (issue 22) are appended, their rules in
reports.settlement_figures, then the recovery certificates' (issue 24, reports.rc_figures).
"""

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from accounts.models import Division, User, local_name
from accounts.selectors import divisions_visible_to
from arrears.models import EntryKind, LedgerDay
from defaulters.models import AccountabilityBand, AgeBucket, DefaulterEntry, DefaulterList
from defaulters.selectors import defaulter_entries, defaulter_list_latest
from drives.models import Disconnection, DisputeStatus, Notice, ReconnectionOrder, ReconnectionStatus, TheftCase
from drives.selectors import (
    disputes_visible_to,
    drive_progress,
    drives_visible_to,
    notices_visible_to,
    reconnections_visible_to,
    served_by,
)
from notify.models import Message, MessageStatus
from payments.models import Payment
from reports.models import EventDay, Target
from reports.rc_figures import RC_FIGURES, rc_figures
from reports.settlement_figures import SCHEME_PROGRESS, SETTLEMENT_FIGURES, pct, settlement_figures
from settlements.models import Scheme, SettlementStatus
from settlements.selectors import settlements_visible_to

ZERO = Decimal("0.00")
PERCENT = Decimal("0.1")

# The summary's figures in the contract's order: key → what they count (the API's, the exports' and
# the e-mail's columns). Money figures are Decimal rupees, counts int; target None without a target.
COUNTS = ("defaulters", "notices_served", "disconnections", "paid_on_spot_count", "reconnections",
          "theft_cases_found", "theft_cases_assessed", "settlements_registered", "settlements_defaulted",
          "scheme_registrations", "rc_raised")
# Summed over divisions as money; the scheme's targets as the revenue target (None when no row has one).
AMOUNTS = ("arrears", "paid_on_spot_amount", "collections", "settlement_deposits", "settlement_collected",
           "settlement_waivers", "scheme_amount", "rc_recovered")
TARGETS = ("target", "scheme_target_registrations", "scheme_target_amount")
# New figures are appended: the contract keeps the others' names, meaning and order.
FIGURES = ("defaulters", "arrears", "notices_served", "disconnections", "paid_on_spot_count",
           "paid_on_spot_amount", "collections", "reconnections", "target", "achievement_pct",
           "theft_cases_found", "theft_cases_assessed", *SETTLEMENT_FIGURES, *RC_FIGURES)


@dataclass
class Figures:
    """One division's figures for a range (or the total of several: code and name None)."""

    code: str | None
    name: str | None
    name_hi: str = ""
    defaulters: int = 0
    arrears: Decimal = ZERO
    notices_served: int = 0
    disconnections: int = 0
    paid_on_spot_count: int = 0
    paid_on_spot_amount: Decimal = ZERO
    collections: Decimal = ZERO
    reconnections: int = 0
    target: Decimal | None = None
    list_as_of: date | None = None  # the defaulter list the first two figures come from
    theft_cases_found: int = 0
    theft_cases_assessed: int = 0
    # Settlements (reports.settlement_figures): the figures, then the numerators of the scheme's achievements.
    settlements_registered: int = 0
    settlement_deposits: Decimal = ZERO
    settlement_collected: Decimal = ZERO
    settlement_waivers: Decimal = ZERO
    settlements_defaulted: int = 0
    scheme_target_registrations: int | None = None
    scheme_target_amount: Decimal | None = None
    scheme_registrations: int = 0
    scheme_amount: Decimal = ZERO
    # Recovery certificates (reports.rc_figures).
    rc_raised: int = 0
    rc_recovered: Decimal = ZERO

    @property
    def scheme_registrations_pct(self) -> Decimal | None:
        """Registrations into the range's schemes as a percentage of their target, one decimal; None without one."""
        return pct(self.scheme_registrations, self.scheme_target_registrations)

    @property
    def scheme_amount_pct(self) -> Decimal | None:
        """Deposits and money collected under the range's schemes as a percentage of their target amount."""
        return pct(self.scheme_amount, self.scheme_target_amount)

    @property
    def local_name(self) -> str:
        return local_name(self.name or "", self.name_hi)

    @property
    def achievement_pct(self) -> Decimal | None:
        """Collections as a percentage of the target, one decimal; None without a (non-zero) target."""
        if not self.target:
            return None
        return (self.collections * 100 / self.target).quantize(PERCENT, rounding=ROUND_HALF_UP)

    def as_dict(self) -> dict:
        return {key: getattr(self, key) for key in FIGURES}


@dataclass
class Summary:
    date_from: date
    date_to: date
    rows: list[Figures]
    totals: Figures

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1


@dataclass
class DayFigures:
    """A day of the range, for trend charts: the events of that day (all divisions asked, together)."""

    day: date
    notices_served: int = 0
    disconnections: int = 0
    paid_on_spot_count: int = 0
    paid_on_spot_amount: Decimal = ZERO
    collections: Decimal = ZERO
    reconnections: int = 0


def india_bounds(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """The instants that open ``date_from`` and close ``date_to`` in India time (half-open)."""
    zone = timezone.get_default_timezone()
    return (datetime.combine(date_from, time.min, tzinfo=zone),
            datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=zone))


def summary_divisions(user: User, *, division: str | Division | None = None) -> QuerySet[Division]:
    """The divisions a summary for ``user`` covers: every visible one, or the one asked (if visible)."""
    divisions = divisions_visible_to(user).order_by("code")
    if isinstance(division, Division):
        divisions = divisions.filter(pk=division.pk)
    elif division:
        divisions = divisions.filter(code=division)
    return divisions


EVENT_FIGURES = ("notices_served", "disconnections", "paid_on_spot_count", "paid_on_spot_amount", "reconnections")


def _events(divisions: list[int], date_from: date, date_to: date, *, by: str) -> dict:
    """{(group key, figure): value} of the range's events, grouped ``by`` "division" or "day": two grouped
    reads of the day books (reports.EventDay for the field's events, arrears.LedgerDay for collections),
    at most divisions × days rows each."""
    values: dict = defaultdict(lambda: 0)
    key = "division_id" if by == "division" else "day"
    days = EventDay.objects.filter(day__gte=date_from, day__lte=date_to, division_id__in=divisions)
    for row in days.values(key=F(key)).annotate(**{figure: Sum(figure) for figure in EVENT_FIGURES}):
        for figure in EVENT_FIGURES:
            values[row["key"], figure] += row[figure]
    book = LedgerDay.objects.filter(kind=EntryKind.PAYMENT, day__gte=date_from, day__lte=date_to,
                                    division_id__in=divisions)
    for row in book.values(key=F(key)).annotate(amount=Sum("amount")):
        values[row["key"], "collections"] += row["amount"]
    return values


def event_days_recounted(date_from: date, date_to: date) -> dict[tuple[int, date], dict]:
    """The field's day book recounted from the event tables themselves, each event in the division written
    on it (arrears.models.CountedForDivision, as the book's triggers count it; not its consumer's division
    of now, which IT's imports may have changed since): {(division id, day): figures} for the days with any
    event. For checks: it reads every event of the range."""
    start, end = india_bounds(date_from, date_to)
    counts: dict = defaultdict(lambda: dict.fromkeys(EVENT_FIGURES, 0))
    sources = [
        (Notice.objects.filter(served_on__gte=date_from, served_on__lte=date_to), "served_on", True,
         {"notices_served": Count("id")}),
        (Disconnection.objects.filter(disconnected_at__gte=start, disconnected_at__lt=end), "disconnected_at", False,
         {"disconnections": Count("id")}),
        (Payment.objects.filter(paid_at__gte=start, paid_at__lt=end, drive_stop__isnull=False), "paid_at", False,
         {"paid_on_spot_count": Count("id"), "paid_on_spot_amount": Sum("amount")}),
        (ReconnectionOrder.objects.filter(status=ReconnectionStatus.DONE, done_at__gte=start, done_at__lt=end),
         "done_at", False, {"reconnections": Count("id")}),
    ]
    for rows, day_field, is_date, figures in sources:
        day = F(day_field) if is_date else TruncDate(day_field)
        for row in rows.order_by().annotate(event_day=day).values("division_id", "event_day").annotate(**figures):
            for figure in figures:
                counts[row["division_id"], row["event_day"]][figure] += row[figure]
    return dict(counts)


def event_days_mismatches(date_from: date, date_to: date) -> list[tuple]:
    """(division id, day, figure, book, recount) wherever EventDay disagrees with the event tables."""
    recount = event_days_recounted(date_from, date_to)
    book = {(row.division_id, row.day): {f: getattr(row, f) for f in EVENT_FIGURES}
            for row in EventDay.objects.filter(day__gte=date_from, day__lte=date_to)}
    mismatches = []
    for key in sorted(set(recount) | set(book)):
        for figure in EVENT_FIGURES:
            ours, theirs = book.get(key, {}).get(figure, 0), recount.get(key, {}).get(figure, 0)
            if ours != theirs:
                mismatches.append((*key, figure, ours, theirs))
    return mismatches


THEFT_FIGURES = ("theft_cases_found", "theft_cases_assessed")


def theft_figures(divisions: list[int], date_from: date, date_to: date) -> dict[tuple[int, str], int]:
    """{(division id, figure): count} of theft cases: ``theft_cases_found``, reported in the range (India time),
    and ``theft_cases_assessed``, assessed in it, each by the division the case was reported in (fixed on the
    case), never the consumer's division now. One grouped read of the cases themselves (few: indexes
    theft_opened_at and theft_assessed_on)."""
    start, end = india_bounds(date_from, date_to)
    found = Q(opened_at__gte=start, opened_at__lt=end)
    assessed = Q(assessed_on__gte=date_from, assessed_on__lte=date_to)
    rows = (TheftCase.objects.filter(found | assessed, division_id__in=divisions).order_by().values("division_id")
            .annotate(theft_cases_found=Count("id", filter=found), theft_cases_assessed=Count("id", filter=assessed)))
    return {(row["division_id"], figure): row[figure] for row in rows for figure in THEFT_FIGURES}


def targets_prorated(divisions: list[int], date_from: date, date_to: date) -> dict[int, Decimal]:
    """Each division's revenue target for the range: every month's target times the share of that
    month's days inside the range, summed and rounded to the paisa. Divisions without any target
    in the range are absent (their target is None, not zero)."""
    first_month = date_from.replace(day=1)
    exact: dict[int, Decimal] = defaultdict(Decimal)
    for target in Target.objects.filter(division_id__in=divisions, month__gte=first_month, month__lte=date_to):
        days_in_month = calendar.monthrange(target.month.year, target.month.month)[1]
        month_end = target.month.replace(day=days_in_month)
        inside = (min(month_end, date_to) - max(target.month, date_from)).days + 1
        exact[target.division_id] += target.amount * inside / days_in_month
    return {division: amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) for division, amount in exact.items()}


def _latest_lists(divisions: QuerySet[Division], as_of: date) -> QuerySet[Division]:
    """The divisions, each with its latest defaulter list's figures on or before ``as_of`` (one
    subquery per figure over the (division, as_of) unique index)."""
    latest = DefaulterList.objects.filter(division=OuterRef("pk"), as_of__lte=as_of).order_by("-as_of")
    return divisions.annotate(
        list_as_of=Subquery(latest.values("as_of")[:1]),
        list_defaulters=Subquery(latest.values("consumer_count")[:1]),
        list_arrears=Subquery(latest.values("total_arrears")[:1]),
    )


def summary(user: User, *, date_from: date, date_to: date, division: str | Division | None = None) -> Summary:
    """DESIGN.md's `reports/summary/` for ``user``: a row per division they may see (or the one asked),
    ordered by code, and the total of those rows (its percentage from the summed figures)."""
    divisions = list(_latest_lists(summary_divisions(user, division=division), date_to))
    ids = [d.pk for d in divisions]
    events = _events(ids, date_from, date_to, by="division")
    targets = targets_prorated(ids, date_from, date_to)
    thefts = theft_figures(ids, date_from, date_to)
    start, end = india_bounds(date_from, date_to)
    settled = settlement_figures(ids, date_from, date_to, start=start, end=end)
    recovered = rc_figures(ids, date_from, date_to)
    rows = []
    for d in divisions:
        row = Figures(code=d.code, name=d.name, name_hi=d.name_hi, defaulters=d.list_defaulters or 0,
                      arrears=d.list_arrears if d.list_arrears is not None else ZERO, target=targets.get(d.pk),
                      list_as_of=d.list_as_of)
        for key in (*EVENT_FIGURES, "collections"):
            setattr(row, key, events.get((d.pk, key), getattr(row, key)))
        for key in THEFT_FIGURES:
            setattr(row, key, thefts.get((d.pk, key), 0))
        for key in (*SETTLEMENT_FIGURES, *SCHEME_PROGRESS):
            if (d.pk, key) in settled:
                setattr(row, key, settled[d.pk, key])
        for key in RC_FIGURES:
            if (d.pk, key) in recovered:
                setattr(row, key, recovered[d.pk, key])
        rows.append(row)
    return Summary(date_from=date_from, date_to=date_to, rows=rows, totals=figures_total(rows))


def collections_against_target(user: User, division: Division, *, date_from: date,
                               date_to: date) -> Figures | None:
    """The division's collections over the range against its target (summary()'s ``collections``, ``target``
    and ``achievement_pct``, alone): what the dashboard shows of the month. None for a division the user may not
    see. Two small reads (the ledger's day book, the targets), not summary()'s settlement and theft figures the
    dashboard does not show: those took 140 ms of the officer's home with a scheme's registrations at the
    bench's size."""
    if not summary_divisions(user, division=division).exists():
        return None
    book = LedgerDay.objects.filter(kind=EntryKind.PAYMENT, day__gte=date_from, day__lte=date_to, division=division)
    return Figures(code=division.code, name=division.name, name_hi=division.name_hi,
                   collections=book.aggregate(total=Sum("amount"))["total"] or ZERO,
                   target=targets_prorated([division.pk], date_from, date_to).get(division.pk))


def figures_total(rows: list[Figures]) -> Figures:
    total = Figures(code=None, name=None)
    for key in COUNTS + AMOUNTS:
        setattr(total, key, sum((getattr(row, key) for row in rows), getattr(total, key)))
    for key in TARGETS:
        targets = [getattr(row, key) for row in rows if getattr(row, key) is not None]
        setattr(total, key, sum(targets, ZERO if key != "scheme_target_registrations" else 0) if targets else None)
    return total


def summary_days(user: User, *, date_from: date, date_to: date,
                 division: str | Division | None = None) -> list[DayFigures]:
    """Every day of the range (empty days too), each with its events over the divisions asked: the
    trend charts' data."""
    ids = list(summary_divisions(user, division=division).values_list("pk", flat=True))
    events = _events(ids, date_from, date_to, by="day")
    days = []
    day = date_from
    while day <= date_to:
        figures = DayFigures(day=day)
        for key in (*EVENT_FIGURES, "collections"):
            setattr(figures, key, events.get((day, key), getattr(figures, key)))
        days.append(figures)
        day += timedelta(days=1)
    return days


def list_breakdown(defaulters: DefaulterList, by: str) -> list[dict]:
    """The list's defaulters and arrears per ``by`` ("age_bucket" or "band"), every choice in order."""
    choices = {"age_bucket": AgeBucket, "band": AccountabilityBand}[by]
    found = {row[by]: row for row in DefaulterEntry.objects.filter(list=defaulters).values(by)
             .annotate(count=Count("id"), arrears=Sum("arrears"))}
    return [{"key": value, "label": label, "count": found.get(value, {}).get("count", 0),
             "arrears": found.get(value, {}).get("arrears") or ZERO} for value, label in choices.choices]


def list_since(defaulters: DefaulterList) -> dict:
    """Who on the list has paid or been cut since it was built: ``paid``, the consumers whose arrears are lower
    now, and ``paid_amount``, by how much together; ``cleared``, those of them whose arrears are now at most the
    list's threshold (no longer defaulters: the list page's "paid since"); ``cut``, those disconnected since."""
    lower = Q(consumer__arrears__lt=F("arrears"))
    since = DefaulterEntry.objects.filter(list=defaulters).aggregate(
        paid=Count("id", filter=lower),
        paid_amount=Sum(F("arrears") - F("consumer__arrears"), filter=lower),
        cleared=Count("id", filter=lower & Q(consumer__arrears__lte=defaulters.threshold)),
        cut=Count("id", filter=Exists(Disconnection.objects.filter(consumer=OuterRef("consumer"),
                                                                    disconnected_at__gte=defaulters.built_at))),
    )
    return since | {"paid_amount": since["paid_amount"] or ZERO}


def notices_ripening(user: User, division: Division, *, on: date, days: int = 7) -> QuerySet[Notice]:
    """Notices of the division whose 15 clear days end in the ``days`` after ``on``: the consumers a cut
    becomes lawful for this week (served_by: the last service date that makes a cut lawful on a day)."""
    return notices_visible_to(user).filter(
        consumer__division=division, served_on__gt=served_by(on), served_on__lte=served_by(on + timedelta(days=days)),
    ).order_by("served_on", "id")


def notices_ripening_count(division: Division, *, on: date, days: int = 7) -> int:
    """How many notices_ripening finds, from the field's day book (notices served per division and day,
    kept as notices are written): a week of one division's rows, not the notices joined to a million
    consumers to find the division's (the officer's home took 247 ms at the bench's size)."""
    return EventDay.objects.filter(
        division=division, day__gt=served_by(on), day__lte=served_by(on + timedelta(days=days)),
    ).aggregate(n=Sum("notices_served"))["n"] or 0


@dataclass
class SchemeProgress:
    """A scheme open today, in one division: registrations into it and the money paid under it since it opened
    (its deposits and collected, reports.settlement_figures' rules), against the division's target if set."""

    scheme: Scheme
    registrations: int
    amount: Decimal
    target_registrations: int | None
    target_amount: Decimal | None

    @property
    def registrations_pct(self) -> Decimal | None:
        return pct(self.registrations, self.target_registrations)

    @property
    def amount_pct(self) -> Decimal | None:
        return pct(self.amount, self.target_amount)


def scheme_progress(division: Division, *, on: date) -> list[SchemeProgress]:
    """Each scheme open for registration on ``on``, its progress in the division from its first day to ``on``."""
    found = []
    for scheme in Scheme.objects.filter(is_active=True, starts_on__lte=on, ends_on__gte=on).order_by("starts_on",
                                                                                                       "code"):
        start, end = india_bounds(scheme.starts_on, on)
        figures = settlement_figures([division.pk], scheme.starts_on, on, start=start, end=end, schemes=[scheme.pk])
        found.append(SchemeProgress(
            scheme=scheme, registrations=figures.get((division.pk, "scheme_registrations"), 0),
            amount=figures.get((division.pk, "scheme_amount"), ZERO),
            target_registrations=figures.get((division.pk, "scheme_target_registrations")),
            target_amount=figures.get((division.pk, "scheme_target_amount"))))
    return found


def settlements_defaulted_recently(user: User, division: Division, *, on: date, days: int = 7) -> int:
    """The division's settlements (schemes and plans) defaulted in the ``days`` to ``on``: consumers back on the
    drives' lists (index settlement_division_status)."""
    start, _end = india_bounds(on - timedelta(days=days - 1), on)
    return settlements_visible_to(user).filter(division=division, status=SettlementStatus.DEFAULTED,
                                               closed_at__gte=start).count()


def division_dashboard(user: User, division: Division, *, on: date) -> dict:
    """The division officer's home (and the MD's drill-down): the latest list and who paid or was cut
    since, its arrears by age and band, the top defaulters, notices ripening, the day's drives, overdue
    reconnections and open disputes, the month's collections against the target so far, and the settlement
    schemes open today (their progress against the target) with the settlements defaulted this week."""
    latest = defaulter_list_latest(user, division, as_of=on)
    month = collections_against_target(user, division, date_from=on.replace(day=1), date_to=on)
    ripening = notices_ripening(user, division, on=on)
    drives = list(drives_visible_to(user).filter(division=division, date=on).order_by("id"))
    return {
        "division": division,
        "on": on,
        "list": latest,
        "since": list_since(latest) if latest else None,
        "by_age": list_breakdown(latest, "age_bucket") if latest else None,
        "by_band": list_breakdown(latest, "band") if latest else None,
        "top": list(defaulter_entries(latest, ordering="rank")[:10]) if latest else [],
        "ripening": list(ripening[:10]),
        "ripening_count": notices_ripening_count(division, on=on),
        "drives": [(drive, drive_progress(drive)) for drive in drives],
        "reconnections_overdue": reconnections_visible_to(user, status="overdue")
        .filter(consumer__division=division).count(),
        "disputes_open": disputes_visible_to(user).filter(consumer__division=division,
                                                          status=DisputeStatus.OPEN).count(),
        "month": month,
        "schemes": scheme_progress(division, on=on),
        "settlements_defaulted_week": settlements_defaulted_recently(user, division, on=on),
    }


def defaulters_reachable(user: User, division: Division) -> tuple[int, int] | None:
    """(with a verified number, all) of the division's latest defaulter list: a number is verified once a message
    to it was delivered (notify). None when the division has no list yet. Reads the list's entries
    (defaulter_entry_list_rank) and, per consumer, the partial index message_delivered."""
    latest = defaulter_list_latest(user, division)
    if latest is None:
        return None
    counts = DefaulterEntry.objects.filter(list=latest).aggregate(
        total=Count("pk"), verified=Count("pk", filter=Exists(
            Message.objects.filter(consumer=OuterRef("consumer_id"), phone=OuterRef("consumer__phone"),
                                   status=MessageStatus.DELIVERED))))
    return counts["verified"], counts["total"]
