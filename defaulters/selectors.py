"""Reads of defaulter lists and their runs, always for the user who asks."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Division, User
from accounts.selectors import division_scope, divisions_visible_to
from core.dates import india_today
from defaulters.models import DefaulterEntry, DefaulterList, DefaulterRun, DefaulterRunStatus

# Sort keys the list page offers: name in the URL → ORDER BY.
ENTRY_ORDERINGS = {
    "rank": ["rank"],
    "arrears": ["-rank"],
    "-days": ["-days_overdue", "rank"],
    "days": ["days_overdue", "rank"],
    "name": ["name", "rank"],
    "account": ["account_no"],
}


def defaulter_lists_visible_to(user: User) -> QuerySet[DefaulterList]:
    return division_scope(DefaulterList.objects.select_related("division", "run"), user)


def defaulter_list_get(user: User, pk: int) -> DefaulterList:
    """The list with this id, if it is of the user's division; else 404."""
    return get_object_or_404(defaulter_lists_visible_to(user), pk=pk)


def defaulter_list_latest(user: User, division: Division, *, as_of: date | None = None) -> DefaulterList | None:
    """The division's newest list (on or before ``as_of``), or None. Uses the (division, as_of) unique index."""
    lists = defaulter_lists_visible_to(user).filter(division=division)
    if as_of is not None:
        lists = lists.filter(as_of__lte=as_of)
    return lists.order_by("-as_of").first()


def defaulter_entries(defaulters: DefaulterList, *, min_arrears: Decimal | None = None,
                      max_arrears: Decimal | None = None, age_bucket: str = "", q: str = "",
                      ordering: str = "rank") -> QuerySet[DefaulterEntry]:
    """The entries of a list the caller already holds (from a scoped selector), filtered.

    ``q`` is text in the address (a locality, a street) or the name, or an account number.
    Each entry carries the consumer's arrears and connection status now (``live_arrears``, ``live_status``),
    so a page shows who has paid or been cut since the list was built, and the phone and meter number a visit
    needs (``phone``, ``meter_no``): one join on the consumer's primary key, whatever the number of entries.
    """
    entries = DefaulterEntry.objects.filter(list=defaulters).annotate(
        live_arrears=F("consumer__arrears"), live_status=F("consumer__status"), phone=F("consumer__phone"),
        meter_no=F("consumer__meter_no"))
    if min_arrears is not None:
        entries = entries.filter(arrears__gte=min_arrears)
    if max_arrears is not None:
        entries = entries.filter(arrears__lte=max_arrears)
    if age_bucket:
        entries = entries.filter(age_bucket=age_bucket)
    if q:
        entries = entries.filter(Q(address__icontains=q) | Q(name__icontains=q) | Q(account_no=q))
    return entries.order_by(*ENTRY_ORDERINGS.get(ordering, ["rank"]))


def defaulter_runs_visible_to(user: User) -> QuerySet[DefaulterRun]:
    return division_scope(DefaulterRun.objects.select_related("division", "started_by"), user)


@dataclass
class DivisionListStatus:
    """What the dashboard says about one division's nightly list."""

    division: Division
    latest: DefaulterList | None
    last_run: DefaulterRun | None

    @property
    def stale(self) -> bool:
        # Until 01:00 yesterday's list is the newest; older than that, a night was missed.
        return self.latest is None or (india_today() - self.latest.as_of).days > 1

    @property
    def failed(self) -> bool:
        if self.last_run is None:
            return False
        if self.last_run.status == DefaulterRunStatus.RUNNING:
            # Still "running" past the task's hard time limit: its worker was killed. The
            # transaction died with it, so the previous list stands; say so.
            limit = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
            return self.last_run.started_at < timezone.now() - limit
        return self.last_run.status == DefaulterRunStatus.FAILED

    @property
    def ok(self) -> bool:
        return not (self.stale or self.failed)


def defaulter_status_for(user: User) -> list[DivisionListStatus]:
    """Each visible division's newest list and last run, in three queries whatever the number of divisions:
    the divisions with the ids of both (a subquery each over the (division, as_of) and (division,
    -started_at) indexes), then those lists and those runs."""
    lists = defaulter_lists_visible_to(user).filter(division=OuterRef("pk")).order_by("-as_of")
    runs = defaulter_runs_visible_to(user).filter(division=OuterRef("pk")).order_by("-started_at", "-id")
    divisions = list(divisions_visible_to(user).order_by("code").annotate(
        latest_id=Subquery(lists.values("pk")[:1]), last_run_id=Subquery(runs.values("pk")[:1])))
    latest = defaulter_lists_visible_to(user).in_bulk([d.latest_id for d in divisions if d.latest_id])
    last_runs = defaulter_runs_visible_to(user).in_bulk([d.last_run_id for d in divisions if d.last_run_id])
    return [DivisionListStatus(division=d, latest=latest.get(d.latest_id), last_run=last_runs.get(d.last_run_id))
            for d in divisions]
