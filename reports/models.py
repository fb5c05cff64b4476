from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Division
from core.models import MONEY, Source


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
    history = HistoricalRecords()

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
