"""A defaulter list as a spreadsheet: the one set of columns the CSV and the XLSX share, headed as the list page heads
them, in the user's language (issue 21, item 7: the exports once had field names for headers, and a protected
consumer read "yes" in one file and "1" in the other). The API keeps its field names; these are for people."""

from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from defaulters.models import AccountabilityBand, AgeBucket, DefaulterEntry
from defaulters.signals import MARKS, entries_marked_in_chunks

# (heading, XLSX width): the list page's headings, in its order, then whether the consumer is protected.
COLUMNS = [
    (_("Rank"), 6),
    (_("Account no."), 14),
    (_("Name"), 28),
    (_("Address"), 40),
    (_("Arrears on the list"), 16),
    (_("Arrears now"), 16),
    (_("Oldest unpaid due"), 14),
    (_("Days overdue"), 8),
    (_("Age"), 12),
    (_("Accountable"), 24),
    (_("Protected"), 10),
    # Listed (the law's threshold) but kept from a cut: in OTS, on a plan, promised to pay; blank otherwise.
    (_("Settlement"), 16),
]


def export_header() -> list[str]:
    return [str(heading) for heading, _width in COLUMNS]


def export_widths() -> list[int]:
    return [width for _heading, width in COLUMNS]


def export_rows(entries: QuerySet[DefaulterEntry]) -> Iterator[list]:
    """A row per entry, typed (money Decimal, dates date) for core.exports; ``entries`` from defaulter_entries,
    which carries each consumer's arrears now (``live_arrears``). The words are translated here, in the request's
    language: a streamed CSV is written after the view has returned."""
    ages = {value: str(label) for value, label in AgeBucket.choices}
    bands = {value: str(label) for value, label in AccountabilityBand.choices}
    protected = {True: gettext("Yes"), False: gettext("No")}
    marks = {value: str(label) for value, label in MARKS.items()}
    return ([e.rank, e.account_no, e.name, e.address, e.arrears, e.live_arrears, e.oldest_due_date, e.days_overdue,
             ages.get(e.age_bucket, e.age_bucket), bands.get(e.band, e.band), protected[bool(e.is_protected)],
             marks.get(e.settlement, "")]
            for e in entries_marked_in_chunks(entries.iterator(chunk_size=2000)))
