from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Division

MONEY = {"max_digits": 14, "decimal_places": 2}


class CodeField(models.CharField):
    """A code (account number, entry kind, reference) compared byte by byte: collation "C"
    on PostgreSQL. Equality is the same under any collation; sorting and building an
    index on 20 million references is several times faster without a language's rules.
    """

    def db_parameters(self, connection):
        parameters = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            parameters["collation"] = "C"
        return parameters


account_no_validator = RegexValidator(r"^[0-9]{8,12}$", _("8 to 12 digits (leading zeros are kept)"))


class Source(models.TextChoices):
    """Through what a change came: kept on every money or status change."""

    WEB = "web", _("web")
    API = "api", _("API")
    IMPORT = "import", _("import")
    TASK = "task", _("task")
    ADMIN = "admin", _("admin")
    COMMAND = "command", _("command")


class Category(models.TextChoices):
    DOMESTIC = "domestic", _("Domestic")
    COMMERCIAL = "commercial", _("Commercial")
    INDUSTRIAL = "industrial", _("Industrial")
    INSTITUTIONAL = "institutional", _("Institutional")
    AGRICULTURAL = "agricultural", _("Agricultural")
    GOVERNMENT = "government", _("Government")


class ConnectionStatus(models.TextChoices):
    CONNECTED = "connected", _("connected")
    DISCONNECTED = "disconnected", _("disconnected")


