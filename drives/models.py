"""Disconnection drives: notices, drives and their stops, outcomes, disconnections,
reconnection orders, disputes and theft cases (DESIGN.md, domain rules).

Scoping: a drive belongs to a division; everything else reaches its division through
its consumer (a consumer's division may change by IT's import; the record follows it). The reports
count notices, disconnections, reconnection orders and theft cases for the division they were written in
(arrears.models.CountedForDivision; a theft case's own division), which a later move does not change.
Every row says who made it, when and through what (`Source`); rows whose status
changes keep their history (django-simple-history).
"""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.models import Division
from arrears.models import Consumer, CountedForDivision, LedgerEntry
from core.dates import india_today
from core.models import MONEY, History, Source

# Electricity Act 2003, s. 56(1): "not less than fifteen clear days" of notice. Clear days
# exclude the day of service and the day of disconnection: served 1 March, lawful from 17 March.
NOTICE_CLEAR_DAYS = 15


class NoticeMode(models.TextChoices):
    HAND = "hand", _("by hand")
    POST = "post", _("by post")
    SMS = "sms", _("SMS")
    BILL = "bill", _("on the bill")


class Notice(CountedForDivision):
    """A section 56 notice served on a consumer (recorded when served, also days later from paper)."""

    consumer = models.ForeignKey(Consumer, verbose_name=_("consumer"), on_delete=models.PROTECT,
                                 related_name="notices")
    served_on = models.DateField(_("served on"))
    mode = models.CharField(_("mode"), max_length=10, choices=NoticeMode.choices)
    amount_demanded = models.DecimalField(_("amount demanded"), **MONEY)
    # Section 56(2): the part of the arrears first due more than two years before service,
    # shown so the officer checks it was carried as arrears before demanding it.
    time_barred_amount = models.DecimalField(_("first due over two years ago"), default=0, **MONEY)
    # An officer's word for a notice recorded more than NOTICE_BACKDATE_DAYS after service or demanding less
    # than the arrears, and the proof of a back-dated service (post dispatch number, signed acknowledgement):
    # kept with the notice, since a cut rests on it (drives.notices).
    reason = models.CharField(_("reason"), max_length=200, blank=True, default="")
    proof_ref = models.CharField(_("proof of service"), max_length=100, blank=True, default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-served_on", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        constraints = [models.CheckConstraint(name="notice_amount_positive", condition=Q(amount_demanded__gt=0))]
        indexes = [
            # "Has this consumer a notice that permits a cut today?": the latest notice per consumer.
            models.Index(fields=["consumer", "-served_on"], name="notice_consumer_served"),
            # The summary counts a range's notices (reports.selectors).
            models.Index(fields=["served_on"], name="notice_served_on"),
        ]

    def __str__(self) -> str:
        return f"{self.consumer.account_no} · {date_format(self.served_on)}"

    @property
    def lawful_from(self):
        """The first day a disconnection on this notice is lawful."""
        return self.served_on + timedelta(days=NOTICE_CLEAR_DAYS + 1)


class DriveStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    IN_PROGRESS = "in_progress", _("in progress")
    CLOSED = "closed", _("closed")


class Drive(models.Model):
    """A division's disconnection drive on one day: its stops come from the division's latest list."""

    division = models.ForeignKey(Division, verbose_name=_("division"), on_delete=models.PROTECT,
                                 related_name="drives")
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=100)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("officer"), on_delete=models.PROTECT,
                                related_name="drives_led")
    clerks = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("clerks"), related_name="drives")
    status = models.CharField(_("status"), max_length=12, choices=DriveStatus.choices, default=DriveStatus.PLANNED)
    # What the stops were drawn with, kept to explain the list.
    min_arrears = models.DecimalField(_("minimum arrears"), **MONEY)
    locality = models.CharField(_("locality"), max_length=100, blank=True)
    max_stops = models.PositiveIntegerField(_("maximum stops"))
    defaulter_list = models.ForeignKey("defaulters.DefaulterList", verbose_name=_("defaulter list"), null=True,
                                       on_delete=models.SET_NULL, related_name="drives")
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    created_at = models.DateTimeField(_("planned at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    history = History(excluded_fields=["created_at"])

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("drive")
        verbose_name_plural = _("drives")
        indexes = [models.Index(fields=["division", "-date"], name="drive_division_date")]

    def __str__(self) -> str:
        return f"{self.name} ({date_format(self.date)})"


class StopStatus(models.TextChoices):
    OPEN = "open", _("open")
    DONE = "done", _("outcome logged")
    SETTLED = "settled", _("settled by a payment")
    UNVISITED = "unvisited", _("not visited (drive closed)")


class Outcome(models.TextChoices):
    DISCONNECTED = "disconnected", _("disconnected")
    PAID = "paid", _("paid on the spot")
    PREMISES_LOCKED = "premises_locked", _("premises locked")
    NOT_FOUND = "not_found", _("not found")
    REFUSED_ACCESS = "refused_access", _("refused access")
    DISPUTED = "disputed", _("disputed")
    THEFT_DETECTED = "theft_detected", _("theft detected")


class StopPayment(models.TextChoices):
    """What a payment naming a stop did to it (DESIGN.md, domain rules): ``paid`` closed it as paid on the spot
    (it brought the arrears to the threshold or below, or reached the reconnection minimum); ``part_paid`` is
    recorded on the stop, which stays open and may still be cut."""

    PAID = "paid", _("paid on the spot")
    PART_PAID = "part_paid", _("part-paid")


class DisconnectionMethod(models.TextChoices):
    CABLE_REMOVED = "cable_removed", _("cable removed")
    METER_REMOVED = "meter_removed", _("meter removed")
    FUSE_PULLED = "fuse_pulled", _("fuse pulled")
    REMOTE = "remote", _("remote")


class Stop(models.Model):
    """One consumer on a drive, assigned to a clerk, in the order the clerk walks."""

    drive = models.ForeignKey(Drive, verbose_name=_("drive"), on_delete=models.CASCADE, related_name="stops")
    consumer = models.ForeignKey(Consumer, verbose_name=_("consumer"), on_delete=models.PROTECT,
                                 related_name="stops")
    clerk = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("clerk"), on_delete=models.PROTECT,
                              related_name="stops")
    sequence = models.PositiveIntegerField(_("order"))
    locality = models.CharField(_("locality"), max_length=100, blank=True)
    # As planned (from the list); the consumer's live arrears are on the consumer.
    arrears = models.DecimalField(_("arrears when planned"), **MONEY)
    rank = models.PositiveIntegerField(_("rank"))
    time_barred_amount = models.DecimalField(_("first due over two years ago"), default=0, **MONEY)
    status = models.CharField(_("status"), max_length=10, choices=StopStatus.choices, default=StopStatus.OPEN)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    method = models.CharField(_("method"), max_length=20, choices=DisconnectionMethod.choices, blank=True)
    outcome_at = models.DateTimeField(_("logged at"), null=True, blank=True)
    outcome_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("logged by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    outcome_source = models.CharField(_("source"), max_length=10, choices=Source.choices, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    # Re-encoded by drives.photos (a JPEG under a random name, no metadata); what its EXIF said is kept below.
    photo = models.FileField(_("photo"), upload_to="stops/%Y/%m/", blank=True)
    photo_sha256 = models.CharField(_("photo's SHA-256 as uploaded"), max_length=64, blank=True)
    photo_taken_at = models.DateTimeField(_("photo taken at (camera)"), null=True, blank=True)
    photo_latitude = models.DecimalField(_("photo's latitude (camera)"), max_digits=9, decimal_places=6, null=True,
                                         blank=True)
    photo_longitude = models.DecimalField(_("photo's longitude (camera)"), max_digits=9, decimal_places=6, null=True,
                                          blank=True)
    notes = models.TextField(_("notes"), blank=True)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    # Money taken at this stop: every payment naming it (drives.reconnections.stop_payment_log), a part
    # payment too, so the drive's figures and the clerk's list read the stop, never the payments.
    paid_amount = models.DecimalField(_("paid at the stop"), default=0, **MONEY)
    payments_count = models.PositiveIntegerField(_("payments at the stop"), default=0)
    # The photo is written once, with the outcome (whose change the history keeps), and never changed.
    history = History(excluded_fields=["photo", "photo_sha256", "photo_taken_at", "photo_latitude",
                                       "photo_longitude"])

    class Meta:
        ordering = ["drive", "clerk", "sequence"]
        verbose_name = _("stop")
        verbose_name_plural = _("stops")
        constraints = [
            models.UniqueConstraint(fields=["drive", "consumer"], name="stop_drive_consumer_unique"),
            # A clerk's stops in walking order: the clerk's page reads this index.
            models.UniqueConstraint(fields=["drive", "clerk", "sequence"], name="stop_drive_clerk_sequence_unique"),
            # A consumer is on at most one open stop at a time (drive_plan skips those already on one; a
            # closed drive's stops are no longer open: drive_close marks them unvisited).
            models.UniqueConstraint(fields=["consumer"], condition=Q(status="open"),
                                    name="stop_one_open_per_consumer"),
        ]
        indexes = [
            # A payment settles the consumer's open stops (drives.services.stops_settle).
            models.Index(fields=["consumer", "status"], name="stop_consumer_status"),
            # A photo is served by its name (drives.photo_views): found by it, among the few stops that have one.
            models.Index(fields=["photo"], name="stop_photo", condition=~Q(photo="")),
        ]

    def __str__(self) -> str:
        return f"{self.drive_id}/{self.sequence} · {self.consumer.account_no}"

    @property
    def part_paid(self) -> bool:
        """Open, with money taken here that was not enough to close it as paid: it may still be cut."""
        return self.status == StopStatus.OPEN and self.payments_count > 0


class Disconnection(CountedForDivision):
    """A connection cut: in the field at a stop, or recorded by an officer."""

    consumer = models.ForeignKey(Consumer, verbose_name=_("consumer"), on_delete=models.PROTECT,
                                 related_name="disconnections")
    stop = models.OneToOneField(Stop, verbose_name=_("stop"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="disconnection")
    notice = models.ForeignKey(Notice, verbose_name=_("notice"), on_delete=models.PROTECT, related_name="+")
    method = models.CharField(_("method"), max_length=20, choices=DisconnectionMethod.choices)
    disconnected_at = models.DateTimeField(_("disconnected at"))
    # The reconnection minimum is a share of this (RECONNECTION_MIN_SHARE).
    arrears_at_disconnection = models.DecimalField(_("arrears when cut"), **MONEY)
    charge = models.OneToOneField(LedgerEntry, verbose_name=_("charge"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT,
                           related_name="+")
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)

    class Meta:
        ordering = ["-disconnected_at", "-id"]
        verbose_name = _("disconnection")
        verbose_name_plural = _("disconnections")
        indexes = [models.Index(fields=["consumer", "-disconnected_at"], name="disconnection_consumer_at"),
                   models.Index(fields=["disconnected_at"], name="disconnection_at")]  # the summary's range

    def __str__(self) -> str:
        return f"{self.consumer.account_no} · {date_format(timezone.localtime(self.disconnected_at))}"


class ReconnectionStatus(models.TextChoices):
    OPEN = "open", _("open")
    DONE = "done", _("done")


class ReconnectionOrder(CountedForDivision):
    """An order to restore a connection, made the moment a disconnected consumer pays enough."""

    consumer = models.ForeignKey(Consumer, verbose_name=_("consumer"), on_delete=models.PROTECT,
                                 related_name="reconnection_orders")
    disconnection = models.OneToOneField(Disconnection, verbose_name=_("disconnection"), on_delete=models.PROTECT,
                                         related_name="reconnection_order")
    ordered_at = models.DateTimeField(_("ordered at"))
    due_at = models.DateTimeField(_("due by"))
    minimum = models.DecimalField(_("reconnection minimum"), **MONEY)
    paid = models.DecimalField(_("paid since the cut"), **MONEY)
    # An officer may approve a reconnection on less than the minimum, with a reason.
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved below the minimum by"),
                                    null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    approval_reason = models.CharField(_("reason for the approval"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ReconnectionStatus.choices,
                              default=ReconnectionStatus.OPEN)
    done_at = models.DateTimeField(_("reconnected at"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reconnected by"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(_("notes"), blank=True)
    charge = models.OneToOneField(LedgerEntry, verbose_name=_("charge"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    history = History()

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("reconnection order")
        verbose_name_plural = _("reconnection orders")
        # Open and overdue orders: the dashboard and `GET reconnections/?status=` read this.
        indexes = [models.Index(fields=["status", "due_at"], name="reconnection_status_due"),
                   models.Index(fields=["done_at"], name="reconnection_done_at",
                                condition=Q(done_at__isnull=False))]  # the summary's range

    def __str__(self) -> str:
        return f"{self.consumer.account_no} · {self.get_status_display()}"


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("open")
    RESOLVED = "resolved", _("resolved")


class Dispute(models.Model):
    """A bill disputed by the consumer. Section 56(1): while it is pending and the deposit under protest
    is made, the connection may not be cut."""

    consumer = models.ForeignKey(Consumer, verbose_name=_("consumer"), on_delete=models.PROTECT,
                                 related_name="disputes")
    raised_on = models.DateField(_("raised on"))
    amount_disputed = models.DecimalField(_("amount disputed"), **MONEY)
    # The total of its deposits (DisputeDeposit rows, each a recorded payment of the consumer), kept
    # here under the consumer's lock as each is added, so a cut's check reads one row.
    deposit_amount = models.DecimalField(_("deposit under protest"), default=0, **MONEY)
    # The receipt number of the first deposit.
    deposit_receipt_no = models.CharField(_("deposit receipt no."), max_length=40, blank=True)
    # The deposit the law asks for (the lesser of the sum claimed and the mean of the consumer's
    # last six bills before it was raised), worked out when the dispute was recorded.
    deposit_required = models.DecimalField(_("deposit required"), **MONEY)
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.OPEN)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    on_delete=models.PROTECT, related_name="+")
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("resolved by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    history = History()

    class Meta:
        ordering = ["-raised_on", "-id"]
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        indexes = [models.Index(fields=["consumer", "status"], name="dispute_consumer_status")]

    def __str__(self) -> str:
        return f"{self.consumer.account_no} · {date_format(self.raised_on)} · {self.get_status_display()}"

    @property
    def holds_disconnection(self) -> bool:
        # A requirement of nothing (no bill before it was raised) is no deposit under protest: it never holds.
        return (self.status == DisputeStatus.OPEN and self.deposit_required > 0
                and self.deposit_amount >= self.deposit_required)


class DisputeDeposit(models.Model):
    """A payment of the consumer counted as (part of) a dispute's deposit under protest. The money is the
    ledger's PAYMENT entry (whoever recorded it: counter, field or the billing system's import); this row
    only says which dispute it backs. One payment backs at most one dispute."""

    dispute = models.ForeignKey(Dispute, verbose_name=_("dispute"), on_delete=models.PROTECT,
                                related_name="deposits")
    ledger_entry = models.OneToOneField(LedgerEntry, verbose_name=_("payment"), on_delete=models.PROTECT,
                                        related_name="+")
    amount = models.DecimalField(_("amount"), **MONEY)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("added by"), on_delete=models.PROTECT,
                                 related_name="+")
    added_at = models.DateTimeField(_("added at"), default=timezone.now)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)

    class Meta:
        ordering = ["dispute", "added_at", "id"]
        verbose_name = _("dispute deposit")
        verbose_name_plural = _("dispute deposits")
        constraints = [models.CheckConstraint(name="dispute_deposit_amount_positive", condition=Q(amount__gt=0))]

    def __str__(self) -> str:
        return f"{self.ledger_entry.reference} · {self.amount}"


class TheftStatus(models.TextChoices):
    """A theft case's life: reported (from the field) → assessed (the sum on the ledger) → FIR lodged → settled
    (paid, or closed by the officer) or in court. An FIR may come before the assessment."""

    REPORTED = "reported", _("reported")
    ASSESSED = "assessed", _("assessed")
    FIR_LODGED = "fir_lodged", _("FIR lodged")
    SETTLED = "settled", _("settled")
    IN_COURT = "in_court", _("in court")


THEFT_OPEN_STATUSES = (TheftStatus.REPORTED, TheftStatus.ASSESSED, TheftStatus.FIR_LODGED)


class TheftFinding(models.TextChoices):
    """What the inspection found."""

    DIRECT_HOOKING = "direct_hooking", _("direct hooking")
    METER_BYPASS = "meter_bypass", _("meter bypass")
    METER_TAMPERING = "meter_tampering", _("meter tampering")
    OTHER = "other", _("other")


class MeterSeal(models.TextChoices):
    INTACT = "intact", _("intact")
    BROKEN = "broken", _("broken")
    MISSING = "missing", _("missing")


class TheftSection(models.IntegerChoices):
    """Electricity Act 2003: s. 126 unauthorised use (assessed by the assessing officer), s. 135 theft."""

    S126 = 126, _("section 126 (unauthorised use)")
    S135 = 135, _("section 135 (theft)")


class TheftCase(models.Model):
    """Power theft found in the field (Electricity Act 2003, s. 126/135): what the inspection found, the
    assessment put on the consumer's ledger, the FIR, how it ended (drives.theft).

    ``division`` is the consumer's when the case was reported and never changes: the case counts there (the
    list, the MD's summary) even if the consumer is later moved to another division."""

    consumer = models.ForeignKey(Consumer, verbose_name=_("consumer"), on_delete=models.PROTECT,
                                 related_name="theft_cases")
    division = models.ForeignKey(Division, verbose_name=_("division"), on_delete=models.PROTECT,
                                 related_name="theft_cases")
    stop = models.OneToOneField(Stop, verbose_name=_("stop"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="theft_case")
    status = models.CharField(_("status"), max_length=12, choices=TheftStatus.choices, default=TheftStatus.REPORTED)
    # The inspection: blank until stated (a clerk's theft_detected outcome says only what its notes say).
    found = models.CharField(_("found"), max_length=20, choices=TheftFinding.choices, blank=True)
    meter_seal = models.CharField(_("meter seal"), max_length=10, choices=MeterSeal.choices, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.PROTECT,
                                  related_name="+")
    opened_at = models.DateTimeField(_("reported at"), default=timezone.now)
    # The assessment: the sum goes on the ledger as a positive ADJUSTMENT under ``assessment_reference``.
    assessment_amount = models.DecimalField(_("amount assessed"), null=True, blank=True, **MONEY)
    section = models.PositiveSmallIntegerField(_("section"), choices=TheftSection.choices, null=True, blank=True)
    assessed_on = models.DateField(_("assessed on"), null=True, blank=True)
    assessment_reference = models.CharField(_("assessment reference"), max_length=40, blank=True)
    assessment_entry = models.OneToOneField(LedgerEntry, verbose_name=_("ledger entry"), null=True, blank=True,
                                            on_delete=models.PROTECT, related_name="+")
    fir_number = models.CharField(_("FIR no."), max_length=40, blank=True)
    police_station = models.CharField(_("police station"), max_length=100, blank=True)
    fir_lodged_on = models.DateField(_("FIR lodged on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closing_note = models.TextField(_("closing note"), blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    history = History()

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("theft case")
        verbose_name_plural = _("theft cases")
        constraints = [models.CheckConstraint(name="theft_assessment_positive",
                                              condition=Q(assessment_amount__isnull=True)
                                              | Q(assessment_amount__gt=0))]
        indexes = [
            # The division's list, by status, newest first (drives.theft_views): a page read off this index.
            models.Index(fields=["division", "status", "-opened_at"], name="theft_division_status_opened"),
            # The MD's summary: cases found and assessed in a range (reports.selectors).
            models.Index(fields=["opened_at"], name="theft_opened_at"),
            models.Index(fields=["assessed_on"], name="theft_assessed_on", condition=Q(assessed_on__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.consumer.account_no} · {self.get_status_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in THEFT_OPEN_STATUSES

    @property
    def age_days(self) -> int:
        """Days since it was reported (India time): to today while open, to the day it was closed after."""
        end = self.closed_on or india_today()
        return (end - timezone.localdate(self.opened_at)).days


class HandoverKind(models.TextChoices):
    OUTCOME = "outcome", _("outcome")
    PAYMENT = "payment", _("payment")
    RECONNECTION = "reconnection", _("reconnection")


class HandoverStatus(models.TextChoices):
    OPEN = "open", _("open")
    RESOLVED = "resolved", _("resolved")


class FieldHandover(models.Model):
    """A record the field app could not send (the server refused it: a duplicate receipt, a closed drive, a rule),
    handed over by the clerk to the officer with a note, so nothing done in the field is lost
    (drives.handovers). The refused request is kept as it was sent; the officer resolves the handover."""

    # The refused record's idempotency key: one handover per record of the user's.
    key = models.UUIDField(_("key"))
    kind = models.CharField(_("kind"), max_length=15, choices=HandoverKind.choices)
    consumer = models.ForeignKey(Consumer, verbose_name=_("consumer"), on_delete=models.PROTECT,
                                 related_name="handovers")
    stop = models.ForeignKey(Stop, verbose_name=_("stop"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="handovers")
    payload = models.JSONField(_("refused request"))
    refusal_code = models.CharField(_("refusal code"), max_length=50, blank=True)
    refusal_detail = models.CharField(_("refusal"), max_length=500, blank=True)
    notes = models.TextField(_("clerk's notes"))
    at = models.DateTimeField(_("happened at"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("handed over by"), on_delete=models.PROTECT,
                           related_name="+")
    created_at = models.DateTimeField(_("handed over at"), auto_now_add=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    status = models.CharField(_("status"), max_length=10, choices=HandoverStatus.choices,
                              default=HandoverStatus.OPEN)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("resolved by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    history = History(excluded_fields=["created_at"])

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("field handover")
        verbose_name_plural = _("field handovers")
        constraints = [models.UniqueConstraint(fields=["by", "key"], name="handover_by_key_unique")]
        # The officer's open handovers, newest first.
        indexes = [models.Index(fields=["status", "-created_at"], name="handover_status_created")]

    def __str__(self) -> str:
        return f"{self.consumer.account_no} · {self.get_kind_display()} · {self.get_status_display()}"

    @property
    def amount(self) -> Decimal | None:
        """The amount of a refused payment as it was sent; None for another kind, or one that is not an amount."""
        if self.kind != HandoverKind.PAYMENT or not isinstance(self.payload, dict):
            return None
        try:
            value = Decimal(str(self.payload.get("amount")))
        except ArithmeticError:
            return None
        return value if value.is_finite() and abs(value) < Decimal("1e12") else None
