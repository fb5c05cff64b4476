from django import template

from reports.formats import MONEY_KEYS, figure_text

register = template.Library()


@register.filter
def figure(row, key: str) -> str:
    """``{{ row|figure:"collections" }}``: the row's figure as text (reports.formats.figure_text)."""
    return figure_text(key, getattr(row, key))


@register.filter
def figure_rupees(row, key: str) -> str:
    """``{{ row|figure_rupees:"collections" }}``: as ``figure``, money to the rupee (₹6,65,000): the summary table."""
    return figure_text(key, getattr(row, key), paise=False)


@register.filter
def figure_exact(row, key: str) -> str:
    """The exact amount with its paise for a money figure (the title of a cell that shows it to the rupee), else ""."""
    return figure_text(key, getattr(row, key)) if key in MONEY_KEYS else ""
