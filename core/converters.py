"""Path converters: a URL part that can't be a valid key is a 404 before any view or query runs."""

from django.urls import register_converter


class AccountNoConverter:
    """A consumer's account number: text of 8 to 12 digits, leading zeros kept (DESIGN.md)."""

    regex = "[0-9]{8,12}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


# Registered on import: every URL module that takes an account number imports this one.
register_converter(AccountNoConverter, "account_no")
