"""Celery tasks: thin wrappers that take ids, fetch, and call a service."""

from celery import shared_task

from arrears.models import Source
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
