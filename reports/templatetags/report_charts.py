"""The table under a chart (templates/reports/_chart.html): the chart's numbers, a row per label."""

from django import template

from core.money import format_inr, group_indian

register = template.Library()


def _cell(value, *, money: bool) -> str:
    if value is None or value == "":
        return "—"
    if money:
        return format_inr(value)
    if float(value).is_integer():
        return ("-" if float(value) < 0 else "") + group_indian(abs(int(float(value))))
    return str(value)


@register.filter
def chart_rows(chart: dict) -> list[tuple[str, list[str]]]:
    """``{% for label, cells in chart|chart_rows %}``: each label with every dataset's value as text,
    money as ₹6,65,000.00 and counts as 1,02,345 (the chart's JSON shape: labels, datasets[].data)."""
    datasets = chart.get("datasets") or []
    rows = []
    for index, label in enumerate(chart.get("labels") or []):
        cells = []
        for dataset in datasets:
            data = dataset.get("data") or []
            cells.append(_cell(data[index] if index < len(data) else None, money=bool(dataset.get("money"))))
        rows.append((label, cells))
    return rows
