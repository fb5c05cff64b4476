"""Bounded input fields for API serializers: whatever a client sends is a 400 or a value the services can
work with, never a crash (tests/api/test_fuzz.py sends anything the schema allows)."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy
from rest_framework import serializers

from core.codes import RECEIPT_NO_LENGTH, receipt_no_checked
from core.dates import EARLIEST_INPUT_DATE, LATEST_INPUT_DATE
from core.errors import DomainError
from core.money import amount_checked
from core.text import plain_text_checked

# Free text typed on a phone: a note, a resolution.
NOTES_MAX_LENGTH = 2000


class DateInput(serializers.DateField):
    """A date between 1900 and 2099 (400 outside)."""

    default_error_messages = {"out_of_range": gettext_lazy("Date out of range (1900-01-01 to 2099-12-31).")}

    def to_internal_value(self, value):
        parsed = super().to_internal_value(value)
        if not EARLIEST_INPUT_DATE <= parsed <= LATEST_INPUT_DATE:
            self.fail("out_of_range")
        return parsed


class DateTimeInput(serializers.DateTimeField):
    """A date and time in any offset between 1900 and 2099 (400 outside). DRF's own check converts it to
    UTC and crashes on year 1 or 9999 in another time zone."""

    default_error_messages = {"out_of_range": gettext_lazy("Date and time out of range (1900 to 2099).")}

    def to_internal_value(self, value):
        try:
            parsed = super().to_internal_value(value)
        except OverflowError:
            self.fail("out_of_range")
        if not EARLIEST_INPUT_DATE.year <= parsed.year <= LATEST_INPUT_DATE.year:
            self.fail("out_of_range")
        return parsed


class CoordinateInput(serializers.DecimalField):
    """Degrees of latitude (``limit`` 90) or longitude (180), rounded to six places (about 10 cm): a phone's
    GPS gives more places than that, which is no reason to lose the outcome it came with."""

    default_error_messages = {"out_of_range": gettext_lazy("Between -{limit} and {limit}.")}
    PLACES = Decimal("0.000001")

    def __init__(self, *, limit: int, **kwargs):
        self.limit = Decimal(limit)
        super().__init__(max_digits=9, decimal_places=6, min_value=-self.limit, max_value=self.limit, **kwargs)

    def validate_precision(self, value):
        # DRF counts the places before it would round: round first, once the value is known to be small.
        if not -self.limit <= value <= self.limit:
            self.fail("out_of_range", limit=self.limit)
        return super().validate_precision(value.quantize(self.PLACES, rounding=ROUND_HALF_UP))


def plain_text(*, one_line: bool = True):
    """A validator for a text field: no control or format character (core.text), a 400 on the field. A note
    (``one_line=False``) may break lines."""

    def validate(value: str) -> None:
        try:
            plain_text_checked(value, field="", code="invalid_text", one_line=one_line)
        except DomainError as exc:
            raise serializers.ValidationError(exc.detail, code=exc.code) from None

    return validate


def notes_field(**kwargs) -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True, max_length=NOTES_MAX_LENGTH,
                                 validators=[plain_text(one_line=False)], **kwargs)


class AmountInput(serializers.DecimalField):
    """Rupees as a decimal string with at most 2 places ("4512.50"), checked by the services' own rule
    (core.money.amount_checked): more than zero, or zero or more with ``allow_zero``. Zero and a negative
    amount are the same 400 on this field ({"amount": ["must be more than zero"]}), whatever the operation."""

    def __init__(self, *, allow_zero: bool = False, **kwargs):
        self.allow_zero = allow_zero
        kwargs.setdefault("min_value", Decimal("0.00") if allow_zero else Decimal("0.01"))
        super().__init__(max_digits=14, decimal_places=2, **kwargs)

    def to_internal_value(self, data):
        # The text itself, not what Python's Decimal makes of it: "1_000", "５" and "1e2" are no amounts
        # (core.money). A JSON number is read as it is written: 4512.5 as "4512.5".
        if isinstance(data, (int, float)) and not isinstance(data, bool):
            data = str(data)
        if not isinstance(data, str):
            return super().to_internal_value(data)  # DRF's own 400 ("A valid number is required.")
        if len(data) > self.MAX_STRING_LENGTH:
            self.fail("max_string_length")
        try:
            return amount_checked(data.strip(), field=self.field_name, allow_zero=self.allow_zero)
        except DomainError as exc:
            raise serializers.ValidationError(exc.detail, code=exc.code) from None


class ReceiptNoInput(serializers.CharField):
    """A receipt number, made canonical by the one rule (core.codes.receipt_no_checked): NFKC, upper case, then
    only A-Z, 0-9, "-" and "/", at most 40 characters. Anything else (a space inside, a zero-width or bidi
    character, a look-alike letter) is a 400 on this field, never a 409."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", RECEIPT_NO_LENGTH)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        if not text:
            return text  # allow_blank: an optional number left empty
        try:
            return receipt_no_checked(text, field=self.field_name)
        except DomainError as exc:
            raise serializers.ValidationError(exc.detail, code=exc.code) from None
