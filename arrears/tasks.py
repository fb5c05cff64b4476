"""Celery tasks: thin wrappers that take ids, fetch, and call a service."""


from celery import shared_task

from arrears.services import positions_check
from core.models import Source


@shared_task(name="arrears.positions_check")
def positions_check_task() -> dict:
    check = positions_check(source=Source.TASK)
    return {"consumers_checked": check.consumers_checked, "mismatches": check.mismatches}


# --- housekeeping -----------------------------------------------------------------


# --- nightly defaulter lists ---------------------------------------------------------


