"""Settlements: OTS schemes held as data, registrations into them, instalment plans and promises to pay.

A scheme (UPPCL's एकमुश्त समाधान योजना, run almost every year) is rows, not code: its dates, the dues
cut-off, its phases, who may join (``SchemeRule``: rate schedules, sanctioned load, principal, connection)
and, per phase and plan, the terms (``SchemeTerm``: surcharge waiver %, principal rebate %, deposit,
instalments). A registration (``Settlement``) fixes the consumer's principal and surcharge as of the
cut-off, the waiver and rebate, what is to be paid and when (``Instalment`` rows, number 0 the deposit).
A plan granted by an officer outside any scheme is a ``Settlement`` of kind ``plan`` (no waiver). A
``Promise`` is a consumer's word to pay an amount by a date.

While a settlement is live (its instalments kept) or a promise is open, the consumer is not cut
(drives consult ``settlements.selectors``); the defaulter list still lists them, marked.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import Division
from arrears.models import Consumer, CountedForDivision, LedgerEntry
from core.models import MONEY, CodeField, History

PERCENT = {"max_digits": 5, "decimal_places": 2}


class PlanKind(models.TextChoices):
    LUMP_SUM = "lump_sum", _("lump sum")
    INSTALMENTS = "instalments", _("instalments")
    FIXED_INSTALMENTS = "fixed_instalments", _("fixed-amount instalments")


class Connection(models.TextChoices):
    ANY = "any", _("connected or disconnected")
    CONNECTED = "connected", _("connected")
    DISCONNECTED = "disconnected", _("permanently disconnected")


class Conditions(models.Model):
    """Bounds a consumer must meet, shared by a scheme's eligibility rules and its terms. Empty: any."""

    categories = models.JSONField(_("rate schedules"), default=list, blank=True,
                                  help_text=_("e.g. [\"LMV-1\", \"LMV-2\"]; empty: any"))
    load_min_kw = models.DecimalField(_("sanctioned load above (kW)"), max_digits=10, decimal_places=2,
                                      null=True, blank=True)
    load_max_kw = models.DecimalField(_("sanctioned load up to (kW)"), max_digits=10, decimal_places=2,
                                      null=True, blank=True)
    principal_min = models.DecimalField(_("principal above (₹)"), null=True, blank=True, **MONEY,
                                        help_text=_("strictly more than this"))
    principal_max = models.DecimalField(_("principal up to (₹)"), null=True, blank=True, **MONEY)
    connection = models.CharField(_("connection"), max_length=12, choices=Connection.choices, default=Connection.ANY)

    class Meta:
        abstract = True


class Scheme(models.Model):
    code = CodeField(_("code"), max_length=30, unique=True, help_text=_("e.g. OTS-2024-25"))
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_hi = models.CharField(_("name (Hindi)"), max_length=200)
    starts_on = models.DateField(_("registration from"))
    ends_on = models.DateField(_("registration until"))
    dues_cutoff = models.DateField(
        _("dues counted up to"),
        help_text=_("principal and surcharge are the arrears as of this date (dues fallen due before it, less "
                    "credits on or before it); before the scheme opens"))
    instalment_months = models.PositiveSmallIntegerField(
        _("months between instalments"), default=1)
    lump_sum_days = models.PositiveSmallIntegerField(
        _("days to pay a lump sum"), default=30, help_text=_("after registration, for what the deposit leaves"))
    is_active = models.BooleanField(_("open for registration"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = History(excluded_fields=["created_at"])

    class Meta:
        ordering = ["-starts_on", "code"]
        verbose_name = _("settlement scheme")
        verbose_name_plural = _("settlement schemes")
        constraints = [
            models.CheckConstraint(name="scheme_dates_in_order", condition=Q(starts_on__lte=models.F("ends_on"))),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_hi if (get_language() or "").startswith("hi") else self.name_en


class SchemePhase(models.Model):
    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="phases")
    number = models.PositiveSmallIntegerField(_("phase"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))

    class Meta:
        ordering = ["scheme", "number"]
        verbose_name = _("scheme phase")
        verbose_name_plural = _("scheme phases")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "number"], name="scheme_phase_unique"),
            models.CheckConstraint(name="phase_dates_in_order", condition=Q(starts_on__lte=models.F("ends_on"))),
        ]

    def __str__(self) -> str:
        return f"{self.scheme.code} · {self.number}"


class SchemeRule(Conditions):
    """Who may join: a consumer meeting every bound of any one rule of the scheme."""

    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="rules")

    class Meta:
        ordering = ["scheme", "id"]
        verbose_name = _("eligibility rule")
        verbose_name_plural = _("eligibility rules")

    def __str__(self) -> str:
        return f"{self.scheme.code} · {', '.join(self.categories) or '*'}"


