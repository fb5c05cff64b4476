"""Reads of the backup runs, for the health page and /healthz (kesco.health checks who asks)."""

from django.db.models import QuerySet

from backups.models import BackupRun, BackupStatus


def backup_runs_recent(*, limit: int = 14) -> QuerySet[BackupRun]:
    return BackupRun.objects.order_by("-finished_at", "-id")[:limit]


def backup_last_good() -> BackupRun | None:
    # backuprun_status_finished
    return BackupRun.objects.filter(status=BackupStatus.OK).order_by("-finished_at", "-id").first()


def backup_last() -> BackupRun | None:
    return BackupRun.objects.order_by("-finished_at", "-id").first()
