"""The payment forms of the web page and the admin; payment_record decides and writes."""


from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.forms import AmountField, DomainErrorForm
from payments.models import PaymentMode
from payments.services import BACKDATE_REASON_LENGTH, BANK_LENGTH, INSTRUMENT_NO_LENGTH


class PaymentForm(DomainErrorForm):
    amount = AmountField(label=_("Amount (₹)"))
    mode = forms.ChoiceField(label=_("Mode"), choices=PaymentMode.choices, initial=PaymentMode.CASH)
    receipt_no = forms.CharField(label=_("Receipt no."), max_length=40)
    # Optional here: payment_record asks for them by mode (UPI: the reference; cheque, DD: number and bank).
    instrument_no = forms.CharField(label=_("UPI reference or cheque/DD no."), max_length=INSTRUMENT_NO_LENGTH,
                                    required=False, help_text=_("Needed for UPI, a cheque or a demand draft."))
    bank = forms.CharField(label=_("Bank"), max_length=BANK_LENGTH, required=False,
                           help_text=_("Needed for a cheque or demand draft."))


class AdminPaymentForm(PaymentForm):
    """Money at the counter (officers and IT), who may also record a payment made earlier."""

    account_no = forms.CharField(label=_("Account no."), max_length=12)
    paid_at = forms.DateTimeField(label=_("Paid at"), required=False,
                                  widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
                                  help_text=_("Empty: now."))
    backdate_reason = forms.CharField(label=_("Reason for the back-dating"), required=False,
                                      max_length=BACKDATE_REASON_LENGTH)
    field_order = ["account_no", "amount", "mode", "instrument_no", "bank", "receipt_no", "paid_at",
                   "backdate_reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["backdate_reason"].help_text = _(
            "Needed when the payment was made more than %(days)s days ago.") % {
            "days": settings.PAYMENT_BACKDATE_DAYS}
