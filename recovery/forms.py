"""Forms of the recovery pages (recovery.views): a Form I served, an RC raised, a certificate's next step. They only
read the input; recovery.services decides and writes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import india_today
from core.forms import AmountField, DateInputField, DomainErrorForm, plain_text
from payments.models import PaymentMode
from recovery.models import RCStatus, ServiceMode
from recovery.services import NOTES_LENGTH, PROOF_REF_LENGTH, SERVED_TO_LENGTH

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DemandNoticeForm(DomainErrorForm):
    served_on = DateInputField(label=_("Served on"), widget=DATE_WIDGET)
    service_mode = forms.ChoiceField(label=_("Served by"), choices=ServiceMode.choices, widget=forms.RadioSelect)
    served_to = forms.CharField(label=_("Received by"), max_length=SERVED_TO_LENGTH, required=False,
                                validators=[plain_text()],
                                help_text=_("By hand to an adult of the household: their name and relation."))
    proof_ref = forms.CharField(label=_("Proof of service"), max_length=PROOF_REF_LENGTH, required=False,
                                validators=[plain_text()],
                                help_text=_("The registered post's dispatch number, or the acknowledgement's."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["served_on"].initial = india_today()


class RCRaiseForm(DomainErrorForm):
    demand_notice_id = forms.TypedChoiceField(label=_("Demand notice (Form I)"), coerce=int)

    def __init__(self, *args, notices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["demand_notice_id"].choices = [(n.pk, f"{n.reference} · {n.served_on:%d-%m-%Y}") for n in notices]


class RCStatusForm(DomainErrorForm):
    status = forms.ChoiceField(label=_("Next step"), choices=RCStatus.choices)
    on = DateInputField(label=_("On"), widget=DATE_WIDGET)
    amount_recovered = AmountField(label=_("Amount recovered (₹)"), required=False,
                                   help_text=_("Recovered or partly recovered: the money the collector remitted."))
    mode = forms.ChoiceField(label=_("Remitted by"), choices=PaymentMode.choices, initial=PaymentMode.CASH)
    instrument_no = forms.CharField(label=_("Cheque/DD no. or UPI reference"), max_length=40, required=False,
                                    validators=[plain_text()])
    bank = forms.CharField(label=_("Bank"), max_length=100, required=False, validators=[plain_text()])
    notes = forms.CharField(label=_("Notes"), max_length=NOTES_LENGTH, required=False,
                            validators=[plain_text(one_line=False)], widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, steps=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = india_today()
        if steps:
            self.fields["status"].choices = [(step.value, step.label) for step in steps]
