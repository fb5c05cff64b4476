"""A summary figure as text, the same on the page, in the PDF and in the e-mail."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from core.money import format_inr, group_indian
from reports.selectors import FIGURES

MONEY_KEYS = frozenset({"arrears", "paid_on_spot_amount", "collections", "target", "settlement_deposits",
                        "settlement_collected", "settlement_waivers", "scheme_target_amount", "rc_recovered"})
PERCENT_KEYS = frozenset({"achievement_pct", "scheme_registrations_pct", "scheme_amount_pct"})

# The summary's columns, in the contract's order: (key, heading). The page, CSV, XLSX and PDF use these.
COLUMNS = [
    ("defaulters", _("Defaulters")),
    ("arrears", _("Arrears")),
    ("notices_served", _("Notices served")),
    ("disconnections", _("Disconnections")),
    ("paid_on_spot_count", _("Paid on the spot")),
    ("paid_on_spot_amount", _("Paid on the spot (₹)")),
    ("collections", _("Collections")),
    ("reconnections", _("Reconnections")),
    ("target", _("Target")),
    ("achievement_pct", _("Achievement %")),
    ("theft_cases_found", _("Theft cases found")),
    ("theft_cases_assessed", _("Theft cases assessed")),
]
# The settlements' figures (issue 22): their own table on the page (the summary table's dozen columns already fill
# a laptop's width), the same columns after the others in the exports and the e-mail.
SETTLEMENT_COLUMNS = [
    ("settlements_registered", _("Settlements registered")),
    ("settlement_deposits", _("Settlement deposits")),
    ("settlement_collected", _("Collected under settlements")),
    ("settlement_waivers", _("Waivers and rebates")),
    ("settlements_defaulted", _("Settlements defaulted")),
    ("scheme_target_registrations", _("Scheme target (registrations)")),
    ("scheme_registrations_pct", _("Registrations achieved %")),
    ("scheme_target_amount", _("Scheme target (₹)")),
    ("scheme_amount_pct", _("Amount achieved %")),
]
# The recovery certificates' figures (issue 24): a table of their own on the page, after the settlements' in the
# exports and the e-mail.
RC_COLUMNS = [
    ("rc_raised", _("Recovery certificates raised")),
    ("rc_recovered", _("Recovered under RCs")),
]
EXPORT_COLUMNS = COLUMNS + SETTLEMENT_COLUMNS + RC_COLUMNS
assert [key for key, _heading in EXPORT_COLUMNS] == list(FIGURES)


def figure_text(key: str, value, *, paise: bool = True) -> str:
    """₹6,65,000.00 for money, 79.6% for the achievement, 1,02,345 for counts, "—" for none.

    ``paise=False`` rounds money to the rupee (₹6,65,000): the summary table on a page, whose dozen-odd columns
    must fit a laptop's width; the exports, the PDF and the e-mail keep the paise."""
    if value is None:
        return "—"
    if key in MONEY_KEYS:
        if not paise:
            return format_inr(Decimal(value).quantize(Decimal("1"), rounding=ROUND_HALF_UP)).removesuffix(".00")
        return format_inr(value)
    if key in PERCENT_KEYS:
        return f"{value}%"
    return group_indian(int(value))
