"""Form helpers shared by every app's pages and admin."""

from django import forms

from core.errors import DomainError


class DomainErrorForm(forms.Form):
    """A form that shows a service's DomainError on the field it names ("receipt_no: …")."""

    def add_domain_error(self, exc: DomainError) -> None:
        field, sep, reason = exc.detail.partition(": ")
        if sep and field in self.fields:
            self.add_error(field, reason)
        else:
            self.add_error(None, exc.detail)
