"""Scenes for the settlements tests: the schemes that ship (settlements/fixtures/schemes.json), consumers owing
principal and surcharge before a cut-off, and a scheme open today for the life of a registration."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from core.dates import india_today
from settlements.models import Scheme
from settlements.schemes import schemes_load, schemes_load_fixture
from tests.factories import add_entry, make_consumer


def shipped_schemes() -> dict[str, Scheme]:
    return {scheme.code: scheme for scheme in schemes_load_fixture()}


def owing(division, *, principal: str, surcharge: str, before: date, category="LMV-1", load="1.00", **fields):
    """A consumer with a bill of ``principal`` due a month before ``before`` and a surcharge of ``surcharge``
    charged a fortnight before it."""
    consumer = make_consumer(division, category=category, sanctioned_load_kw=load, **fields)
    add_entry(consumer, "BILL", principal, before - timedelta(days=45), before - timedelta(days=30))
    if Decimal(surcharge):
        add_entry(consumer, "SURCHARGE", surcharge, before - timedelta(days=15))
    consumer.refresh_from_db()
    return consumer


def at_noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


def open_scheme(**terms) -> Scheme:
    """A scheme open from a week ago to a month ahead, its dues cut off the day before: one phase; a lump sum
    (100% waiver) and 4 instalments (50% waiver), 30% deposit, for LMV-1 and LMV-2."""
    today = india_today()
    data = {"schemes": [{
        "code": "OTS-TEST", "name_en": "Test settlement", "name_hi": "परीक्षण समाधान",
        "starts_on": str(today - timedelta(days=7)), "ends_on": str(today + timedelta(days=30)),
        "dues_cutoff": str(today - timedelta(days=8)), "lump_sum_days": 15,
        "phases": [{"number": 1, "starts_on": str(today - timedelta(days=7)),
                    "ends_on": str(today + timedelta(days=30))}],
        "rules": [{"categories": ["LMV-1", "LMV-2"]}],
        "terms": [
            {"phase": 1, "plan": "lump_sum", "surcharge_waiver_pct": "100", "deposit_pct": "30", **terms},
            {"phase": 1, "plan": "instalments", "instalments": 4, "surcharge_waiver_pct": "50", "deposit_pct": "30"},
        ]}]}
    return schemes_load(data)[0]
