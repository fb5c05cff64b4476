"""Web pages for money: the consumer's page with its payment form, taking a payment, the receipt.

The consumer's page lives here, not in arrears, because it carries the payment form.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import may_take_payment
from arrears.selectors import consumer_get
from arrears.views import consumer_page
from core.errors import DomainError
from core.models import Source
from core.words import amount_in_words_en, amount_in_words_hi
from drives.reconnections import reconnection_due
from notify.selectors import messages_of, phone_verified_at
from payments.forms import PaymentForm
from payments.selectors import receipts_visible_to
from payments.services import payment_record


def _form_for(user, form):
    return form if may_take_payment(user) else None


# The messages shown on the consumer's page (the newest; the API lists them all).
TRAIL_LENGTH = 20


def _trail(request, consumer) -> dict:
    """The delivery trail: the consumer's messages with their status and times, and whether the number is verified."""
    return {"trail": list(messages_of(user=request.user, consumer=consumer)[:TRAIL_LENGTH]),
            "phone_verified_at": phone_verified_at(consumer=consumer)}


@require_GET
@login_required
def consumer_detail(request, account_no):
    consumer = consumer_get(request.user, account_no)
    return consumer_page(request, consumer, payment_form=_form_for(request.user, PaymentForm()),
                         reconnection_due=reconnection_due(consumer=consumer), extra=_trail(request, consumer))


@require_http_methods(["POST"])
@login_required
def payment_take(request, account_no):
    consumer = consumer_get(request.user, account_no)
    if not may_take_payment(request.user):
        raise PermissionDenied
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            payment = payment_record(user=request.user, account_no=consumer.account_no,
                                     amount=form.cleaned_data["amount"], mode=form.cleaned_data["mode"],
                                     receipt_no=form.cleaned_data["receipt_no"],
                                     instrument_no=form.cleaned_data["instrument_no"], bank=form.cleaned_data["bank"],
                                     source=Source.WEB)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            return redirect("payment-receipt", pk=payment.pk)
    return consumer_page(request, consumer, payment_form=form, reconnection_due=reconnection_due(consumer=consumer),
                         extra=_trail(request, consumer), status=400)


@require_GET
@login_required
def payment_receipt(request, pk):
    payment = get_object_or_404(receipts_visible_to(request.user).select_related("consumer__division"), pk=pk)
    return receipt_page(request, payment, field=False)


def receipt_page(request, payment, *, field: bool):
    """The one receipt (templates/payments/receipt.html), at the counter and, ``field``, in the field pages (the
    clerk's view, payments.field_views.field_receipt): amount in figures and in words in both languages, the
    arrears still outstanding, the reconnection order the payment brought about or what is still short."""
    return render(request, "payments/receipt.html", {
        "payment": payment, "field": field, "base_template": "drives/field/_base.html" if field else "base.html",
        "words_en": amount_in_words_en(payment.amount), "words_hi": amount_in_words_hi(payment.amount)})
