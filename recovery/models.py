"""Recovery from the permanently disconnected (issue 24): the consumers whose supply stayed cut PD_AFTER_DAYS, the
Form I demand notices served on them under the U.P. Government Electrical Undertakings (Dues Recovery) Act, 1958,
and the recovery certificates (RC) sent to the collector, who recovers the dues as arrears of land revenue.

Each row counts for the division its consumer was in when it was written (arrears.models.CountedForDivision).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from arrears.models import Consumer, CountedForDivision
from core.models import MONEY, CodeField, History, Source
from drives.models import Disconnection
from payments.models import Payment


class PermanentDisconnection(CountedForDivision):
    """A consumer permanently disconnected: cut at ``disconnected_at`` and not reconnected for PD_AFTER_DAYS, marked
    by the night's task on ``marked_on``; ``ended_on`` when they were found reconnected since. The status's history
    is these rows (one per spell) and their own history (the end)."""

    consumer = models.ForeignKey(Consumer, verbose_name=_("consumer"), on_delete=models.PROTECT,
                                 related_name="permanent_disconnections")
    disconnection = models.ForeignKey(Disconnection, verbose_name=_("disconnection"), on_delete=models.PROTECT,
                                      related_name="+")
    disconnected_at = models.DateTimeField(_("disconnected at"))
    marked_on = models.DateField(_("permanently disconnected on"))
    ended_on = models.DateField(_("reconnected on"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    history = History()

    class Meta:
        ordering = ["disconnected_at", "id"]
        verbose_name = _("permanent disconnection")
        verbose_name_plural = _("permanent disconnections")
        constraints = [
            # One open spell per consumer: two runs of the night's task at once mark a consumer once.
            models.UniqueConstraint(fields=["consumer"], condition=Q(ended_on__isnull=True),
                                    name="pd_consumer_open_unique"),
        ]
        # The division's list of open spells, oldest cut first (recovery.selectors.pd_visible_to).
        indexes = [models.Index(fields=["division", "disconnected_at"], condition=Q(ended_on__isnull=True),
                                name="pd_division_open")]

    def __str__(self) -> str:
        return f"{self.consumer.account_no} · {self.marked_on:%d-%m-%Y}"


class ServiceMode(models.TextChoices):
    """How a Form I demand notice was served (the Act's modes of service)."""

    REGISTERED_POST = "registered_post", _("registered post")
    BY_HAND = "by_hand", _("by hand to the consumer or an adult of the household")
    AFFIXED = "affixed", _("fixed on the premises")


class DemandNotice(CountedForDivision):
    """A demand notice in Form I: the dues (principal and surcharge as of the day it was served) demanded of a
    permanently disconnected consumer. A legal record: written once, never changed."""

    reference = CodeField(_("reference"), max_length=30, unique=True)
    consumer = models.ForeignKey(Consumer, verbose_name=_("consumer"), on_delete=models.PROTECT,
                                 related_name="demand_notices")
    permanent_disconnection = models.ForeignKey(PermanentDisconnection, verbose_name=_("permanent disconnection"),
                                                on_delete=models.PROTECT, related_name="demand_notices")
    principal = models.DecimalField(_("principal"), **MONEY)
    surcharge = models.DecimalField(_("surcharge"), **MONEY)
    amount = models.DecimalField(_("amount demanded"), **MONEY)
    served_on = models.DateField(_("served on"))
    service_mode = models.CharField(_("service mode"), max_length=20, choices=ServiceMode.choices)
    # By hand: the adult of the household who took it, when not the consumer; by post: the dispatch number.
    served_to = models.CharField(_("received by"), max_length=100, blank=True)
    proof_ref = models.CharField(_("proof of service"), max_length=40, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT,
                                  related_name="+")
    issued_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)

    class Meta:
        ordering = ["-served_on", "-id"]
        verbose_name = _("demand notice (Form I)")
        verbose_name_plural = _("demand notices (Form I)")
        indexes = [models.Index(fields=["consumer", "-served_on"], name="demand_notice_consumer")]
        constraints = [models.CheckConstraint(name="demand_notice_amount", condition=Q(amount__gt=0))]

    def __str__(self) -> str:
        return self.reference


class RCStatus(models.TextChoices):
    SENT = "sent", _("sent to the collector")
    CITATION_ISSUED = "citation_issued", _("citation issued")
    ATTACHMENT = "attachment", _("attachment")
    RECOVERED = "recovered", _("recovered")
    PARTLY_RECOVERED = "partly_recovered", _("partly recovered")
    RETURNED = "returned", _("returned")


RC_OPEN_STATUSES = (RCStatus.SENT, RCStatus.CITATION_ISSUED, RCStatus.ATTACHMENT)
RC_CLOSED_STATUSES = (RCStatus.RECOVERED, RCStatus.PARTLY_RECOVERED, RCStatus.RETURNED)


class RecoveryCertificate(CountedForDivision):
    """A recovery certificate sent to the collector for a demand notice's dues; the tehsil issues a citation, then
    attaches, and the certificate ends recovered, partly recovered or returned. The money the collector remits is a
    payment (source ``rc``) on the consumer's ledger."""

    reference = CodeField(_("reference"), max_length=30, unique=True)
    consumer = models.ForeignKey(Consumer, verbose_name=_("consumer"), on_delete=models.PROTECT,
                                 related_name="recovery_certificates")
    demand_notice = models.OneToOneField(DemandNotice, verbose_name=_("demand notice"), on_delete=models.PROTECT,
                                         related_name="recovery_certificate")
    principal = models.DecimalField(_("principal"), **MONEY)
    surcharge = models.DecimalField(_("surcharge"), **MONEY)
    amount = models.DecimalField(_("dues certified"), **MONEY)
    status = models.CharField(_("status"), max_length=20, choices=RCStatus.choices, default=RCStatus.SENT)
    sent_on = models.DateField(_("sent on"))
    citation_on = models.DateField(_("citation issued on"), null=True, blank=True)
    attachment_on = models.DateField(_("attached on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    amount_recovered = models.DecimalField(_("amount recovered"), default=0, **MONEY)
    payment = models.OneToOneField(Payment, verbose_name=_("payment"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="recovery_certificate")
    notes = models.TextField(_("notes"), blank=True)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("raised by"), on_delete=models.PROTECT,
                                  related_name="+")
    raised_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    history = History(excluded_fields=["raised_at"])

    class Meta:
        ordering = ["-sent_on", "-id"]
        verbose_name = _("recovery certificate")
        verbose_name_plural = _("recovery certificates")
        constraints = [
            # One certificate in progress per consumer: a second would ask the tehsil for the same dues twice.
            models.UniqueConstraint(fields=["consumer"], condition=Q(status__in=RC_OPEN_STATUSES),
                                    name="rc_consumer_open_unique"),
            models.CheckConstraint(name="rc_amount_recovered", condition=Q(amount_recovered__gte=0)),
        ]
        indexes = [
            # The division's list by status, newest first (recovery.views, GET rc/).
            models.Index(fields=["division", "status", "-sent_on"], name="rc_division_status_sent"),
            # The MD's summary: RCs raised and money recovered in a range (reports.rc_figures).
            models.Index(fields=["sent_on"], name="rc_sent_on"),
            models.Index(fields=["closed_on"], name="rc_closed_on", condition=Q(closed_on__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in RC_OPEN_STATUSES
