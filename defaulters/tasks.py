"""Celery tasks of the nightly lists: thin wrappers that take ids, fetch, and call a service.

Task names keep their first app's prefix ("arrears."): the beat's periodic tasks in
the database name them so.
"""

from datetime import date

from celery import group, shared_task
from django.db import InterfaceError, OperationalError

from accounts.models import User
from defaulters.models import DefaulterTrigger
from defaulters.services import (
    defaulter_build_check,
    defaulter_divisions,
    defaulter_list_build_division,
    defaulter_runs_fail_stale,
)

# Worth another try: a lock timeout, a deadlock, a dropped connection. Not a bad threshold.
TRANSIENT_DB_ERRORS = (OperationalError, InterfaceError)


@shared_task(name="arrears.defaulter_lists_build_nightly")
def defaulter_lists_build_nightly_task(as_of: str | None = None, threshold: str | None = None,
                                       division_codes: list[str] | None = None, started_by_id: int | None = None,
                                       trigger: str = DefaulterTrigger.BEAT) -> dict:
    """Fans out one task per division (a group): divisions build in parallel on the workers.

    The day and threshold are checked here, once, before anything is queued: a refused build (a day to come,
    a bad threshold, an officer off the official rule) raises its DomainError and starts no run.
    """
    started_by = User.objects.get(pk=started_by_id) if started_by_id else None
    # The day is fixed here, so a retry after midnight builds the same day.
    day, amount = defaulter_build_check(user=started_by, as_of=date.fromisoformat(as_of) if as_of else None,
                                        threshold=threshold)
    division_ids = list(defaulter_divisions(division_codes=division_codes, started_by=started_by)
                        .values_list("pk", flat=True))
    group(
        defaulter_list_build_division_task.si(division_id=division_id, as_of=day.isoformat(), threshold=str(amount),
                                              started_by_id=started_by_id, trigger=trigger)
        for division_id in division_ids
    ).apply_async()
    return {"as_of": day.isoformat(), "divisions": len(division_ids)}


@shared_task(name="arrears.defaulter_list_build_division", autoretry_for=TRANSIENT_DB_ERRORS, retry_backoff=True,
             retry_backoff_max=600, retry_jitter=True, max_retries=5)
def defaulter_list_build_division_task(division_id: int, as_of: str, threshold: str | None = None,
                                       started_by_id: int | None = None,
                                       trigger: str = DefaulterTrigger.BEAT) -> dict:
    run = defaulter_list_build_division(
        division_id=division_id, as_of=date.fromisoformat(as_of), threshold=threshold,
        started_by=User.objects.get(pk=started_by_id) if started_by_id else None, trigger=trigger)
    return {"run": run.pk, "consumer_count": run.consumer_count, "total_arrears": str(run.total_arrears)}


@shared_task(name="defaulters.defaulter_runs_fail_stale")
def defaulter_runs_fail_stale_task() -> dict:
    return {"defaulter_runs": defaulter_runs_fail_stale()}
