"""Celery tasks of recovery: thin wrappers that call a service."""

from datetime import date

from celery import shared_task

from recovery.services import permanent_disconnections_mark


@shared_task(name="recovery.permanent_disconnections_mark")
def permanent_disconnections_mark_task(on: str | None = None) -> dict:
    """The night's marking (01:30 India time): {"marked": n, "ended": m}."""
    return permanent_disconnections_mark(on=date.fromisoformat(on) if on else None)
