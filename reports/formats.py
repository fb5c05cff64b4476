"""A summary figure as text, the same on the page, in the PDF and in the e-mail."""

from core.money import format_inr, group_indian

MONEY_KEYS = frozenset({"arrears", "paid_on_spot_amount", "collections", "target"})


def figure_text(key: str, value) -> str:
    """₹6,65,000.00 for money, 79.6% for the achievement, 1,02,345 for counts, "—" for none."""
    if value is None:
        return "—"
    if key in MONEY_KEYS:
        return format_inr(value)
    if key == "achievement_pct":
        return f"{value}%"
    return group_indian(int(value))
