"""Form helpers shared by every app's pages and admin."""


from django import forms

from core.errors import DomainError
from core.money import amount_checked


class AmountField(forms.DecimalField):
    """Rupees on a page or in the admin, checked by the one rule for amounts (core.money.amount_checked):
    more than zero (zero or more with ``allow_zero``); zero and a negative amount get the same message
    as from the API and the services."""

    def __init__(self, *, allow_zero: bool = False, **kwargs):
        self.allow_zero = allow_zero
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)
        # Tells the phone's keyboard and the browser what may be typed; the rule itself is in clean().
        self.widget.attrs.setdefault("min", "0" if allow_zero else "0.01")

    def clean(self, value):
        amount = super().clean(value)
        if amount is None:
            return None
        try:
            return amount_checked(amount, field="amount", allow_zero=self.allow_zero)
        except DomainError as exc:
            raise forms.ValidationError(exc.detail, code=exc.code) from None


class DomainErrorForm(forms.Form):
    """A form that shows a service's DomainError on the field it names, or above the form."""

    def add_domain_error(self, exc: DomainError) -> None:
        if exc.field in self.fields:
            self.add_error(exc.field, exc.detail)
        else:
            self.add_error(None, str(exc))
