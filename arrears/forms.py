"""Web and admin forms. They validate input; the services decide and write."""


from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arrears.models import ConnectionStatus
from arrears.tariffs import CategoryGroup
from core.forms import DateInputField, DomainErrorForm, MoneyField


class ConsumerSearchForm(forms.Form):
    q = forms.CharField(label=_("Account no., name, phone or meter no."), required=False, max_length=200)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("any"))] + list(ConnectionStatus.choices))
    category_group = forms.ChoiceField(label=_("Category"), required=False,
                                       choices=[("", _("any"))] + list(CategoryGroup.choices))
    division = forms.ChoiceField(label=_("Division"), required=False)

    def __init__(self, *args, divisions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if divisions is None or len(divisions) <= 1:
            del self.fields["division"]
        else:
            self.fields["division"].choices = [("", _("all"))] + [(d.code, str(d)) for d in divisions]


class AdjustmentForm(DomainErrorForm):
    account_no = forms.CharField(label=_("Account no."), max_length=12)
    amount = MoneyField(
        label=_("Amount (₹)"),
        help_text=_("Signed: a negative amount is a credit to the consumer, a positive one a debit."))
    entry_date = DateInputField(label=_("Entry date"), initial=timezone.localdate,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label=_("Reference"), max_length=40,
                                help_text=_("Unique for adjustments, e.g. the order or letter number."))

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount == 0:
            raise forms.ValidationError(_("An adjustment must not be zero."))
        return amount