class SchemeTerm(Conditions):
    """What a plan of a phase gives: the first term (by position) of the phase and plan whose bounds the
    consumer meets applies. No phase: every phase of the scheme."""

    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="terms")
    phase = models.ForeignKey(SchemePhase, verbose_name=_("phase"), on_delete=models.CASCADE, related_name="terms",
                              null=True, blank=True)
    plan = models.CharField(_("plan"), max_length=20, choices=PlanKind.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    surcharge_waiver_pct = models.DecimalField(_("surcharge waived (%)"), default=0, **PERCENT)
    principal_rebate_pct = models.DecimalField(_("principal rebate (%)"), default=0, **PERCENT)
    instalments = models.PositiveSmallIntegerField(_("instalments"), null=True, blank=True,
                                                   help_text=_("for a plan of N instalments"))
    instalment_amount = models.DecimalField(_("instalment (₹)"), null=True, blank=True, **MONEY,
                                            help_text=_("for fixed-amount instalments"))
    deposit_pct = models.DecimalField(_("registration deposit (% of principal)"), null=True, blank=True, **PERCENT)
    deposit_fixed = models.DecimalField(_("registration deposit (₹)"), null=True, blank=True, **MONEY)

    class Meta:
        ordering = ["scheme", "phase__number", "plan", "position", "id"]
        verbose_name = _("scheme term")
        verbose_name_plural = _("scheme terms")
        constraints = [
            models.CheckConstraint(name="term_percentages_bounded", condition=(
                Q(surcharge_waiver_pct__gte=0, surcharge_waiver_pct__lte=100)
                & Q(principal_rebate_pct__gte=0, principal_rebate_pct__lte=100)
                & (Q(deposit_pct__isnull=True) | Q(deposit_pct__gte=0, deposit_pct__lte=100)))),
            models.CheckConstraint(name="term_plan_shape", condition=(
                Q(plan=PlanKind.LUMP_SUM)
                | Q(plan=PlanKind.INSTALMENTS, instalments__gte=1)
                | Q(plan=PlanKind.FIXED_INSTALMENTS, instalment_amount__gt=0))),
        ]

    def __str__(self) -> str:
        return f"{self.scheme.code} {self.phase.number if self.phase else '*'} {self.get_plan_display()}"


class SchemeTarget(models.Model):
    """Registrations (count) and collections (₹) a division is asked to reach under a scheme."""

    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="targets")
    division = models.ForeignKey(Division, verbose_name=_("division"), on_delete=models.PROTECT, related_name="+")
    registrations = models.PositiveIntegerField(_("registrations"), default=0)
    amount = models.DecimalField(_("amount to collect"), default=0, **MONEY)

    class Meta:
        verbose_name = _("scheme target")
        verbose_name_plural = _("scheme targets")
        constraints = [models.UniqueConstraint(fields=["scheme", "division"], name="scheme_target_unique")]

    def __str__(self) -> str:
        return f"{self.scheme.code} · {self.division.code}"


class SettlementKind(models.TextChoices):
    SCHEME = "scheme", _("settlement scheme")
    PLAN = "plan", _("instalment plan")


class SettlementStatus(models.TextChoices):
    LIVE = "live", _("live")
    COMPLETED = "completed", _("completed")
    DEFAULTED = "defaulted", _("defaulted")
    CANCELLED = "cancelled", _("cancelled")


