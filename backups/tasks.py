"""The nightly backup (beat, 04:00 India time): a thin wrapper over backup_take."""

import logging

from celery import shared_task

from backups.models import BackupStatus, BackupTrigger
from backups.services import backup_take

logger = logging.getLogger(__name__)


# A dump of a large database outlasts the default 25 minutes (CELERY_TASK_SOFT_TIME_LIMIT): its own limits.
# No retry: a failed backup is recorded and shown on the health page; the next night tries again.
@shared_task(name="backups.backup_nightly", soft_time_limit=3 * 60 * 60, time_limit=3 * 60 * 60 + 300)
def backup_nightly_task() -> dict:
    run = backup_take(trigger=BackupTrigger.BEAT)
    if run.status != BackupStatus.OK:
        logger.error("nightly backup failed: %s", run.error)
    return {"run": run.pk, "status": run.status, "database_file": run.database_file, "error": run.error}
