"""Imports of the billing system's files: one job per file."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Division
from core.models import Source


class ImportKind(models.TextChoices):
    DIVISIONS = "divisions", _("divisions")
    CONSUMERS = "consumers", _("consumers")
    LEDGER = "ledger", _("ledger")
    # Imported by reports, which owns the model (imports.pipeline.registry).
    TARGETS = "targets", _("revenue targets")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class ImportJob(models.Model):
    """One import of a CSV file: an upload (run by a Celery task, its page polls the
    progress) or a command. Who imported what, when, and with what result."""

    kind = models.CharField(_("kind"), max_length=10, choices=ImportKind.choices)
    file = models.FileField(upload_to="imports/%Y/%m/", blank=True)
    original_name = models.CharField(max_length=255)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.WEB)
    dry_run = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    task_id = models.CharField(max_length=50, blank=True, help_text="the Celery task; its state carries progress")
    rows_total = models.PositiveIntegerField(null=True)
    rows_done = models.PositiveIntegerField(default=0)
    summary = models.TextField(blank=True)
    errors = models.JSONField(default=list, blank=True)
    # Every bad row of a failed import, also those past the first 1,000 listed in `errors`.
    bad_rows = models.PositiveIntegerField(_("bad rows"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", help_text="none for the command line")
    division = models.ForeignKey(Division, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 help_text="the uploader's division (none for HQ and IT)")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # Made by arrears' migrations; the model moved to this app, its table stayed (raw SQL names it).
        db_table = "arrears_importjob"
        ordering = ["-created_at"]
