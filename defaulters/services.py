"""Nightly defaulter lists: per division, every consumer whose arrears on a day are
strictly above the threshold, ranked, with age bucket and accountability band.

Set-based (STYLE.md 7): per division, one INSERT … SELECT ranks the consumers from
their cached figures, rolled to the day first (arrears.ledger.positions_roll: only
the consumers whose cached window ends, from their cached row and ledger tail). For a
past day the cache no longer covers, the same INSERT reads the ledger instead (ledger.positions_select_sql), so
an old list can be rebuilt exactly and the cache is left alone.

A build replaces the (division, day) list inside one transaction: a build that dies
half-way rolls back and the previous list stays, complete and visible.

The list the MD and the officers read is the official one: today's, at DEFAULTER_THRESHOLD.
Only IT and the command line build another day or threshold (defaulter_build_check); an
officer may rebuild today's list of their division, by the same rule as the night.
"""

import logging
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Division, User
from accounts.permissions import may_build_lists_off_rule
from accounts.selectors import divisions_visible_to
from arrears.ledger import positions_roll, positions_select_sql
from core.dates import india_today
from core.errors import DomainError
from core.money import format_inr, money
from core.sql import sql_text
from defaulters.models import (
    AccountabilityBand,
    AgeBucket,
    DefaulterList,
    DefaulterRun,
    DefaulterRunStatus,
    DefaulterTrigger,
)

logger = logging.getLogger(__name__)

# Age of arrears by days since the oldest unpaid due date: (last day of the bucket, bucket).
AGE_BUCKET_LIMITS = [
    (90, AgeBucket.UP_TO_90),
    (180, AgeBucket.UP_TO_180),
    (365, AgeBucket.UP_TO_365),
    (730, AgeBucket.UP_TO_2Y),
]
AGE_BUCKET_OVER = AgeBucket.OVER_2Y

# Who answers for the arrears, by amount: (highest amount of the band, band).
BAND_LIMITS = [
    (Decimal("10000.00"), AccountabilityBand.JE),
    (Decimal("100000.00"), AccountabilityBand.SDO),
    (Decimal("1000000.00"), AccountabilityBand.EE),
]
BAND_OVER = AccountabilityBand.SE


def _case_sql(column: str, limits, over) -> str:
    # The limits are constants of this module, never user input.
    whens = " ".join(f"WHEN {column} <= {limit} THEN {sql_text(value)}" for limit, value in limits)
    return f"CASE {whens} ELSE {sql_text(over)} END"


def _days_since_sql(column: str) -> str:
    """Whole days from ``column`` to the as-of date (one %s parameter)."""
    if connection.vendor == "postgresql":
        return f"(CAST(%s AS DATE) - {column})"
    return f"CAST(julianday(%s) - julianday({column}) AS INTEGER)"


# Rank the division's consumers with arrears above the threshold; {source} names `c`
# (arrears_consumer) and whatever holds {arrears} and {oldest} (due date) on the day.
# With the cache the scan uses the index consumer_division_arrears (division, -arrears).
_ENTRIES_INSERT = """
INSERT INTO arrears_defaulterentry (list_id, consumer_id, account_no, name, address, arrears, oldest_due_date,
                                    days_overdue, age_bucket, band, rank, is_protected)
SELECT %s, d.consumer_id, d.account_no, d.name, d.address, d.arrears, d.oldest_due_date, d.days_overdue,
       {bucket}, {band}, ROW_NUMBER() OVER (ORDER BY d.arrears DESC, d.account_no), d.is_protected
FROM (
    SELECT c.id AS consumer_id, c.account_no, c.name, c.address, {arrears} AS arrears,
           {oldest} AS oldest_due_date, c.is_protected, {days} AS days_overdue
    FROM {source}
    WHERE c.division_id = %s AND {arrears} > CAST(%s AS NUMERIC)
) d
"""

_FROM_LEDGER = "arrears_consumer c JOIN ({positions}) p ON p.consumer_id = c.id"


def _entries_insert(*, list_id: int, division_id: int, as_of: date, threshold: Decimal, from_ledger: bool) -> None:
    """Fills an empty list with one INSERT … SELECT."""
    if from_ledger:
        source = _FROM_LEDGER.format(positions=positions_select_sql(where="c.division_id = %s"))
        source_params, figures = [as_of, division_id], "p"
    else:
        source, source_params, figures = "arrears_consumer c", [], "c"
    sql = _ENTRIES_INSERT.format(
        bucket=_case_sql("d.days_overdue", AGE_BUCKET_LIMITS, AGE_BUCKET_OVER),
        band=_case_sql("d.arrears", BAND_LIMITS, BAND_OVER),
        days=_days_since_sql(f"{figures}.oldest_due_date"),
        arrears=f"{figures}.arrears", oldest=f"{figures}.oldest_due_date",
        source=source,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [list_id, as_of, *source_params, division_id, threshold])


