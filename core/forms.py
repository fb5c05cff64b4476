"""Form helpers shared by every app's pages and admin."""

from django import forms

from core.errors import DomainError


class DomainErrorForm(forms.Form):
    """A form that shows a service's DomainError on the field it names, or above the form."""

    def add_domain_error(self, exc: DomainError) -> None:
        if exc.field in self.fields:
            self.add_error(exc.field, exc.detail)
        else:
            self.add_error(None, str(exc))
