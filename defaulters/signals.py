"""What the defaulter list asks of the apps below it.

The list shows every consumer over the law's threshold, but some of them are kept from a cut by an app below
defaulters in the layout (settlements: in a scheme, on a plan, promised to pay). Defaulters may not read that app,
so it asks: ``defaulter_marks`` is sent with the consumer ids of a page (or a chunk of an export), and each
receiver answers ``{consumer_id: mark}`` for those it marks. settlements answers it (settlements/apps.py).
"""

from collections.abc import Iterable, Iterator

from django.dispatch import Signal
from django.utils.translation import gettext_lazy as _

defaulter_marks = Signal()

# The marks a receiver may answer, as the list shows them.
MARK_OTS = "ots"
MARK_PLAN = "plan"
MARK_PROMISE = "promise"
MARKS = {
    MARK_OTS: _("in OTS"),
    MARK_PLAN: _("on a plan"),
    MARK_PROMISE: _("promised to pay"),
}
CHUNK = 2000  # consumer ids per question: an export asks a chunk at a time


def defaulter_marks_for(consumer_ids: Iterable[int]) -> dict[int, str]:
    """consumer id → mark (one of MARKS) for the consumers a receiver marks; the others are absent."""
    ids = list(consumer_ids)
    marks: dict[int, str] = {}
    if not ids:
        return marks
    for _receiver, answer in defaulter_marks.send(sender=None, consumer_ids=ids):
        marks.update({consumer_id: mark for consumer_id, mark in (answer or {}).items() if mark in MARKS})
    return marks


def entries_marked(entries: Iterable) -> list:
    """The entries (a page's), each with ``settlement`` (its mark or None) and ``settlement_label`` (the mark's
    words, "" for none); one question for them all."""
    entries = list(entries)
    marks = defaulter_marks_for(e.consumer_id for e in entries)
    for entry in entries:
        entry.settlement = marks.get(entry.consumer_id)
        entry.settlement_label = MARKS.get(entry.settlement, "")
    return entries


def entries_marked_in_chunks(entries: Iterable) -> Iterator:
    """As entries_marked for a stream (an export): a question per CHUNK entries."""
    chunk = []
    for entry in entries:
        chunk.append(entry)
        if len(chunk) == CHUNK:
            yield from entries_marked(chunk)
            chunk = []
    yield from entries_marked(chunk)
