from django.db import models
from django.utils.translation import gettext_lazy as _


class BackupTrigger(models.TextChoices):
    BEAT = "beat", _("nightly schedule")
    COMMAND = "command", _("command")


class BackupStatus(models.TextChoices):
    OK = "ok", _("done")
    FAILED = "failed", _("failed")


class BackupRun(models.Model):
    """One backup: the database copy and the media archive it wrote (or why it failed), their sizes and
    checksums, and the manifest (row counts and money totals) the restore drill compares against.

    Written once, when the run has ended: a run killed half-way leaves no row, and /healthz calls the
    last good one stale in time (BACKUP_STALE_HOURS)."""

    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"))
    duration = models.DurationField(_("duration"))
    status = models.CharField(_("status"), max_length=10, choices=BackupStatus.choices)
    trigger = models.CharField(_("how started"), max_length=10, choices=BackupTrigger.choices)
    # File names only, in BACKUP_DIR: the directory may be mounted elsewhere on another machine.
    database_file = models.CharField(_("database file"), max_length=200, blank=True)
    database_bytes = models.BigIntegerField(_("database size (bytes)"), null=True, blank=True)
    database_sha256 = models.CharField(_("database checksum (SHA-256)"), max_length=64, blank=True)
    media_file = models.CharField(_("media file"), max_length=200, blank=True)
    media_bytes = models.BigIntegerField(_("media size (bytes)"), null=True, blank=True)
    media_sha256 = models.CharField(_("media checksum (SHA-256)"), max_length=64, blank=True)
    manifest = models.JSONField(_("manifest"), default=dict, blank=True)
    pruned = models.JSONField(_("files deleted by the retention"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-finished_at", "-id"]
        verbose_name = _("backup run")
        verbose_name_plural = _("backup runs")
        indexes = [
            # /healthz asks for the last good run on every call.
            models.Index(fields=["status", "-finished_at"], name="backuprun_status_finished"),
        ]

    def __str__(self) -> str:
        return f"{self.finished_at:%Y-%m-%d %H:%M} {self.status} {self.database_file}"
