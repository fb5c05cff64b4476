"""Celery tasks of imports: thin wrappers that take ids, fetch, and call a service.

Task names keep their first app's prefix ("arrears."): queued tasks and the beat's
periodic tasks in the database name them so.
"""

from celery import shared_task

from imports.housekeeping import import_files_expire, import_jobs_fail_stale
from imports.services import import_job_execute


@shared_task(bind=True, name="arrears.import_job_execute")
def import_job_execute_task(self, job_id: int) -> None:
    done = 0

    def progress(rows: int) -> None:
        nonlocal done
        done += rows
        if not self.request.called_directly and self.request.id:
            self.update_state(state="PROGRESS", meta={"rows_done": done})

    import_job_execute(job_id=job_id, progress=progress)


@shared_task(name="imports.import_files_expire")
def import_files_expire_task() -> dict:
    return {"files_deleted": import_files_expire()}


@shared_task(name="imports.import_jobs_fail_stale")
def import_jobs_fail_stale_task() -> dict:
    return {"import_jobs": import_jobs_fail_stale()}
