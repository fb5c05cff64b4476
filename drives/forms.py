"""The division officer's forms for drives: planning, notices in bulk, disputes, approvals.
The services decide and write (drives.services, drives.reconnections); these only read the input."""

from datetime import timedelta
from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from core.dates import india_today
from core.forms import AmountField, DateInputField, DomainErrorForm
from drives.models import NoticeMode
from drives.notices import PROOF_REF_LENGTH, REASON_LENGTH

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ClerkChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.username


class DrivePlanForm(DomainErrorForm):
    date = DateInputField(label=_("Date of the drive"), widget=DATE_WIDGET)
    # Required to create the drive, not to preview it: the browser asks for it at once (``required``), and the
    # Preview button skips the browser's check (formnovalidate); the view refuses a drive without one.
    name = forms.CharField(label=_("Name"), max_length=100, required=False,
                           widget=forms.TextInput(attrs={"required": True}),
                           help_text=_("Needed to create the drive, e.g. \"Ratanpur, morning\"."))
    min_arrears = AmountField(label=_("Minimum arrears (₹)"), allow_zero=True)
    locality = forms.CharField(label=_("Locality"), max_length=100, required=False,
                               help_text=_("Part of the address, e.g. \"Ratanpur\". Empty: the whole division."))
    max_stops = forms.IntegerField(label=_("Maximum stops"), min_value=1, initial=50)
    clerks = ClerkChoiceField(label=_("Clerks"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, division, **kwargs):
        super().__init__(*args, **kwargs)
        # The division's active clerks; drive_plan checks them again (invalid_clerk).
        self.fields["clerks"].queryset = User.objects.filter(division=division, role=Role.CLERK,
                                                             is_active=True).order_by("first_name", "username")
        # Drives are planned the day before: tomorrow, unless no day ahead is allowed (DRIVE_AHEAD_DAYS 0).
        self.fields["date"].initial = india_today() + timedelta(days=min(1, settings.DRIVE_AHEAD_DAYS))
        # The service's bounds (drive_date_past, drive_date_far), shown by the phone's or browser's date picker.
        self.fields["date"].widget.attrs.update(
            min=india_today().isoformat(),
            max=(india_today() + timedelta(days=settings.DRIVE_AHEAD_DAYS)).isoformat())
        self.fields["min_arrears"].initial = settings.DEFAULTER_THRESHOLD


class NoticesBulkForm(DomainErrorForm):
    account_nos = forms.MultipleChoiceField(label=_("Consumers"), widget=forms.CheckboxSelectMultiple,
                                            error_messages={"required": _("Tick at least one consumer.")})
    served_on = DateInputField(label=_("Served on"), widget=DATE_WIDGET)
    mode = forms.ChoiceField(label=_("Mode"), choices=NoticeMode.choices, initial=NoticeMode.HAND)
    # Needed only for notices served more than NOTICE_BACKDATE_DAYS ago (drives.notices says so, 409 backdated).
    reason = forms.CharField(label=_("Reason for recording it late"), max_length=REASON_LENGTH, required=False,
                             help_text=_("Only for notices served more than %(days)s days ago."))
    proof_ref = forms.CharField(label=_("Proof of service"), max_length=PROOF_REF_LENGTH, required=False,
                                help_text=_("Post dispatch number or signed acknowledgement; only for notices served "
                                            "more than %(days)s days ago."))

    def __init__(self, *args, account_nos: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account_nos"].choices = [(a, a) for a in account_nos]
        self.fields["served_on"].initial = india_today()
        for name in ("reason", "proof_ref"):
            self.fields[name].help_text = self.fields[name].help_text % {"days": settings.NOTICE_BACKDATE_DAYS}


class LettersForm(forms.Form):
    """Which letters to print: the date they will be served on decides the date a cut becomes lawful."""

    served_on = DateInputField(label=_("To be served on"), widget=DATE_WIDGET, required=False)
    everyone = forms.BooleanField(label=_("Every stop, not only those without a valid notice"), required=False)


class DisputeForm(DomainErrorForm):
    account_no = forms.CharField(label=_("Account no."), max_length=12)
    raised_on = DateInputField(label=_("Raised on"), widget=DATE_WIDGET)
    amount_disputed = AmountField(label=_("Amount disputed (₹)"))
    deposit_amount = AmountField(label=_("Deposit under protest (₹)"), allow_zero=True, initial=Decimal("0"),
                                 help_text=_("The sum on the deposit's receipt; 0: whatever that payment was."))
    deposit_receipt_no = forms.CharField(label=_("Deposit receipt no."), max_length=40, required=False,
                                         help_text=_("The receipt of a payment of this consumer already recorded. "
                                                     "Empty: add the deposit later."))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["raised_on"].initial = india_today()


class DisputeDepositForm(DomainErrorForm):
    receipt_no = forms.CharField(label=_("Receipt no. of the payment"), max_length=40,
                                 help_text=_("A payment of this consumer already recorded, made no earlier than the "
                                             "disputed bills."))


class DisputeResolveForm(DomainErrorForm):
    resolved_on = DateInputField(label=_("Resolved on"), widget=DATE_WIDGET)
    resolution = forms.CharField(label=_("Resolution"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resolved_on"].initial = india_today()


class ReconnectionApproveForm(DomainErrorForm):
    account_no = forms.CharField(label=_("Account no."), max_length=12)
    reason = forms.CharField(label=_("Reason for reconnecting below the minimum"), max_length=200)
