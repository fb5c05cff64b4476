"""Money: Decimal rupees, read strictly, and shown the Indian way: ₹6,65,000.00 in tables,
₹6.65 lakh / ₹66.17 crore in summaries.

Indian digit grouping keeps the last three digits together and then groups
by two (1,00,00,000), which no Django locale format does for us.
"""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext

from core.errors import DomainError

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


def format_inr_full(value) -> str:
    """'₹6,65,000.00 (₹6.65 lakh)': the exact amount, with the short form only when it says more
    (a lakh or more); under a lakh the short form would only repeat it: '₹45,128.00'."""
    amount = _decimal(value)
    if amount is None:
        return ""
    exact = format_inr(amount)
    return f"{exact} ({format_inr_short(amount)})" if abs(amount) >= LAKH else exact


def format_count(value) -> str:
    """A count with Indian grouping: 7339 → '7,339', 123456 → '1,23,456' (blank for no number)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return ""
    return ("-" if number < 0 else "") + group_indian(abs(number))


# The most a money column (numeric(14, 2)) holds: anything larger the database refuses.
MONEY_LIMIT = Decimal("999999999999.99")


# Money as people and files write it: ASCII digits, then a point and the paise if any, a minus sign in front
# (each caller says whether a negative amount means anything: an adjustment's does, a payment's does not).
# Python's Decimal reads far more, none of which is how an amount is written on a receipt or in a billing
# file: "1_000", "５" (full-width digits), "1e2", "Infinity", "+5", ".5", "5.". The imports' SQL checks
# (imports.pipeline.checks.AMOUNT_RE) are this grammar with the length a money column holds.
_AMOUNT_TEXT = re.compile(r"-?[0-9]+(?:[.][0-9]+)?")


def is_plain_amount(text: str) -> bool:
    """Whether ``text`` is an amount written plainly (see _AMOUNT_TEXT); its places and size are checked apart."""
    return _AMOUNT_TEXT.fullmatch(text) is not None


def money(value, *, field: str = "amount") -> Decimal:
    """A Decimal rupee amount with at most 2 places that a money column holds, or a DomainError naming the field.
    Text must be a plain amount ("4512.50", "-500"); a Decimal or an int is taken as it is."""
    if isinstance(value, float):
        raise DomainError(gettext("give the amount as a decimal string, not a float"),
                          code="invalid_amount", field=field)
    if isinstance(value, str) and not is_plain_amount(value):
        raise DomainError(gettext("not an amount: %(value)r") % {"value": value},
                          code="invalid_amount", field=field)
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise DomainError(gettext("not an amount: %(value)r") % {"value": value},
                          code="invalid_amount", field=field) from None
    if not amount.is_finite():
        raise DomainError(gettext("not an amount: %(value)r") % {"value": value},
                          code="invalid_amount", field=field)
    # The size first: quantize() can't even round an amount of more than 28 digits.
    if abs(amount) > MONEY_LIMIT:
        raise DomainError(gettext("at most %(limit)s") % {"limit": format_inr(MONEY_LIMIT)},
                          code="invalid_amount", field=field)
    if amount != amount.quantize(CENT):
        raise DomainError(gettext("at most 2 decimal places: %(value)r") % {"value": value},
                          code="invalid_amount", field=field)
    return amount.quantize(CENT) + 0  # + 0: "-0" is 0.00, not -0.00


def amount_checked(value, *, field: str = "amount", allow_zero: bool = False) -> Decimal:
    """``money()`` more than zero (zero or more with ``allow_zero``): the one rule for every amount that enters
    the app (a payment, a notice's demand, a dispute, a drive's minimum), from a page, the API, the admin or a
    command alike. Zero and a negative amount are the same refusal: ``invalid_amount`` on ``field``."""
    amount = money(value, field=field)
    if amount < 0 or (amount == 0 and not allow_zero):
        raise DomainError(gettext("must be zero or more") if allow_zero else gettext("must be more than zero"),
                          code="invalid_amount", field=field)
    return amount
