"""The field clerk's money pages: a payment at a drive stop, its printable receipt (amount in words, English and
Hindi), and the clerk's collections of the day. They live in payments, not drives, because they write and read
payments; payments stands below drives and may read its stops.

static/js/field/app.js (the outbox, docs/FIELD.md) posts the payment form as JSON to POST /api/v1/payments/
with an Idempotency-Key, so a payment taken with no network waits on the phone and is recorded once; the plain
POST below serves a phone without JavaScript.
"""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import may_take_payment
from arrears.models import ConnectionStatus
from core.errors import DomainError
from core.models import Source
from core.money import format_inr
from drives.models import StopPayment, StopStatus
from drives.reconnections import (
    reconnection_due,
    reconnection_minimum_for,
    stop_paid_needs,
    stop_takes_money,
)
from drives.selectors import stops_visible_to
from payments.forms import PaymentForm
from payments.models import PaymentMode
from payments.selectors import payments_listed, receipts_visible_to
from payments.services import BANK_LENGTH, INSTRUMENT_NO_LENGTH, payment_record, receipt_no_propose
from payments.views import receipt_page


class FieldPaymentForm(PaymentForm):
    """The payment form at a stop. The UPI reference has its own box (shown for UPI, the cheque or DD number's
    for a cheque or DD) and is recorded as the payment's instrument_no, as the field app (static/js/field/app.js)
    sends it to the API."""

    mode = forms.ChoiceField(label=_("Mode"), choices=[(m.value, m.label) for m in (
        PaymentMode.CASH, PaymentMode.UPI, PaymentMode.CHEQUE, PaymentMode.DD, PaymentMode.CARD)],
        initial=PaymentMode.CASH, widget=forms.RadioSelect)
    upi_reference = forms.CharField(label=_("UPI reference"), max_length=INSTRUMENT_NO_LENGTH, required=False)
    instrument_no = forms.CharField(label=_("Cheque or DD number"), max_length=INSTRUMENT_NO_LENGTH, required=False)
    bank = forms.CharField(label=_("Bank"), max_length=BANK_LENGTH, required=False)

    def clean(self):
        data = super().clean()
        mode = data.get("mode")
        if mode == PaymentMode.UPI and not data.get("upi_reference"):
            self.add_error("upi_reference", _("Give the UPI reference."))
        if mode in (PaymentMode.CHEQUE, PaymentMode.DD):
            for name in ("instrument_no", "bank"):
                if not data.get(name):
                    self.add_error(name, _("Needed for a cheque or demand draft."))
        return data

    def details(self) -> dict:
        """The mode's details as payment_record takes them."""
        data = self.cleaned_data
        upi = data["mode"] == PaymentMode.UPI
        return {"instrument_no": data["upi_reference"] if upi else data["instrument_no"], "bank": data["bank"]}

    def add_domain_error(self, exc: DomainError) -> None:
        if exc.field == "instrument_no" and self.cleaned_data.get("mode") == PaymentMode.UPI:
            self.add_error("upi_reference", exc.detail)
        else:
            super().add_domain_error(exc)


def _open_stop_for(user, pk):
    if not may_take_payment(user):
        raise PermissionDenied
    return get_object_or_404(stops_visible_to(user).select_related("consumer__division", "drive"), pk=pk)


@require_http_methods(["GET", "POST"])
@login_required
def field_pay(request, stop):
    stop = _open_stop_for(request.user, stop)
    consumer = stop.consumer
    if request.method == "POST":
        form = FieldPaymentForm(request.POST)
        if form.is_valid():
            try:
                payment = payment_record(user=request.user, account_no=consumer.account_no,
                                         amount=form.cleaned_data["amount"], mode=form.cleaned_data["mode"],
                                         receipt_no=form.cleaned_data["receipt_no"], **form.details(),
                                         drive_stop_id=stop.pk if stop_takes_money(stop) else None, source=Source.WEB)
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                _say_what_it_did(request, payment, stop)
                return redirect("field-receipt", pk=payment.pk)
        status = 400
    else:
        form = FieldPaymentForm(initial={"amount": consumer.arrears if consumer.arrears > 0 else None,
                                         "receipt_no": receipt_no_propose(user=request.user,
                                                                          division=consumer.division)})
        status = 200
    takes_money = stop_takes_money(stop)
    due = reconnection_due(consumer=consumer)
    return render(request, "drives/field/pay.html", {
        "stop": stop, "consumer": consumer, "form": form, "stop_takes_money": takes_money,
        # What closes the stop as paid (less is part-paid: the stop stays open and may still be cut), and what a
        # disconnected consumer still lacks of the reconnection minimum.
        "paid_needs": stop_paid_needs(stop=stop, consumer=consumer)
        if takes_money and stop.status == StopStatus.OPEN else None,
        "short_by": due.short_by if due is not None else None, "reconnection_due": due,
        # A connected consumer: what a reconnection would take if the stop ends in a cut today.
        "minimum_if_cut": reconnection_minimum_for(consumer=consumer, arrears=consumer.arrears)
        if due is None and consumer.status == ConnectionStatus.CONNECTED and consumer.arrears > 0 else None},
        status=status)


def _say_what_it_did(request, payment, stop) -> None:
    """What the payment did, said on the next page (the receipt): the stop closed as paid, or part-paid with what
    still closes it; the reconnection order, or what a disconnected consumer is still short of."""
    if payment.stop_outcome == StopPayment.PAID:
        messages.success(request, _("Paid on the spot: the stop is closed."))
    elif payment.stop_outcome == StopPayment.PART_PAID:
        stop.refresh_from_db(fields=["paid_amount", "payments_count", "status"])
        messages.warning(request, _("Part-paid: %(paid)s taken at this stop. The stop stays open and may still be "
                                    "cut; %(needed)s more closes it as paid.") % {
            "paid": format_inr(stop.paid_amount), "needed": format_inr(stop_paid_needs(stop=stop,
                                                                                       consumer=payment.consumer))})
    if payment.reconnection_order_id is not None:
        messages.success(request, _("Reconnection ordered."))
    elif payment.reconnection_short_by is not None:
        messages.warning(request, _("Still %(short)s short of the reconnection minimum.")
                         % {"short": format_inr(payment.reconnection_short_by)})


@require_GET
@login_required
def field_receipt(request, pk):
    # A clerk opens the receipts of the payments they took; another's is a 404 (officers: the division's).
    payment = get_object_or_404(receipts_visible_to(request.user).select_related("consumer__division"), pk=pk)
    return receipt_page(request, payment, field=True)


@require_GET
@login_required
def field_collections(request):
    """What the clerk took today: the list to hand over with the cash at the end of the day."""
    if not may_take_payment(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    # The day as a range of instants on index payment_paid_at (payments_listed); only what this user took.
    payments = payments_listed(request.user, on=today).filter(taken_by=request.user).order_by("paid_at")
    totals = payments.aggregate(count=Count("id"), amount=Sum("amount"))
    by_mode = payments.order_by().values("mode").annotate(count=Count("id"), amount=Sum("amount")).order_by("mode")
    labels = dict(PaymentMode.choices)
    return render(request, "drives/field/collections.html", {
        "payments": payments, "today": today, "count": totals["count"], "total": totals["amount"] or Decimal("0"),
        "by_mode": [{**row, "label": labels.get(row["mode"], row["mode"])} for row in by_mode]})
