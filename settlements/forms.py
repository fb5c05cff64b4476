"""Forms of the settlements pages (settlements.views): registering into a scheme, granting an instalment plan,
recording a promise to pay. They only read the input; settlements.services decides and writes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import india_today
from core.forms import AmountField, DateInputField, DomainErrorForm, plain_text
from settlements.models import PlanKind
from settlements.quotes import MAX_INSTALMENTS
from settlements.services import REASON_LENGTH

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RegisterForm(DomainErrorForm):
    """One scheme's registration: the plan (among those the quote offers the consumer) and the deposit's receipt."""

    scheme = forms.IntegerField(widget=forms.HiddenInput)
    plan = forms.ChoiceField(label=_("Plan"), choices=PlanKind.choices, widget=forms.RadioSelect)
    deposit_receipt_no = forms.CharField(
        label=_("Deposit receipt no."), max_length=40, required=False, validators=[plain_text()],
        help_text=_("Take the deposit as a payment first (the consumer's page); its receipt number here."))

    def __init__(self, *args, plans=(), **kwargs):
        super().__init__(*args, **kwargs)
        if plans:
            self.fields["plan"].choices = [(quote.plan, quote.label) for quote in plans]
            self.fields["plan"].initial = plans[0].plan


class PlanGrantForm(DomainErrorForm):
    instalments = forms.IntegerField(label=_("Instalments"), min_value=1, max_value=MAX_INSTALMENTS, initial=6)
    first_due_on = DateInputField(label=_("First instalment due on"), widget=DATE_WIDGET, required=False,
                                  help_text=_("Blank: a month from today."))
    reason = forms.CharField(label=_("Reason"), max_length=REASON_LENGTH, validators=[plain_text(one_line=False)],
                             widget=forms.Textarea(attrs={"rows": 2}))


class PromiseForm(DomainErrorForm):
    amount = AmountField(label=_("Amount (₹)"))
    due_on = DateInputField(label=_("To pay by"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("Reason"), max_length=REASON_LENGTH, validators=[plain_text(one_line=False)],
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["due_on"].initial = india_today()

