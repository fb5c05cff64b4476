from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Now, Upper
from django.utils.translation import gettext_lazy as _

from accounts.models import Division
from arrears.indexes import NumbersIndex, TrigramIndex
from arrears.tariffs import CATEGORY_CHOICES, CATEGORY_GROUPS, CategoryGroup, category_group_expression
from core.models import MONEY, CodeField, History, Source  # noqa: F401  CodeField: named by migrations

account_no_validator = RegexValidator(r"^[0-9]{8,12}$", _("8 to 12 digits (leading zeros are kept)"))


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
    # The rate schedule as the billing system wrote it (LMV-1 … HV-4) or a broad word (arrears.tariffs).
    category = models.CharField(_("category"), max_length=20, choices=CATEGORY_CHOICES)
    # Derived by the database as the row is written, however it is written (the import's
    # INSERT … SELECT, the admin, a factory): filters, reports and charges read the group.
    # No index: the group is filtered within a division (consumer_division_arrears finds
    # its rows) or with a search that reads the table anyway; a report groups rows it reads.
    category_group = models.GeneratedField(
        expression=category_group_expression(), output_field=models.CharField(max_length=20),
        db_persist=True, verbose_name=_("category group"), choices=CategoryGroup.choices)
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
    arrears_from = models.DateField(_("arrears hold from"), null=True, blank=True, editable=False)
    arrears_until = models.DateField(_("arrears hold until"), null=True, blank=True, editable=False)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = History(
        excluded_fields=["category_group", "balance", "arrears", "oldest_due_date", "arrears_from", "arrears_until",
                         "updated_at"])

    class Meta:
        ordering = ["account_no"]
        verbose_name = _("consumer")
        verbose_name_plural = _("consumers")
        indexes = [
            # The nightly list ranks a division's consumers by cached arrears, ties by account number;
            # an officer's consumers list reads them in the same order (arrears.selectors.consumers_search).
            models.Index(fields=["division", "-arrears", "account_no"], name="consumer_division_arrears"),
            # The MD's consumers list, every division, in that order: its first pages without a sort.
            models.Index(fields=["-arrears", "account_no"], name="consumer_arrears"),
            # Each division's nightly list rolls its own consumers whose cached window has
            # ended (arrears_until <= D, an index range), and refreshes any never computed
            # or computed for a later day (arrears_from NULL or > D, read off the same
            # index's entries for the division, not off its rows spread over the table).
            # One index for both: every roll of a consumer rewrites all of its index entries.
            models.Index(fields=["division", "arrears_until", "arrears_from"], name="consumer_division_stale"),
            # Search (arrears.selectors.consumer_match): a phone or meter number is looked up exactly in one
            # GIN index (cheap to keep when the nightly roll rewrites rows), part of a name through the
            # trigram index on UPPER(name), the expression icontains compares.
            NumbersIndex(name="consumer_numbers"),
            TrigramIndex(Upper("name"), name="consumer_name_trgm"),
        ]
        constraints = [
            # The import refuses any other category by line; this holds every other writer to it.
            models.CheckConstraint(name="consumer_category_known", condition=Q(category__in=list(CATEGORY_GROUPS))),
        ]

    def __str__(self) -> str:
        return f"{self.account_no} {self.name}"


class CountedForDivision(models.Model):
    """Something that happened to a consumer and counts in the reports for the division the consumer was
    in when it was written (notices, disconnections, payments, reconnection orders, ledger entries):
    ``division`` is fixed on the row then and never changed, so when IT redraws the divisions (a consumer
    moved by an import) the day books (reports.EventDay, LedgerDay), their triggers, rebuild and recount
    keep each event where it happened, and one changed or deleted after a move is taken out of the
    division it was counted in.

    Services name the division as they write (they hold the consumer); a save without one (the admin, a
    test's create) takes the consumer's division of that moment. A bulk write names it, or NOT NULL refuses.
    """

    division = models.ForeignKey(Division, verbose_name=_("counted for division"), on_delete=models.PROTECT,
                                 related_name="+", db_index=False, editable=False,
                                 help_text=_("The consumer's division when this was recorded."))

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.division_id is None and self.consumer_id is not None:
            self.division_id = self.consumer.division_id
        super().save(*args, **kwargs)


class EntryKind(models.TextChoices):
    BILL = "BILL", _("bill")
    SURCHARGE = "SURCHARGE", _("surcharge")
    PAYMENT = "PAYMENT", _("payment")
    ADJUSTMENT = "ADJUSTMENT", _("adjustment")


