"""Housekeeping the beat runs: uploaded files do not outlive their use, dead jobs do not look alive.

An upload's CSV holds consumers' names, addresses and arrears; once its import has ended the job row (who,
when, summary, errors) is the record and the file is only a liability, so it is deleted after
IMPORT_FILE_RETENTION_DAYS. A build or upload whose worker was killed stays "running" or "queued" for ever
unless something says otherwise: after STALE_JOB_MINUTES (longer than the task time limit) it is failed.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from arrears.models import DefaulterRun, DefaulterRunStatus, ImportJob, ImportStatus

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


def stale_jobs_fail() -> dict[str, int]:
    """Fails every defaulter run still running, and every upload still queued or running, that started over
    STALE_JOB_MINUTES ago: their worker died. Returns how many of each."""
    minutes = settings.STALE_JOB_MINUTES
    now = timezone.now()
    cutoff = now - timedelta(minutes=minutes)
    reason = f"no worker finished it within {minutes} minutes; its worker was stopped or lost the task"
    # The status filter in the UPDATE itself: a run or job that finishes meanwhile is left as it ended.
    runs = DefaulterRun.objects.filter(status=DefaulterRunStatus.RUNNING, started_at__lt=cutoff).update(
        status=DefaulterRunStatus.FAILED, error=f"{reason}; build again", finished_at=now)
    jobs = ImportJob.objects.filter(status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING],
                                    created_at__lt=cutoff).update(
        status=ImportStatus.FAILED, summary=f"{reason}; upload the file again", finished_at=now)
    if runs or jobs:
        logger.warning("failed %d defaulter run(s) and %d upload(s) left unfinished for over %d minutes",
                       runs, jobs, minutes)
    return {"defaulter_runs": runs, "import_jobs": jobs}
