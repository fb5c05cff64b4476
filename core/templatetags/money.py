"""Template filters for money the Indian way (the rules are in core.money)."""

from django import template

from core.money import format_count, format_inr, format_inr_full, format_inr_short

register = template.Library()


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
    return format_count(value)


@register.filter
def inr_full(value) -> str:
    """'₹6,65,000.00 (₹6.65 lakh)'; under a lakh just '₹45,128.00' (no repeat)."""
    return format_inr_full(value)