class LedgerEntry(CountedForDivision):
    """One line of a consumer's account. Append-only: corrections are ADJUSTMENTs.

    ``amount`` is as the billing system states it (positive, or signed for an
    ADJUSTMENT). ``debit``, ``credit`` and ``due_on`` are derived from it by the
    database as the row is written (generated columns: the one place this rule is
    written, whoever writes the row), so balance and arrears are plain sums:
    balance = Σdebit − Σcredit; arrears on D = max(0, Σdebit[due_on < D] − Σcredit[entry_date ≤ D]).
    """

    # Indexed by ledger_consumer_due_on, which starts with it.
    consumer = models.ForeignKey(Consumer, verbose_name=_("consumer"), on_delete=models.PROTECT, related_name="ledger",
                                 db_index=False)
    # Collections count for the consumer's division when the entry was written (CountedForDivision), copied
    # from the consumer's division_id, which has its key. None here: on a ledger of 20M rows a key is one more
    # check per row of every import (the daily one is held to 10 s) and one more join to rebuild after a load.
    division = models.ForeignKey(Division, verbose_name=_("counted for division"), on_delete=models.PROTECT,
                                 related_name="+", db_index=False, db_constraint=False, editable=False,
                                 help_text=_("The consumer's division when this was recorded."))
    entry_date = models.DateField(_("entry date"))
    kind = CodeField(_("kind"), max_length=10, choices=EntryKind.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    reference = CodeField(_("reference"), max_length=40)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    # A bill, a surcharge and a positive adjustment are owed; a payment and a negative adjustment are credits.
    debit = models.GeneratedField(
        verbose_name=_("debit"),
        expression=Case(When(Q(kind__in=[EntryKind.BILL, EntryKind.SURCHARGE])
                             | Q(kind=EntryKind.ADJUSTMENT, amount__gt=0), then=F("amount")),
                        default=Value(0), output_field=models.DecimalField(**MONEY)),
        output_field=models.DecimalField(**MONEY), db_persist=True)
    credit = models.GeneratedField(
        verbose_name=_("credit"),
        expression=Case(When(kind=EntryKind.PAYMENT, then=F("amount")),
                        When(kind=EntryKind.ADJUSTMENT, amount__lt=0, then=-F("amount")),
                        default=Value(0), output_field=models.DecimalField(**MONEY)),
        output_field=models.DecimalField(**MONEY), db_persist=True)
    # When a debit falls due: a bill on its due date, anything else (a credit included:
    # the nightly roll reads a consumer's later entries by due_on alone) on its entry date.
    due_on = models.GeneratedField(
        verbose_name=_("falls due on"),
        expression=Case(When(kind=EntryKind.BILL, then=F("due_date")), default=F("entry_date"),
                        output_field=models.DateField()),
        output_field=models.DateField(), db_persist=True)
    # Who, when and through what: the ledger is its own history. The database stamps the
    # time, so a bulk load (COPY) is stamped as a single entry is.
    created_at = models.DateTimeField(_("recorded at"), db_default=Now(), editable=False)
    # Not indexed: 20 million rows would pay for it on every import, for a question
    # (whose entries are these?) asked of one consumer's ledger, never of all of it.
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+", db_index=False)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)

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


class LedgerDay(models.Model):
    """The day book: each division's ledger entries of one day and kind, counted and summed.

    Kept by the database as entries are written, whatever writes them (the imports, a payment,
    a charge, the admin): the triggers of migrations 0013 and 0021 add every inserted row to its
    (division, day, kind), take out deleted ones, and empty the book with the ledger. The
    division is the one written on the entry, its consumer's when it was written
    (CountedForDivision), whatever division the consumer is in now. Reports sum collections over a
    range from here (at most divisions × days rows), not from the 20M-row ledger.
    ``ledger_days_mismatches`` (arrears.ledger) recounts it from the ledger.
    """

    division = models.ForeignKey(Division, verbose_name=_("division"), on_delete=models.PROTECT,
                                 related_name="+", db_index=False)
    day = models.DateField(_("day"))
    kind = CodeField(_("kind"), max_length=10, choices=EntryKind.choices)
    entries = models.BigIntegerField(_("entries"), default=0)
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("ledger day")
        verbose_name_plural = _("ledger days")
        constraints = [models.UniqueConstraint(fields=["division", "day", "kind"], name="ledgerday_division_day_kind")]
        indexes = [models.Index(fields=["kind", "day"], name="ledgerday_kind_day")]

    def __str__(self) -> str:
        return f"{self.division_id} {self.day} {self.kind}"


class PositionCheck(models.Model):
    """A run of the nightly check that cached balances and arrears equal the ledger."""

    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    consumers_checked = models.PositiveIntegerField(_("consumers checked"), default=0)
    mismatches = models.PositiveIntegerField(_("mismatches"), default=0)
    details = models.JSONField(_("details"), default=list, blank=True, help_text=_("the first mismatches found"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("nightly position check")
        verbose_name_plural = _("nightly position checks")
