"""Housekeeping of uploads the beat runs: files do not outlive their use, dead jobs do not look alive.

An upload's CSV holds consumers' names, addresses and arrears; once its import has ended the job row (who,
when, summary, errors) is the record and the file is only a liability, so it is deleted after
IMPORT_FILE_RETENTION_DAYS. An upload whose worker was killed stays "queued" or "running" for ever
unless something says otherwise: after STALE_JOB_MINUTES (longer than the task time limit) it is failed
(defaulter runs: defaulters.services.defaulter_runs_fail_stale).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from imports.models import ImportJob, ImportStatus

logger = logging.getLogger(__name__)


def import_files_expire() -> int:
    """Deletes the stored file of every finished upload that ended over IMPORT_FILE_RETENTION_DAYS ago and
    blanks the job's file; the job, its summary and errors stay. Returns how many files were deleted."""
    cutoff = timezone.now() - timedelta(days=settings.IMPORT_FILE_RETENTION_DAYS)
    expired = (ImportJob.objects.filter(status__in=[ImportStatus.DONE, ImportStatus.FAILED])
               .filter(Q(finished_at__lt=cutoff) | Q(finished_at__isnull=True, created_at__lt=cutoff))
               .exclude(file=""))
    count = 0
    for job in expired.only("pk", "file").iterator():
        # The file first, then the field: a crash in between leaves a field the next run blanks, never a
        # file no row points to any more.
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")
        count += 1
    if count:
        logger.info("deleted %d uploaded file(s) older than %d days", count, settings.IMPORT_FILE_RETENTION_DAYS)
    return count


def import_jobs_fail_stale() -> int:
    """Fails every upload still queued or running that started over STALE_JOB_MINUTES ago: its worker died.
    Returns how many."""
    minutes = settings.STALE_JOB_MINUTES
    now = timezone.now()
    # The status filter in the UPDATE itself: a job that finishes meanwhile is left as it ended.
    jobs = ImportJob.objects.filter(status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING],
                                    created_at__lt=now - timedelta(minutes=minutes)).update(
        status=ImportStatus.FAILED, finished_at=now,
        summary=f"no worker finished it within {minutes} minutes; its worker was stopped or lost the task; "
                "upload the file again")
    if jobs:
        logger.warning("failed %d upload(s) left unfinished for over %d minutes", jobs, minutes)
    return jobs
