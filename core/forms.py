"""Form helpers shared by every app's pages and admin."""


from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy

from core.dates import EARLIEST_INPUT_DATE, LATEST_INPUT_DATE
from core.errors import DomainError
from core.money import amount_checked, money
from core.text import plain_text_checked


class MoneyField(forms.DecimalField):
    """Signed rupees (an adjustment), read by the one grammar for amounts (core.money.money): ASCII digits with
    at most 2 places; "1_000", "５" or "1e2", which Django's DecimalField takes, are a form error."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)

    def checked(self, value):
        return money(value, field="amount")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, str):
            value = value.strip()
        try:
            return self.checked(value)
        except DomainError as exc:
            raise forms.ValidationError(exc.detail, code=exc.code) from None


class AmountField(MoneyField):
    """Rupees on a page or in the admin, checked by the one rule for amounts (core.money.amount_checked):
    more than zero (zero or more with ``allow_zero``); zero and a negative amount get the same message
    as from the API and the services."""

    def __init__(self, *, allow_zero: bool = False, **kwargs):
        self.allow_zero = allow_zero
        super().__init__(**kwargs)
        # Tells the phone's keyboard and the browser what may be typed; the rule itself is in to_python().
        self.widget.attrs.setdefault("min", "0" if allow_zero else "0.01")

    def checked(self, value):
        return amount_checked(value, field="amount", allow_zero=self.allow_zero)


class DateInputField(forms.DateField):
    """A date between 1900 and 2099, as the API's DateInput: a form error outside, never a date whose arithmetic
    overflows (9999-12-31 plus a day) in the view or the service."""

    default_error_messages = {"out_of_range": gettext_lazy("Enter a date from %(first)s to %(last)s.")}

    def to_python(self, value):
        day = super().to_python(value)
        if day is not None and not EARLIEST_INPUT_DATE <= day <= LATEST_INPUT_DATE:
            raise forms.ValidationError(self.error_messages["out_of_range"], code="out_of_range", params={
                "first": date_format(EARLIEST_INPUT_DATE, "SHORT_DATE_FORMAT"),
                "last": date_format(LATEST_INPUT_DATE, "SHORT_DATE_FORMAT")})
        return day


def plain_text(*, one_line: bool = True):
    """A validator for a form's text field: no control or format character (core.text)."""

    def validate(value: str) -> None:
        try:
            plain_text_checked(value or "", field="", code="invalid_text", one_line=one_line)
        except DomainError as exc:
            raise forms.ValidationError(exc.detail, code=exc.code) from None

    return validate


class DomainErrorForm(forms.Form):
    """A form that shows a service's DomainError on the field it names, or above the form."""

    def add_domain_error(self, exc: DomainError) -> None:
        if exc.field in self.fields:
            self.add_error(exc.field, exc.detail)
        else:
            self.add_error(None, str(exc))
