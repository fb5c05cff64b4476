"""Imports of the billing system's files: one job per file."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import Division
from core.models import Source
from core.money import format_count
from imports.pipeline.reader import ImportResult


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
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.WEB)
    dry_run = models.BooleanField(_("dry run"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    task_id = models.CharField(_("task"), max_length=50, blank=True,
                               help_text=_("the Celery task; its state carries progress"))
    rows_total = models.PositiveIntegerField(_("rows in the file"), null=True)
    rows_done = models.PositiveIntegerField(_("rows read"), default=0)
    summary = models.TextField(_("summary"), blank=True)  # as written when it finished (the command line's language)
    # rows/created/updated/unchanged of a finished import: its summary is shown in the reader's language.
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    # Every problem of a failed import, also those past the first 1,000 listed in `errors`, and the lines they
    # are on: a line with three bad values is one line with three problems.
    problems = models.PositiveIntegerField(_("problems"), default=0)
    bad_lines = models.PositiveIntegerField(_("lines with problems"), null=True, blank=True,
                                            help_text=_("none for a job that failed before lines were counted"))
    # The language its errors and summary are written in: the uploader's choice, else their request's.
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, blank=True,
                                   on_delete=models.PROTECT,
                                   related_name="+", help_text=_("none for the command line"))
    division = models.ForeignKey(Division, verbose_name=_("division"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+",
                                 help_text=_("the uploader's division (none for HQ and IT)"))
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        # Made by arrears' migrations; the model moved to this app, its table stayed (raw SQL names it).
        db_table = "arrears_importjob"
        ordering = ["-created_at"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_kind_display()})"

    def summary_text(self) -> str:
        """The outcome in the page's language, digits grouped the Indian way."""
        if self.status == ImportStatus.DONE and self.counts:
            return ImportResult(**self.counts, dry_run=self.dry_run).summary()
        if self.status == ImportStatus.FAILED and self.problems:
            return _("%(problems)s; nothing was written") % {"problems": self.problems_text()}
        return self.summary

    def problems_text(self) -> str:
        """"3 lines with problems, 7 problems" (a job that failed before lines were counted: "7 problems")."""
        problems = ngettext("%(count)s problem", "%(count)s problems", self.problems) % {
            "count": format_count(self.problems)}
        if self.bad_lines is None:
            return problems
        lines = ngettext("%(count)s line with problems", "%(count)s lines with problems", self.bad_lines) % {
            "count": format_count(self.bad_lines)}
        return _("%(lines)s, %(problems)s") % {"lines": lines, "problems": problems}
