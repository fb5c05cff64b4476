"""Money taken through this app: payments and their receipts."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from arrears.models import Consumer, CountedForDivision, LedgerEntry
from core.models import MONEY, Source
from drives.models import StopPayment


class PaymentMode(models.TextChoices):
    CASH = "cash", _("cash")
    CHEQUE = "cheque", _("cheque")
    DD = "dd", _("demand draft")
    UPI = "upi", _("UPI")
    CARD = "card", _("card")
    ONLINE = "online", _("online")


class Payment(CountedForDivision):
    """Money taken through this app, with its receipt. Its ledger line is the PAYMENT entry."""

    consumer = models.ForeignKey(Consumer, verbose_name=_("consumer"), on_delete=models.PROTECT,
                                 related_name="payments")
    ledger_entry = models.OneToOneField(LedgerEntry, verbose_name=_("ledger entry"), on_delete=models.PROTECT,
                                        related_name="payment")
    amount = models.DecimalField(_("amount"), **MONEY)
    mode = models.CharField(_("mode"), max_length=10, choices=PaymentMode.choices)
    receipt_no = models.CharField(_("receipt no."), max_length=40, unique=True)
    paid_at = models.DateTimeField(_("paid at"))
    # A payment taken at a drive stop (payments.services.payment_record logs the stop's outcome as paid).
    drive_stop = models.ForeignKey("drives.Stop", verbose_name=_("drive stop"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="payments")
    # The reconnection order this payment brought about (its consumer was disconnected and has now
    # paid the minimum since the cut); returned by `POST payments/`.
    reconnection_order = models.ForeignKey("drives.ReconnectionOrder", verbose_name=_("reconnection order"),
                                           null=True, blank=True, on_delete=models.PROTECT, related_name="payments")
    # What it did to the stop it names (drives.models.StopPayment; blank: no stop, or a stop already cut) and,
    # for a consumer disconnected and still without a reconnection order after it, what they still owe
    # towards the reconnection minimum. Both as the payment left them: the receipt and `POST payments/` say so.
    stop_outcome = models.CharField(_("at the stop"), max_length=10, choices=StopPayment.choices, blank=True)
    reconnection_short_by = models.DecimalField(_("short of the reconnection minimum"), null=True, blank=True,
                                                **MONEY)
    # The mode's own details, for matching the bank's statement: the UPI reference or the cheque or DD
    # number, and the bank a cheque or DD is drawn on (payment_record asks for them by mode).
    instrument_no = models.CharField(_("UPI reference or cheque/DD no."), max_length=40, blank=True)
    bank = models.CharField(_("bank"), max_length=100, blank=True)
    # Why a payment is dated more than PAYMENT_BACKDATE_DAYS back (an officer's word; payment_record asks).
    backdate_reason = models.CharField(_("reason for the back-dating"), max_length=200, blank=True)
    balance_after = models.DecimalField(_("balance after"), **MONEY)
    arrears_after = models.DecimalField(_("arrears after"), **MONEY)
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("taken by"), on_delete=models.PROTECT,
                                 related_name="payments_taken")
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        # Made by arrears' migrations; the model moved to this app, its table stayed (raw SQL names it).
        db_table = "arrears_payment"
        ordering = ["-paid_at", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [models.CheckConstraint(name="payment_amount_positive", condition=Q(amount__gt=0))]
        indexes = [models.Index(fields=["paid_at"], name="payment_paid_at")]

    def __str__(self) -> str:
        return f"{self.receipt_no} ₹{self.amount}"


class ReceiptNumber(models.Model):
    """A number of a division's receipt series reserved to one user until a payment of theirs uses it: a clerk's
    block for the field app (``POST receipt-blocks/``), or the numbers a pay page proposes (the field clerk's, an
    officer's counter). Nobody else may use it (409 receipt_reserved), so two phones working offline, or two pay
    pages open at once, never issue the same number."""

    number = models.CharField(_("receipt no."), max_length=40, unique=True)
    division = models.ForeignKey("accounts.Division", verbose_name=_("division"), on_delete=models.PROTECT,
                                 related_name="receipt_numbers")
    reserved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reserved by"),
                                    on_delete=models.PROTECT, related_name="receipt_numbers")
    reserved_at = models.DateTimeField(_("reserved at"))
    # Where it was reserved: api (a block for the field app, which issues it offline) or web (a pay page's
    # proposals). A pay page proposes only its own (web) numbers, never one the app may issue offline.
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    # When a pay page last proposed it: a page opened meanwhile proposes another (payments.services).
    proposed_at = models.DateTimeField(_("last proposed at"), null=True, blank=True)
    payment = models.OneToOneField(Payment, verbose_name=_("used by payment"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="reserved_number")

    class Meta:
        ordering = ["number"]
        verbose_name = _("reserved receipt number")
        verbose_name_plural = _("reserved receipt numbers")
        indexes = [models.Index(fields=["reserved_by", "payment"], name="receipt_number_unused")]

    def __str__(self) -> str:
        return self.number
