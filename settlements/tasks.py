"""Celery tasks of settlements: thin wrappers that call a service."""

from datetime import date

from celery import shared_task

from settlements.services import settlements_default_missed


@shared_task(name="settlements.settlements_default_missed")
def settlements_default_missed_task(today: str | None = None) -> dict:
    """The night's default check (00:30, before the defaulter lists): {"defaulted": n, "promises_broken": m}."""
    return settlements_default_missed(today=date.fromisoformat(today) if today else None)
