from django import template

from reports.formats import figure_text

register = template.Library()


@register.filter
def figure(row, key: str) -> str:
    """``{{ row|figure:"collections" }}``: the row's figure as text (reports.formats.figure_text)."""
    return figure_text(key, getattr(row, key))
