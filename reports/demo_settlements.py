"""Demo settlements for `make run`: the schemes that ship, a scheme open today (OTS-DEMO), and in each demo
division two registrations (one live on instalments, one completed with its waiver on the ledger) and a promise
to pay, so the defaulter list shows its marks ("in OTS", "promised to pay") and today's drive leaves them out.

Through the services, as at the counter: the deposit is first recorded as a payment (payments.services.
payment_record), then the registration names its receipt (settlements.services.settlement_register); the completed
one pays the rest at once. Here, below payments and settlements in the layout, because it takes payments. Run
before seed_demo_drives (the drives then keep these consumers off). Idempotent: a division with a settlement already
is left alone; the schemes are loaded again only while nobody has registered under them.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings

from accounts.demo import DEMO_DIVISIONS
from accounts.models import Division, User
from arrears.models import Consumer
from core.dates import india_today
from core.errors import DomainError
from core.models import Source
from defaulters.selectors import defaulter_entries, defaulter_list_latest
from drives.models import Stop, StopStatus
from payments.services import payment_record
from settlements.models import PlanKind, Scheme, Settlement
from settlements.quotes import scheme_quote
from settlements.schemes import SchemeImportError, schemes_load, schemes_load_fixture
from settlements.services import promise_record, settlement_register

DEMO_SCHEME = "OTS-DEMO"
PROMISE_DAYS = 5


@dataclass
class DemoSettlements:
    schemes: int = 0
    registrations: int = 0
    completed: int = 0
    promises: int = 0


def demo_scheme_data(today) -> dict:
    """A scheme open from a fortnight ago to two months ahead, its dues counted up to the day before it opened (so
    no deposit is among them): for domestic, commercial, private-institution and industrial consumers, a lump
    sum with all the surcharge waived and 10% off the principal (the demo's ledgers carry little surcharge: the
    completion credit shows on the ledger), or six monthly instalments with half the surcharge waived; 30% of the
    principal down."""
    starts, ends = today - timedelta(days=14), today + timedelta(days=60)
    return {"schemes": [{
        "code": DEMO_SCHEME, "name_en": "OTS demo", "name_hi": "एकमुश्त समाधान डेमो",
        "starts_on": str(starts), "ends_on": str(ends), "dues_cutoff": str(starts - timedelta(days=1)),
        "instalment_months": 1, "lump_sum_days": 30,
        "phases": [{"number": 1, "starts_on": str(starts), "ends_on": str(ends)}],
        "rules": [{"categories": ["LMV-1", "LMV-2", "LMV-4B", "LMV-6"], "connection": "any"}],
        "terms": [
            {"phase": 1, "plan": "lump_sum", "surcharge_waiver_pct": "100", "principal_rebate_pct": "10",
             "deposit_pct": "30"},
            {"phase": 1, "plan": "instalments", "instalments": 6, "surcharge_waiver_pct": "50", "deposit_pct": "30"},
        ]}]}


def _schemes_loaded(today) -> tuple[Scheme, int]:
    """The shipped schemes and OTS-DEMO (open today), each loaded unless someone registered under it."""
    loaded = 0
    try:
        loaded += len(schemes_load_fixture())
    except SchemeImportError:  # registered under already: as they are
        pass
    demo = Scheme.objects.filter(code=DEMO_SCHEME).first()
    if demo is not None and demo.starts_on <= today <= demo.ends_on:
        return demo, loaded
    data = demo_scheme_data(today)
    if demo is not None and demo.settlements.exists():
        # The demo of an earlier season, in use: today's under a dated code.
        data["schemes"][0]["code"] = f"{DEMO_SCHEME}-{today:%Y%m%d}"
    return schemes_load(data)[0], loaded + 1


def demo_settlements_seed() -> DemoSettlements:
    today = india_today()
    result = DemoSettlements()
    scheme, result.schemes = _schemes_loaded(today)
    for code, _name, _hi in DEMO_DIVISIONS:
        division = Division.objects.get(code=code)
        if Settlement.objects.filter(division=division).exists():
            continue
        officer = User.objects.get(username=f"officer_{code.lower()}")
        clerk = User.objects.get(username=f"clerk_{code.lower()}")
        eligible = _eligible(officer, division, scheme, today)
        if len(eligible) < 3:
            continue
        # The highest arrears pay in instalments (still on the list, in OTS), the lowest settle at once (off the
        # list: paid), one between promises to pay (on the list, promised to pay).
        live, promised, completed = eligible[0], eligible[len(eligible) // 2], eligible[-1]
        n = 0
        for consumer, plan in ((live, PlanKind.INSTALMENTS), (completed, PlanKind.LUMP_SUM)):
            n += 1
            offer = scheme_quote(scheme=scheme, consumer=consumer, on=today).plan(plan)
            receipt_no = f"DEMO-OTS-{code}-{n}"
            payment_record(user=clerk, account_no=consumer.account_no, amount=offer.deposit, mode="cash",
                           receipt_no=receipt_no, source=Source.COMMAND)
            settlement = settlement_register(user=clerk, account_no=consumer.account_no, scheme=scheme, plan=plan,
                                             deposit_receipt_no=receipt_no, source=Source.COMMAND)
            result.registrations += 1
            if plan == PlanKind.LUMP_SUM:
                payment_record(user=clerk, account_no=consumer.account_no,
                               amount=settlement.payable - settlement.paid, mode="cash",
                               receipt_no=f"DEMO-OTS-{code}-{n}-FULL", source=Source.COMMAND)
                result.completed += 1
        promised.refresh_from_db()
        promise_record(user=officer, account_no=promised.account_no,
                       amount=(promised.arrears / 2).quantize(Decimal("0.01")),
                       due_on=today + timedelta(days=PROMISE_DAYS),
                       reason="demo: the consumer promised half at the counter, the rest with the next bill",
                       source=Source.COMMAND)
        result.promises += 1
    return result


def _eligible(officer, division, scheme, today) -> list[Consumer]:
    """The division's listed defaulters the scheme takes, highest arrears first: connected, not protected, on no
    open stop (the demo's past drives have closed theirs)."""
    latest = defaulter_list_latest(officer, division)
    if latest is None:
        return []
    busy = set(Stop.objects.filter(status=StopStatus.OPEN).values_list("consumer_id", flat=True))
    ids = [e.consumer_id for e in defaulter_entries(latest) if not e.is_protected and e.consumer_id not in busy]
    consumers = (Consumer.objects.filter(pk__in=ids, status="connected", arrears__gt=settings.DEFAULTER_THRESHOLD)
                 .order_by("-arrears", "account_no"))
    eligible = []
    for consumer in consumers:
        try:
            quote = scheme_quote(scheme=scheme, consumer=consumer, on=today)
        except DomainError:
            continue
        if quote.eligible and quote.plan(PlanKind.INSTALMENTS) and quote.plan(PlanKind.LUMP_SUM):
            eligible.append(consumer)
    return eligible
