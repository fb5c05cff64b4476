"""Celery tasks: thin wrappers that take ids, fetch, and call a service."""

from datetime import date

from celery import group, shared_task
from django.db import InterfaceError, OperationalError

from accounts.models import User
from arrears.defaulters import defaulter_divisions, defaulter_list_build_division
from arrears.housekeeping import import_files_expire, stale_jobs_fail
from arrears.ledger import india_today
from arrears.models import DefaulterTrigger, Source
from arrears.services import import_job_execute, positions_check


@shared_task(bind=True, name="arrears.import_job_execute")
def import_job_execute_task(self, job_id: int) -> None:
    done = 0

    def progress(rows: int) -> None:
        nonlocal done
        done += rows
        if not self.request.called_directly and self.request.id:
            self.update_state(state="PROGRESS", meta={"rows_done": done})

    import_job_execute(job_id=job_id, progress=progress)


@shared_task(name="arrears.positions_check")
def positions_check_task() -> dict:
    check = positions_check(source=Source.TASK)
    return {"consumers_checked": check.consumers_checked, "mismatches": check.mismatches}


# --- housekeeping -----------------------------------------------------------------

@shared_task(name="arrears.import_files_expire")
def import_files_expire_task() -> dict:
    return {"files_deleted": import_files_expire()}


@shared_task(name="arrears.stale_jobs_fail")
def stale_jobs_fail_task() -> dict:
    return stale_jobs_fail()


# --- nightly defaulter lists ---------------------------------------------------------

# Worth another try: a lock timeout, a deadlock, a dropped connection. Not a bad threshold.
TRANSIENT_DB_ERRORS = (OperationalError, InterfaceError)


@shared_task(name="arrears.defaulter_lists_build_nightly")
def defaulter_lists_build_nightly_task(as_of: str | None = None, threshold: str | None = None,
                                       division_codes: list[str] | None = None, started_by_id: int | None = None,
                                       trigger: str = DefaulterTrigger.BEAT) -> dict:
    """Fans out one task per division (a group): divisions build in parallel on the workers."""
    as_of = as_of or india_today().isoformat()  # fixed here, so a retry after midnight builds the same day
    started_by = User.objects.get(pk=started_by_id) if started_by_id else None
    division_ids = list(defaulter_divisions(division_codes=division_codes, started_by=started_by)
                        .values_list("pk", flat=True))
    group(
        defaulter_list_build_division_task.si(division_id=division_id, as_of=as_of, threshold=threshold,
                                              started_by_id=started_by_id, trigger=trigger)
        for division_id in division_ids
    ).apply_async()
    return {"as_of": as_of, "divisions": len(division_ids)}


@shared_task(name="arrears.defaulter_list_build_division", autoretry_for=TRANSIENT_DB_ERRORS, retry_backoff=True,
             retry_backoff_max=600, retry_jitter=True, max_retries=5)
def defaulter_list_build_division_task(division_id: int, as_of: str, threshold: str | None = None,
                                       started_by_id: int | None = None,
                                       trigger: str = DefaulterTrigger.BEAT) -> dict:
    run = defaulter_list_build_division(
        division_id=division_id, as_of=date.fromisoformat(as_of), threshold=threshold,
        started_by=User.objects.get(pk=started_by_id) if started_by_id else None, trigger=trigger)
    return {"run": run.pk, "consumer_count": run.consumer_count, "total_arrears": str(run.total_arrears)}
