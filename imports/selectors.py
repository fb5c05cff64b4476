"""Reads of import jobs, always for the user who asks."""

from django.db.models import QuerySet

from accounts.models import User
from accounts.selectors import division_scope
from imports.models import ImportJob


def import_jobs_visible_to(user: User) -> QuerySet[ImportJob]:
    """HQ and IT see every upload; an officer sees the uploads of their division."""
    return division_scope(ImportJob.objects.select_related("created_by"), user)