class Consumer(models.Model):
    account_no = CodeField(_("account no."), max_length=12, unique=True, validators=[account_no_validator])
    name = models.CharField(_("name"), max_length=200)
    address = models.TextField(_("address"), blank=True)
    # No index of its own: every index below starts with the division.
    division = models.ForeignKey(Division, verbose_name=_("division"), on_delete=models.PROTECT,
                                 related_name="consumers", db_index=False)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    sanctioned_load_kw = models.DecimalField(_("sanctioned load (kW)"), max_digits=10, decimal_places=2)
    phone = models.CharField(_("phone"), max_length=15, blank=True)
    meter_no = models.CharField(_("meter no."), max_length=30, blank=True)
    is_protected = models.BooleanField(
        _("protected"), default=False, help_text=_("Hospital or essential service: never put on a cut list."))
    status = models.CharField(_("status"), max_length=15, choices=ConnectionStatus.choices,
                              default=ConnectionStatus.CONNECTED)

    # Cached position, kept equal to the ledger in the same transaction as every
    # ledger write (arrears.ledger.positions_refresh); the nightly check proves it.
    balance = models.DecimalField(_("balance"), default=0, **MONEY)
    arrears = models.DecimalField(_("arrears"), default=0, **MONEY)
    oldest_due_date = models.DateField(_("oldest unpaid due date"), null=True, blank=True)
    # `arrears` and `oldest_due_date` hold for every day in [arrears_from, arrears_until):
    # nothing falls due and no credit takes effect in between. NULL until: for ever.
    arrears_from = models.DateField(null=True, blank=True, editable=False)
    arrears_until = models.DateField(null=True, blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(
        excluded_fields=["balance", "arrears", "oldest_due_date", "arrears_from", "arrears_until", "updated_at"])

    class Meta:
        ordering = ["account_no"]
        verbose_name = _("consumer")
        verbose_name_plural = _("consumers")
        indexes = [
            # The nightly list ranks a division's consumers by cached arrears.
            models.Index(fields=["division", "-arrears"], name="consumer_division_arrears"),
            # Each division's nightly list rolls its own consumers whose cached window has
            # ended (arrears_until <= D, an index range), and refreshes any never computed
            # or computed for a later day (arrears_from NULL or > D, read off the same
            # index's entries for the division, not off its rows spread over the table).
            # One index for both: every roll of a consumer rewrites all of its index entries.
            models.Index(fields=["division", "arrears_until", "arrears_from"], name="consumer_division_stale"),
            # No index on phone or meter no.: search matches them together with a part of the
            # name (arrears.selectors.consumers_search), which reads the table anyway.
        ]

    def __str__(self) -> str:
        return f"{self.account_no} {self.name}"


class EntryKind(models.TextChoices):
    BILL = "BILL", _("bill")
    SURCHARGE = "SURCHARGE", _("surcharge")
    PAYMENT = "PAYMENT", _("payment")
    ADJUSTMENT = "ADJUSTMENT", _("adjustment")


class LedgerEntry(models.Model):
    """One line of a consumer's account. Append-only: corrections are ADJUSTMENTs.

    ``amount`` is as the billing system states it (positive, or signed for an
    ADJUSTMENT). ``debit``, ``credit`` and ``due_on`` are derived from it by the
    database as the row is written (generated columns: the one place this rule is
    written, whoever writes the row), so balance and arrears are plain sums:
    balance = Σdebit − Σcredit; arrears on D = max(0, Σdebit[due_on < D] − Σcredit[entry_date ≤ D]).
    """

    # Indexed by ledger_consumer_due_on, which starts with it.
    consumer = models.ForeignKey(Consumer, on_delete=models.PROTECT, related_name="ledger", db_index=False)
    entry_date = models.DateField(_("entry date"))
    kind = CodeField(_("kind"), max_length=10, choices=EntryKind.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    reference = CodeField(_("reference"), max_length=40)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    # A bill, a surcharge and a positive adjustment are owed; a payment and a negative adjustment are credits.
    debit = models.GeneratedField(
        expression=Case(When(Q(kind__in=[EntryKind.BILL, EntryKind.SURCHARGE])
                             | Q(kind=EntryKind.ADJUSTMENT, amount__gt=0), then=F("amount")),
                        default=Value(0), output_field=models.DecimalField(**MONEY)),
        output_field=models.DecimalField(**MONEY), db_persist=True)
    credit = models.GeneratedField(
        expression=Case(When(kind=EntryKind.PAYMENT, then=F("amount")),
                        When(kind=EntryKind.ADJUSTMENT, amount__lt=0, then=-F("amount")),
                        default=Value(0), output_field=models.DecimalField(**MONEY)),
        output_field=models.DecimalField(**MONEY), db_persist=True)
    # When a debit falls due: a bill on its due date, anything else (a credit included:
    # the nightly roll reads a consumer's later entries by due_on alone) on its entry date.
    due_on = models.GeneratedField(
        expression=Case(When(kind=EntryKind.BILL, then=F("due_date")), default=F("entry_date"),
                        output_field=models.DateField()),
        output_field=models.DateField(), db_persist=True)
    # Who, when and through what: the ledger is its own history. The database stamps the
    # time, so a bulk load (COPY) is stamped as a single entry is.
    created_at = models.DateTimeField(db_default=Now(), editable=False)
    # Not indexed: 20 million rows would pay for it on every import, for a question
    # (whose entries are these?) asked of one consumer's ledger, never of all of it.
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", db_index=False)
    source = models.CharField(max_length=10, choices=Source.choices)

    class Meta:
        ordering = ["consumer", "entry_date", "id"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        indexes = [
            # Every balance and arrears computation reads one consumer's entries.
            models.Index(fields=["consumer", "due_on"], name="ledger_consumer_due_on"),
        ]
        constraints = [
            # The re-import key of ledger.csv.
            # Reference first: its leading bytes tell rows apart, so building this index on
            # 20 million rows sorts on them (abbreviated keys) rather than on the kind (35 s, not 55).
            models.UniqueConstraint(fields=["reference", "kind"], name="ledger_reference_kind_unique"),
            models.CheckConstraint(
                name="ledger_bill_has_due_date",
                condition=Q(kind=EntryKind.BILL, due_date__isnull=False) | (~Q(kind=EntryKind.BILL)
                                                                          & Q(due_date__isnull=True)),
            ),
            models.CheckConstraint(
                name="ledger_amount_sign",
                condition=Q(kind=EntryKind.ADJUSTMENT, amount__lt=0) | Q(kind=EntryKind.ADJUSTMENT, amount__gt=0)
                | Q(kind__in=[EntryKind.BILL, EntryKind.SURCHARGE, EntryKind.PAYMENT], amount__gt=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.reference} {self.amount}"


class PaymentMode(models.TextChoices):
    CASH = "cash", _("cash")
    CHEQUE = "cheque", _("cheque")
    DD = "dd", _("demand draft")
    UPI = "upi", _("UPI")
    CARD = "card", _("card")
    ONLINE = "online", _("online")


class Payment(models.Model):
    """Money taken through this app, with its receipt. Its ledger line is the PAYMENT entry."""

    consumer = models.ForeignKey(Consumer, on_delete=models.PROTECT, related_name="payments")
    ledger_entry = models.OneToOneField(LedgerEntry, on_delete=models.PROTECT, related_name="payment")
    amount = models.DecimalField(_("amount"), **MONEY)
    mode = models.CharField(_("mode"), max_length=10, choices=PaymentMode.choices)
    receipt_no = models.CharField(_("receipt no."), max_length=40, unique=True)
    paid_at = models.DateTimeField(_("paid at"))
    # Drives come with a later issue; a payment taken at a drive stop points to it.
    drive_stop_id = models.BigIntegerField(null=True, blank=True)
    # Why a payment is dated more than PAYMENT_BACKDATE_DAYS back (an officer's word; payment_record asks).
    backdate_reason = models.CharField(_("reason for the back-dating"), max_length=200, blank=True)
    balance_after = models.DecimalField(**MONEY)
    arrears_after = models.DecimalField(**MONEY)
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payments_taken")
    source = models.CharField(max_length=10, choices=Source.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-paid_at", "-id"]
        constraints = [models.CheckConstraint(name="payment_amount_positive", condition=Q(amount__gt=0))]
        indexes = [models.Index(fields=["paid_at"], name="payment_paid_at")]

    def __str__(self) -> str:
        return f"{self.receipt_no} ₹{self.amount}"


class ImportKind(models.TextChoices):
    DIVISIONS = "divisions", _("divisions")
    CONSUMERS = "consumers", _("consumers")
    LEDGER = "ledger", _("ledger")


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
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", help_text="none for the command line")
    division = models.ForeignKey(Division, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 help_text="the uploader's division (none for HQ and IT)")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class PositionCheck(models.Model):
    """A run of the nightly check that cached balances and arrears equal the ledger."""

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    consumers_checked = models.PositiveIntegerField(default=0)
    mismatches = models.PositiveIntegerField(default=0)
    details = models.JSONField(default=list, blank=True, help_text="the first mismatches found")
    source = models.CharField(max_length=10, choices=Source.choices)

    class Meta:
        ordering = ["-started_at"]


# --- Nightly defaulter lists -----------------------------------------------------------

class DefaulterTrigger(models.TextChoices):
    """What started a build of defaulter lists."""

    BEAT = "beat", _("nightly schedule")
    COMMAND = "command", _("command")
    ADMIN = "admin", _("admin")
    API = "api", _("API")


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

    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="defaulter_runs")
    as_of = models.DateField(_("as of"))
    threshold = models.DecimalField(_("threshold"), **MONEY)
    status = models.CharField(_("status"), max_length=10, choices=DefaulterRunStatus.choices,
                              default=DefaulterRunStatus.RUNNING)
    trigger = models.CharField(_("started by"), max_length=10, choices=DefaulterTrigger.choices)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", help_text="none for the schedule and the command line")
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    duration = models.DurationField(_("duration"), null=True, blank=True)
    consumer_count = models.PositiveIntegerField(_("defaulters"), null=True, blank=True)
    total_arrears = models.DecimalField(_("total arrears"), null=True, blank=True, **MONEY)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("defaulter list run")
        verbose_name_plural = _("defaulter list runs")
        indexes = [
            # The dashboard asks for each division's last run.
            models.Index(fields=["division", "-started_at"], name="defaulterrun_division_started"),
        ]

    def __str__(self) -> str:
        return f"{self.division_id} {self.as_of} {self.status}"


class DefaulterList(models.Model):
    """A division's consumers with arrears above the threshold on one day; one per (division, day)."""

    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="defaulter_lists")
    as_of = models.DateField(_("as of"))
    threshold = models.DecimalField(_("threshold"), **MONEY)
    built_at = models.DateTimeField(_("built at"))
    run = models.ForeignKey(DefaulterRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                            help_text="the run that built the current contents")
    consumer_count = models.PositiveIntegerField(_("defaulters"), default=0)
    total_arrears = models.DecimalField(_("total arrears"), default=0, **MONEY)

    class Meta:
        ordering = ["-as_of", "division"]
        verbose_name = _("defaulter list")
        verbose_name_plural = _("defaulter lists")
        constraints = [
            # A rebuild replaces the day's list; its index also finds a division's latest list.
            models.UniqueConstraint(fields=["division", "as_of"], name="defaulterlist_division_as_of_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.division_id} {self.as_of}"


class DefaulterEntry(models.Model):
    """One consumer on a list, as they stood when it was built (name and address are a snapshot)."""

    # No index of their own: (list, rank) below serves every read, and each index costs
    # time on the nightly INSERT of every division's list. The consumer reference has no
    # database constraint: rows come from arrears_consumer itself and consumers are never deleted.
    list = models.ForeignKey(DefaulterList, on_delete=models.CASCADE, related_name="entries", db_index=False)
    consumer = models.ForeignKey(Consumer, on_delete=models.DO_NOTHING, related_name="+", db_index=False,
                                 db_constraint=False)
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
        ordering = ["list", "rank"]
        verbose_name = _("defaulter list entry")
        verbose_name_plural = _("defaulter list entries")
        constraints = [
            # Pages, exports and the API read a list in rank order (and min_arrears is a prefix of it).
            models.UniqueConstraint(fields=["list", "rank"], name="defaulterentry_list_rank_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.account_no} ₹{self.arrears}"