class Settlement(CountedForDivision):
    """A consumer's registration into a scheme, or an instalment plan an officer granted."""

    reference = CodeField(_("reference"), max_length=30, unique=True)
    consumer = models.ForeignKey(Consumer, verbose_name=_("consumer"), on_delete=models.PROTECT,
                                 related_name="settlements")
    kind = models.CharField(_("kind"), max_length=10, choices=SettlementKind.choices)
    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.PROTECT, null=True, blank=True,
                               related_name="settlements")
    phase = models.ForeignKey(SchemePhase, verbose_name=_("phase"), on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+")
    term = models.ForeignKey(SchemeTerm, verbose_name=_("term"), on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+")
    plan = models.CharField(_("plan"), max_length=20, choices=PlanKind.choices)
    dues_cutoff = models.DateField(_("dues counted up to"))
    principal = models.DecimalField(_("principal"), **MONEY)
    surcharge = models.DecimalField(_("surcharge"), **MONEY)
    waiver = models.DecimalField(_("surcharge waived"), default=0, **MONEY)
    rebate = models.DecimalField(_("principal rebate"), default=0, **MONEY)
    payable = models.DecimalField(_("to pay"), **MONEY)
    deposit = models.DecimalField(_("registration deposit"), default=0, **MONEY)
    deposit_receipt_no = CodeField(_("deposit receipt no."), max_length=40, blank=True)
    deposit_entry = models.OneToOneField(LedgerEntry, verbose_name=_("deposit payment"), on_delete=models.PROTECT,
                                         null=True, blank=True, related_name="+")
    paid = models.DecimalField(_("paid towards it"), default=0, **MONEY)
    status = models.CharField(_("status"), max_length=10, choices=SettlementStatus.choices,
                              default=SettlementStatus.LIVE)
    reason = models.TextField(_("reason"), blank=True)
    registered_at = models.DateTimeField(_("registered at"))
    # Credits towards it: its deposit and every credit on the consumer's ledger above this id (the consumer's
    # last entry when it was registered, read under the consumer's lock): the ledger's own order, not a
    # comparison of the app's clock with the database's.
    ledger_after = models.BigIntegerField(_("counts ledger entries after"), default=0, editable=False)
    # And up to this id once it is closed (completed, defaulted): the consumer's last entry then, so what was
    # collected under it is read in the ledger's order too, never by the database's stamps against the app's clock.
    ledger_upto = models.BigIntegerField(_("counts ledger entries up to"), null=True, blank=True, editable=False)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("registered by"),
                                      on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(_("completed or defaulted at"), null=True, blank=True)
    credit_entry = models.OneToOneField(LedgerEntry, verbose_name=_("waiver and rebate credit"),
                                        on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    history = History()

    class Meta:
        ordering = ["-registered_at", "-id"]
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")
        indexes = [
            models.Index(fields=["division", "status", "-registered_at"], name="settlement_division_status"),
            models.Index(fields=["consumer", "status"], name="settlement_consumer_status"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["consumer"], condition=Q(status="live"), name="settlement_one_live"),
            models.CheckConstraint(name="settlement_scheme_shape", condition=(
                Q(kind="scheme", scheme__isnull=False) | Q(kind="plan", scheme__isnull=True))),
            models.CheckConstraint(name="settlement_amounts", condition=(
                Q(principal__gte=0, surcharge__gte=0, waiver__gte=0, rebate__gte=0, deposit__gte=0, paid__gte=0,
                  payable__gte=0))),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def outstanding(self):
        return max(self.payable - self.paid, 0)


class Instalment(models.Model):
    """One due amount of a settlement's schedule; number 0 is the registration deposit."""

    settlement = models.ForeignKey(Settlement, verbose_name=_("settlement"), on_delete=models.CASCADE,
                                   related_name="instalments")
    number = models.PositiveSmallIntegerField(_("no."))
    due_on = models.DateField(_("due on"))
    amount = models.DecimalField(_("amount"), **MONEY)
    paid = models.DecimalField(_("paid"), default=0, **MONEY)
    paid_on = models.DateField(_("paid in full on"), null=True, blank=True)

    class Meta:
        ordering = ["settlement", "number"]
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        constraints = [
            models.UniqueConstraint(fields=["settlement", "number"], name="instalment_unique"),
            models.CheckConstraint(name="instalment_amounts", condition=Q(amount__gt=0, paid__gte=0)),
        ]
        indexes = [models.Index(fields=["due_on"], name="instalment_due_unpaid", condition=Q(paid_on__isnull=True))]

    def __str__(self) -> str:
        return f"{self.settlement.reference} #{self.number}"


class PromiseStatus(models.TextChoices):
    OPEN = "open", _("open")
    KEPT = "kept", _("kept")
    BROKEN = "broken", _("broken")


class Promise(CountedForDivision):
    """A consumer's promise to pay ``amount`` by ``due_on``, recorded by an officer with a reason."""

    consumer = models.ForeignKey(Consumer, verbose_name=_("consumer"), on_delete=models.PROTECT,
                                 related_name="promises")
    amount = models.DecimalField(_("amount"), **MONEY)
    due_on = models.DateField(_("to pay by"))
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=PromiseStatus.choices, default=PromiseStatus.OPEN)
    paid = models.DecimalField(_("paid since"), default=0, **MONEY)
    created_at = models.DateTimeField(_("recorded at"))
    # As Settlement.ledger_after: the credits above this ledger id count towards the promise.
    ledger_after = models.BigIntegerField(_("counts ledger entries after"), default=0, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                   on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(_("kept or broken at"), null=True, blank=True)

    history = History()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("promise to pay")
        verbose_name_plural = _("promises to pay")
        indexes = [models.Index(fields=["division", "status", "due_on"], name="promise_division_status")]
        constraints = [
            models.UniqueConstraint(fields=["consumer"], condition=Q(status="open"), name="promise_one_open"),
            models.CheckConstraint(name="promise_amount_positive", condition=Q(amount__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.consumer.account_no} ₹{self.amount} {self.due_on}"


class ApplyMark(models.Model):
    """The ledger id up to which the nightly check (settlements_apply_all) has applied every credit: the next night
    reads only the credits above it (an import's, which announce no consumer). One row; none before the first
    night, which reads every live settlement's ledger."""

    ledger_id = models.BigIntegerField(_("ledger entries applied up to"))
    applied_at = models.DateTimeField(_("applied at"))

    class Meta:
        verbose_name = _("nightly apply mark")
        verbose_name_plural = _("nightly apply marks")

    def __str__(self) -> str:
        return f"{self.ledger_id} @ {self.applied_at:%Y-%m-%d %H:%M}"
