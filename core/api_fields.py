"""Bounded input fields for API serializers: whatever a client sends is a 400 or a value the services can
work with, never a crash (tests/api/test_fuzz.py sends anything the schema allows)."""

from datetime import date

from rest_framework import serializers

# Dates the app can hold and do arithmetic on (a notice's lawful day is 16 days on; year 9999 would overflow).
# Business bounds (not in the future, not before KESCO's ledger) are the services' refusals, inside these.
EARLIEST_INPUT_DATE = date(1900, 1, 1)
LATEST_INPUT_DATE = date(2099, 12, 31)

# Free text typed on a phone: a note, a resolution.
NOTES_MAX_LENGTH = 2000


class DateInput(serializers.DateField):
    """A date between 1900 and 2099 (400 outside)."""

    default_error_messages = {"out_of_range": "Date out of range (1900-01-01 to 2099-12-31)."}

    def to_internal_value(self, value):
        parsed = super().to_internal_value(value)
        if not EARLIEST_INPUT_DATE <= parsed <= LATEST_INPUT_DATE:
            self.fail("out_of_range")
        return parsed


class DateTimeInput(serializers.DateTimeField):
    """A date and time in any offset between 1900 and 2099 (400 outside). DRF's own check converts it to
    UTC and crashes on year 1 or 9999 in another time zone."""

    default_error_messages = {"out_of_range": "Date and time out of range (1900 to 2099)."}

    def to_internal_value(self, value):
        try:
            parsed = super().to_internal_value(value)
        except OverflowError:
            self.fail("out_of_range")
        if not EARLIEST_INPUT_DATE.year <= parsed.year <= LATEST_INPUT_DATE.year:
            self.fail("out_of_range")
        return parsed


def notes_field(**kwargs) -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True, max_length=NOTES_MAX_LENGTH, **kwargs)
