"""Web and admin forms. They validate input; the services decide and write."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arrears.models import ConnectionStatus, ImportKind, PaymentMode
from arrears.services import BACKDATE_REASON_LENGTH
from kesco.errors import DomainError

MAX_UPLOAD_BYTES = 200 * 1024 * 1024  # a division's year of ledger is far smaller


class DomainErrorForm(forms.Form):
    """A form that shows a service's DomainError on the field it names ("receipt_no: …")."""

    def add_domain_error(self, exc: DomainError) -> None:
        field, sep, reason = exc.detail.partition(": ")
        if sep and field in self.fields:
            self.add_error(field, reason)
        else:
            self.add_error(None, exc.detail)


class ConsumerSearchForm(forms.Form):
    q = forms.CharField(label=_("Account no., name, phone or meter no."), required=False, max_length=200)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("any"))] + list(ConnectionStatus.choices))
    division = forms.ChoiceField(label=_("Division"), required=False)

    def __init__(self, *args, divisions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if divisions is None or len(divisions) <= 1:
            del self.fields["division"]
        else:
            self.fields["division"].choices = [("", _("all"))] + [(d.code, str(d)) for d in divisions]


class PaymentForm(DomainErrorForm):
    amount = forms.DecimalField(label=_("Amount (₹)"), max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    mode = forms.ChoiceField(label=_("Mode"), choices=PaymentMode.choices, initial=PaymentMode.CASH)
    receipt_no = forms.CharField(label=_("Receipt no."), max_length=40)


class AdminPaymentForm(PaymentForm):
    """Money at the counter (officers and IT), who may also record a payment made earlier."""

    account_no = forms.CharField(label=_("Account no."), max_length=12)
    paid_at = forms.DateTimeField(label=_("Paid at"), required=False,
                                  widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
                                  help_text=_("Empty: now."))
    backdate_reason = forms.CharField(label=_("Reason for the back-dating"), required=False,
                                      max_length=BACKDATE_REASON_LENGTH)
    field_order = ["account_no", "amount", "mode", "receipt_no", "paid_at", "backdate_reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["backdate_reason"].help_text = _(
            "Needed when the payment was made more than %(days)s days ago.") % {
            "days": settings.PAYMENT_BACKDATE_DAYS}


class AdjustmentForm(DomainErrorForm):
    account_no = forms.CharField(label=_("Account no."), max_length=12)
    amount = forms.DecimalField(
        label=_("Amount (₹)"), max_digits=14, decimal_places=2,
        help_text=_("Signed: a negative amount is a credit to the consumer, a positive one a debit."))
    entry_date = forms.DateField(label=_("Entry date"), initial=timezone.localdate,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label=_("Reference"), max_length=40,
                                help_text=_("Unique for adjustments, e.g. the order or letter number."))

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount == 0:
            raise forms.ValidationError(_("An adjustment must not be zero."))
        return amount


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportKind.choices)
    file = forms.FileField(label=_("CSV file (UTF-8, with a header row)"))
    dry_run = forms.BooleanField(label=_("Dry run: check the file only, write nothing"), required=False)

    def __init__(self, *args, may_import_divisions: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_import_divisions:
            self.fields["kind"].choices = [(k, label) for k, label in ImportKind.choices
                                           if k != ImportKind.DIVISIONS]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(_("Choose a .csv file."))
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 200 MB; import it with the command instead."))
        return upload
