"""Money the Indian way: ₹6,65,000.00 in tables, ₹6.65 lakh / ₹66.17 crore in summaries.

Indian digit grouping keeps the last three digits together and then groups
by two (1,00,00,000), which no Django locale format does for us.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.translation import gettext

register = template.Library()

CENT = Decimal("0.01")
LAKH = Decimal("100000")
CRORE = Decimal("10000000")


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        value = str(value)  # a float never reaches money code; be forgiving in a template
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None
    return amount if amount.is_finite() else None


def group_indian(whole: int) -> str:
    """12345678 → '1,23,45,678' (whole, non-negative numbers)."""
    digits = str(whole)
    if len(digits) <= 3:
        return digits
    head, tail = digits[:-3], digits[-3:]
    pairs = []
    while len(head) > 2:
        pairs.insert(0, head[-2:])
        head = head[:-2]
    return ",".join([head, *pairs, tail])


def format_inr(value, *, symbol: bool = True) -> str:
    amount = _decimal(value)
    if amount is None:
        return ""
    amount = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    whole, _dot, paise = f"{abs(amount):.2f}".partition(".")
    return f"{sign}{'₹' if symbol else ''}{group_indian(int(whole))}.{paise}"


def format_inr_short(value) -> str:
    amount = _decimal(value)
    if amount is None:
        return ""
    sign = "-" if amount < 0 else ""
    size = abs(amount)
    lakhs = (size / LAKH).quantize(CENT, rounding=ROUND_HALF_UP)
    if size >= CRORE or lakhs >= 100:
        crores = (size / CRORE).quantize(CENT, rounding=ROUND_HALF_UP)
        whole, _dot, fraction = f"{crores:.2f}".partition(".")
        return sign + gettext("₹%(amount)s crore") % {"amount": f"{group_indian(int(whole))}.{fraction}"}
    rupees = amount.quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    if abs(rupees) >= LAKH:
        return sign + gettext("₹%(amount)s lakh") % {"amount": f"{lakhs:.2f}"}
    return format_inr(rupees).removesuffix(".00")


@register.filter
def inr(value) -> str:
    """Decimal rupees → '₹6,65,000.00' (negative: '-₹1,250.00'; blank for no value)."""
    return format_inr(value)


@register.filter
def inr_short(value) -> str:
    """Decimal rupees → '₹6.65 lakh', '₹66.17 crore'; under a lakh, whole rupees: '₹65,000'."""
    return format_inr_short(value)


@register.filter
def indian_int(value) -> str:
    """A count with Indian grouping: 123456 → '1,23,456'."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return ""
    return ("-" if number < 0 else "") + group_indian(abs(number))