def _stale_consumers_lock(*, division_id: int, as_of: date) -> None:
    """Locks the division's consumers whose cached arrears end before ``as_of``.

    positions_roll then rolls them from a snapshot nobody can change under it: a
    payment on one of them waits for the build (a second or so) instead of having its
    fresh figures overwritten by the roll's older view of the ledger.
    """
    if connection.vendor != "postgresql":
        return  # SQLite has one writer at a time: the transaction already excludes payments
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM (SELECT c.id FROM arrears_consumer c WHERE c.division_id = %s"
            " AND (c.arrears_from IS NULL OR c.arrears_from > %s OR c.arrears_until <= %s)"
            " ORDER BY c.id FOR UPDATE) locked",
            [division_id, as_of, as_of])


def _list_replace(*, run: DefaulterRun) -> DefaulterList:
    """Builds the run's list; call inside a transaction."""
    # FOR NO KEY UPDATE: serialises two builds of one division (the schedule and an
    # admin's "build now") without blocking imports that insert its consumers.
    Division.objects.select_for_update(no_key=True).filter(pk=run.division_id).get()
    from_ledger = run.as_of < india_today()
    if not from_ledger:
        _stale_consumers_lock(division_id=run.division_id, as_of=run.as_of)
        positions_roll(as_of=run.as_of, division_id=run.division_id)

    defaulters = DefaulterList.objects.filter(division_id=run.division_id, as_of=run.as_of).first()
    if defaulters is None:
        defaulters = DefaulterList.objects.create(division_id=run.division_id, as_of=run.as_of,
                                                  threshold=run.threshold, built_at=timezone.now(), run=run)
    else:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM arrears_defaulterentry WHERE list_id = %s", [defaulters.pk])
    _entries_insert(list_id=defaulters.pk, division_id=run.division_id, as_of=run.as_of, threshold=run.threshold,
                    from_ledger=from_ledger)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*), COALESCE(SUM(arrears), 0) FROM arrears_defaulterentry WHERE list_id = %s",
                       [defaulters.pk])
        count, total = cursor.fetchone()
    defaulters.threshold, defaulters.built_at, defaulters.run = run.threshold, timezone.now(), run
    defaulters.consumer_count, defaulters.total_arrears = count, Decimal(str(total)).quantize(Decimal("0.01"))
    defaulters.save(update_fields=["threshold", "built_at", "run", "consumer_count", "total_arrears"])
    return defaulters


def defaulter_threshold(value=None) -> Decimal:
    """The threshold to use: the given amount (rupees, ≥ 0, 2 places) or the setting."""
    if value is None or value == "":
        return settings.DEFAULTER_THRESHOLD
    amount = money(value, field="threshold")
    if amount < 0:
        raise DomainError(_("must not be negative"), code="invalid_threshold", field="threshold")
    return amount


def defaulter_divisions(*, division_codes: list[str] | None = None, started_by: User | None = None
                        ) -> QuerySet[Division]:
    """The divisions to build: those named (all if none), within what ``started_by`` may see."""
    divisions = divisions_visible_to(started_by) if started_by is not None else Division.objects.all()
    if division_codes:
        divisions = divisions.filter(code__in=division_codes)
        missing = sorted(set(division_codes) - set(divisions.values_list("code", flat=True)))
        if missing:
            raise DomainError(_("no such division: %(codes)s") % {"codes": ", ".join(missing)}, code="unknown_division",
                              field="division")
    return divisions.order_by("code")


def _as_of_checked(as_of: date | None) -> date:
    today = india_today()
    as_of = as_of or today
    if as_of > today:
        # Tomorrow's arrears depend on payments not made yet.
        raise DomainError(_("%(day)s is in the future") % {"day": as_of.isoformat()}, code="as_of_in_future",
                          field="as_of")
    return as_of


def defaulter_build_check(*, user: User | None, as_of: date | None = None, threshold=None) -> tuple[date, Decimal]:
    """The (day, threshold) of a build ``user`` may start, or a DomainError: the one rule of every path
    (the command, the nightly task before it fans out, each division's run, the admin's form and rebuild).

    Not a day to come (as_of_in_future), a threshold of rupees ≥ 0 (invalid_threshold), and, unless ``user``
    is IT or the command line (None), today's list at DEFAULTER_THRESHOLD: the MD and the officers read
    today's list as the nightly rule makes it, so nobody else may replace it with another (official_list_rule).
    """
    as_of, threshold = _as_of_checked(as_of), defaulter_threshold(threshold)
    if not may_build_lists_off_rule(user) and (as_of != india_today()
                                                 or threshold != settings.DEFAULTER_THRESHOLD):
        raise DomainError(_("an officer rebuilds only today's list, at the official threshold of %(threshold)s; "
                            "another day or threshold is IT's to build")
                          % {"threshold": format_inr(settings.DEFAULTER_THRESHOLD)},
                          code="official_list_rule", field="threshold")
    return as_of, threshold


