"""Forms of a theft case's work, shared by its pages (drives.theft_views) and the admin (drives.admin). They only
read the input; drives.theft decides and writes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import india_today
from core.forms import AmountField, DateInputField, DomainErrorForm
from drives.checks import NOTES_LENGTH
from drives.models import MeterSeal, TheftFinding, TheftSection, TheftStatus
from drives.theft import FIR_LENGTH, POLICE_STATION_LENGTH

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NOT_STATED = [("", _("not stated"))]


class TheftInspectionForm(DomainErrorForm):
    found = forms.ChoiceField(label=_("Found"), choices=NOT_STATED + TheftFinding.choices, required=False)
    meter_seal = forms.ChoiceField(label=_("Meter seal"), choices=NOT_STATED + MeterSeal.choices, required=False)
    notes = forms.CharField(label=_("Notes"), max_length=NOTES_LENGTH, required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))


class TheftReportForm(TheftInspectionForm):
    account_no = forms.CharField(label=_("Account no."), max_length=12)
    field_order = ["account_no", "found", "meter_seal", "notes"]


class TheftAssessmentForm(DomainErrorForm):
    amount = AmountField(label=_("Amount assessed (₹)"))
    section = forms.TypedChoiceField(label=_("Section of the Electricity Act"), choices=TheftSection.choices,
                                     coerce=int, initial=TheftSection.S135)
    assessed_on = DateInputField(label=_("Assessed on"), widget=DATE_WIDGET)
    reference = forms.CharField(label=_("Assessment reference"), max_length=40,
                                help_text=_("The assessment order's number; the ledger entry carries it."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessed_on"].initial = india_today()


class TheftFirForm(DomainErrorForm):
    fir_number = forms.CharField(label=_("FIR no."), max_length=FIR_LENGTH)
    police_station = forms.CharField(label=_("Police station"), max_length=POLICE_STATION_LENGTH)
    lodged_on = DateInputField(label=_("Lodged on"), widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lodged_on"].initial = india_today()


class TheftCloseForm(DomainErrorForm):
    status = forms.ChoiceField(label=_("Status"), choices=[(TheftStatus.SETTLED, TheftStatus.SETTLED.label),
                                                           (TheftStatus.IN_COURT, TheftStatus.IN_COURT.label)])
    closed_on = DateInputField(label=_("On"), widget=DATE_WIDGET)
    note = forms.CharField(label=_("Note"), max_length=NOTES_LENGTH, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["closed_on"].initial = india_today()
