from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Division
from core.models import MONEY, History, Source


class Target(models.Model):
    """A division's revenue target for one month (targets.csv: division_code,month,target).

    ``month`` is the month's first day. The summary prorates it over a range: each month's
    target times the share of that month's days inside the range (reports.selectors).
    """

    division = models.ForeignKey(Division, verbose_name=_("division"), on_delete=models.PROTECT,
                                 related_name="targets", db_index=False)
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    amount = models.DecimalField(_("revenue target"), **MONEY)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.WEB)
    history = History()

    class Meta:
        ordering = ["division__code", "-month"]
        verbose_name = _("revenue target")
        verbose_name_plural = _("revenue targets")
        constraints = [
            models.UniqueConstraint(fields=["division", "month"], name="target_division_month_unique"),
            models.CheckConstraint(name="target_amount_not_negative", condition=Q(amount__gte=0)),
            models.CheckConstraint(name="target_month_first_day", condition=Q(month__day=1)),
        ]

    def __str__(self) -> str:
        return f"{self.division.code} {self.month:%Y-%m}"


class EventDay(models.Model):
    """The field's day book: each division's notices served, disconnections, payments on the spot and
    reconnections done on one day (India time), kept by the database as those rows are written, whatever
    writes them (the triggers of migrations reports 0002 and 0005; each event counts for the division
    written on it, its consumer's when it was recorded: arrears.models.CountedForDivision). The summary
    reads a range from here, at most divisions × days rows, not the event tables joined to a million
    consumers. ``event_days_mismatches`` (reports.selectors) recounts it."""

    division = models.ForeignKey(Division, verbose_name=_("division"), on_delete=models.PROTECT,
                                 related_name="+", db_index=False)
    day = models.DateField(_("day"))
    notices_served = models.BigIntegerField(_("notices served"), default=0)
    disconnections = models.BigIntegerField(_("disconnections"), default=0)
    paid_on_spot_count = models.BigIntegerField(_("paid on the spot"), default=0)
    paid_on_spot_amount = models.DecimalField(_("paid on the spot (₹)"), max_digits=18, decimal_places=2, default=0)
    reconnections = models.BigIntegerField(_("reconnections"), default=0)

    class Meta:
        verbose_name = _("event day")
        verbose_name_plural = _("event days")
        constraints = [models.UniqueConstraint(fields=["division", "day"], name="eventday_division_day")]
        indexes = [models.Index(fields=["day"], name="eventday_day")]

    def __str__(self) -> str:
        return f"{self.division_id} {self.day}"


class DailySummarySend(models.Model):
    """One sending of the daily summary e-mail that went through (reports.emails.daily_summary_send): the
    worker's heartbeat on the health page, where a summary that stopped going out at 07:00 shows."""

    day = models.DateField(_("summary of"))
    sent_at = models.DateTimeField(_("sent at"))
    recipients = models.PositiveIntegerField(_("recipients"))
    sent = models.PositiveIntegerField(_("messages sent"))

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("daily summary sent")
        verbose_name_plural = _("daily summaries sent")
        # The health page asks for the last one that reached anybody.
        indexes = [models.Index(fields=["-sent_at"], name="dailysummarysend_sent_at")]

    def __str__(self) -> str:
        return f"{self.day} {self.sent}/{self.recipients}"