def defaulter_run_start(*, division_id: int, as_of: date | None = None, threshold=None,
                        started_by: User | None = None, trigger: str) -> DefaulterRun:
    """Records a build about to run (status running), so the history shows it at once.

    Every build passes here (the schedule, the command, the admin's "build now" and
    rebuild, through the task or not), so the official-list rule holds on every path.
    """
    if trigger not in DefaulterTrigger.values:
        raise ValueError(f"unknown trigger {trigger!r}")
    if started_by is not None and not divisions_visible_to(started_by).filter(pk=division_id).exists():
        raise PermissionDenied(_("that division is not yours"))
    as_of, threshold = defaulter_build_check(user=started_by, as_of=as_of, threshold=threshold)
    return DefaulterRun.objects.create(division_id=division_id, as_of=as_of, threshold=threshold, trigger=trigger,
                                       started_by=started_by)


def defaulter_run_execute(*, run: DefaulterRun) -> DefaulterRun:
    """Builds the run's list and records the outcome on the run; re-raises a failure."""
    started = time.monotonic()
    try:
        with transaction.atomic():
            defaulters = _list_replace(run=run)
    except Exception as exc:
        run.status, run.error = DefaulterRunStatus.FAILED, f"{type(exc).__name__}: {exc}"
        run.finished_at, run.duration = timezone.now(), timedelta(seconds=time.monotonic() - started)
        run.save(update_fields=["status", "error", "finished_at", "duration"])
        raise
    run.status, run.consumer_count, run.total_arrears = (DefaulterRunStatus.DONE, defaulters.consumer_count,
                                                         defaulters.total_arrears)
    run.finished_at, run.duration = timezone.now(), timedelta(seconds=time.monotonic() - started)
    run.save(update_fields=["status", "consumer_count", "total_arrears", "finished_at", "duration"])
    return run


def defaulter_list_build_division(*, division_id: int, as_of: date | None = None, threshold=None,
                                  started_by: User | None = None, trigger: str) -> DefaulterRun:
    """Builds (or rebuilds) one division's list for one day. Raises if the build fails,
    after recording the failure; the previous list is then untouched."""
    run = defaulter_run_start(division_id=division_id, as_of=as_of, threshold=threshold, started_by=started_by,
                              trigger=trigger)
    return defaulter_run_execute(run=run)


def defaulter_lists_build(*, as_of: date | None = None, threshold=None, division_codes: list[str] | None = None,
                          started_by: User | None = None, trigger: str,
                          progress: Callable[[DefaulterRun], None] | None = None) -> list[DefaulterRun]:
    """Builds the lists of every division (or those named), one after another, in this
    process. A division that fails is recorded as failed and the others still run."""
    as_of, threshold = defaulter_build_check(user=started_by, as_of=as_of, threshold=threshold)
    runs = []
    for division in defaulter_divisions(division_codes=division_codes, started_by=started_by):
        run = defaulter_run_start(division_id=division.pk, as_of=as_of, threshold=threshold,
                                  started_by=started_by, trigger=trigger)
        try:
            defaulter_run_execute(run=run)
        except Exception:
            # Recorded on the run (the caller sees its status); the other divisions still get lists.
            logger.exception("defaulter list for %s on %s failed", division.code, as_of)
        runs.append(run)
        if progress is not None:
            progress(run)
    return runs


def defaulter_runs_fail_stale() -> int:
    """Fails every run still running that started over STALE_JOB_MINUTES ago (longer than the task
    time limit): its worker was killed, and the run would say "running" for ever. Returns how many."""
    minutes = settings.STALE_JOB_MINUTES
    now = timezone.now()
    # The status filter in the UPDATE itself: a run that finishes meanwhile is left as it ended.
    runs = DefaulterRun.objects.filter(status=DefaulterRunStatus.RUNNING,
                                       started_at__lt=now - timedelta(minutes=minutes)).update(
        status=DefaulterRunStatus.FAILED, finished_at=now,
        error=f"no worker finished it within {minutes} minutes; its worker was stopped or lost the task; build again")
    if runs:
        logger.warning("failed %d defaulter run(s) left unfinished for over %d minutes", runs, minutes)
    return runs
