"""Nightly defaulter lists: each division's consumers above the threshold, per day."""

from django.conf import settings
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.models import Division
from arrears.models import Consumer
from core.models import MONEY


class DefaulterTrigger(models.TextChoices):
    """What started a build of defaulter lists."""

    BEAT = "beat", _("nightly schedule")
    COMMAND = "command", _("command")
    ADMIN = "admin", _("admin")


class DefaulterRunStatus(models.TextChoices):
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class AgeBucket(models.TextChoices):
    """Age of arrears by the oldest unpaid due date (days overdue)."""

    UP_TO_90 = "0-90", _("0–90 days")
    UP_TO_180 = "91-180", _("91–180 days")
    UP_TO_365 = "181-365", _("181–365 days")
    UP_TO_2Y = "1-2y", _("1–2 years")
    OVER_2Y = "2y+", _("over 2 years")


class AccountabilityBand(models.TextChoices):
    """Who answers for a consumer's arrears (UPPCL practice), by amount."""

    JE = "je", _("junior engineer")
    SDO = "sdo", _("SDO")
    EE = "ee", _("executive engineer")
    SE = "se", _("superintending engineer")


class DefaulterRun(models.Model):
    """One attempt to build one division's list for one day: the run history the admin shows."""

    division = models.ForeignKey(Division, verbose_name=_("division"), on_delete=models.PROTECT,
                                 related_name="defaulter_runs")
    as_of = models.DateField(_("as of"))
    threshold = models.DecimalField(_("threshold"), **MONEY)
    status = models.CharField(_("status"), max_length=10, choices=DefaulterRunStatus.choices,
                              default=DefaulterRunStatus.RUNNING)
    trigger = models.CharField(_("how started"), max_length=10, choices=DefaulterTrigger.choices)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("started by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   help_text=_("none for the schedule and the command line"))
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    duration = models.DurationField(_("duration"), null=True, blank=True)
    consumer_count = models.PositiveIntegerField(_("defaulters"), null=True, blank=True)
    total_arrears = models.DecimalField(_("total arrears"), null=True, blank=True, **MONEY)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        # Made by arrears' migrations; the model moved to this app, its table stayed (raw SQL names it).
        db_table = "arrears_defaulterrun"
        ordering = ["-started_at", "-id"]
        verbose_name = _("defaulter list run")
        verbose_name_plural = _("defaulter list runs")
        indexes = [
            # The dashboard asks for each division's last run.
            models.Index(fields=["division", "-started_at"], name="defaulterrun_division_started"),
        ]

    def __str__(self) -> str:
        return f"{self.division} · {date_format(self.as_of)} · {self.get_status_display()}"


class DefaulterList(models.Model):
    """A division's consumers with arrears above the threshold on one day; one per (division, day)."""

    division = models.ForeignKey(Division, verbose_name=_("division"), on_delete=models.PROTECT,
                                 related_name="defaulter_lists")
    as_of = models.DateField(_("as of"))
    threshold = models.DecimalField(_("threshold"), **MONEY)
    built_at = models.DateTimeField(_("built at"))
    run = models.ForeignKey(DefaulterRun, verbose_name=_("run"), null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+", help_text=_("the run that built the current contents"))
    consumer_count = models.PositiveIntegerField(_("defaulters"), default=0)
    total_arrears = models.DecimalField(_("total arrears"), default=0, **MONEY)

    class Meta:
        # Made by arrears' migrations; the model moved to this app, its table stayed (raw SQL names it).
        db_table = "arrears_defaulterlist"
        ordering = ["-as_of", "division"]
        verbose_name = _("defaulter list")
        verbose_name_plural = _("defaulter lists")
        constraints = [
            # A rebuild replaces the day's list; its index also finds a division's latest list.
            models.UniqueConstraint(fields=["division", "as_of"], name="defaulterlist_division_as_of_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.division} · {date_format(self.as_of)}"


class DefaulterEntry(models.Model):
    """One consumer on a list, as they stood when it was built (name and address are a snapshot)."""

    # No index of their own: (list, rank) below serves every read, and each index costs
    # time on the nightly INSERT of every division's list. The consumer reference has no
    # database constraint: rows come from arrears_consumer itself and consumers are never deleted.
    list = models.ForeignKey(DefaulterList, verbose_name=_("list"), on_delete=models.CASCADE, related_name="entries",
                             db_index=False)
    consumer = models.ForeignKey(Consumer, verbose_name=_("consumer"), on_delete=models.DO_NOTHING, related_name="+",
                                 db_index=False, db_constraint=False)
    account_no = models.CharField(_("account no."), max_length=12)
    name = models.CharField(_("name"), max_length=200)
    address = models.TextField(_("address"), blank=True)
    arrears = models.DecimalField(_("arrears"), **MONEY)
    oldest_due_date = models.DateField(_("oldest unpaid due date"), null=True)
    days_overdue = models.PositiveIntegerField(_("days overdue"))
    age_bucket = models.CharField(_("age"), max_length=8, choices=AgeBucket.choices)
    band = models.CharField(_("accountability"), max_length=3, choices=AccountabilityBand.choices)
    rank = models.PositiveIntegerField(_("rank"))
    is_protected = models.BooleanField(_("protected"))

    class Meta:
        # Made by arrears' migrations; the model moved to this app, its table stayed (raw SQL names it).
        db_table = "arrears_defaulterentry"
        ordering = ["list", "rank"]
        verbose_name = _("defaulter list entry")
        verbose_name_plural = _("defaulter list entries")
        constraints = [
            # Pages, exports and the API read a list in rank order (and min_arrears is a prefix of it).
            models.UniqueConstraint(fields=["list", "rank"], name="defaulterentry_list_rank_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.account_no} ₹{self.arrears}"
