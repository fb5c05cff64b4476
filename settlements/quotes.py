"""A scheme's quote for one consumer on one day: eligible or why not, and per plan the waiver, the rebate, what
is to be paid, the registration deposit and the schedule. The one implementation: the eligibility API, the
registration, the clerk's stop suggestion and the slip all read it.

    principal, surcharge  the arrears as of the scheme's dues cut-off (arrears.split): dues fallen due before it,
                          less credits dated on or before it, paying the oldest dues first. The cut-off is
                          before the scheme opens (schemes_load), so no deposit is ever among those credits.
    waiver   = surcharge × waiver %        rebate = principal × rebate %        (to the paisa, half up)
    payable  = principal + surcharge − waiver − rebate
    deposit  = principal × deposit % or a fixed ₹ (never more than payable); due on registration
    the rest: lump sum → one payment, lump_sum_days after registration;
              N instalments → N equal monthly amounts (the paise left over on the last);
              fixed-amount → monthly instalments of that amount, the last one what remains.
"""

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from arrears.models import ConnectionStatus, Consumer
from arrears.split import consumer_split
from core.money import format_inr
from settlements.models import Connection, PlanKind, Scheme, SchemePhase, SchemeTerm, Settlement, SettlementStatus

PAISA = Decimal("0.01")
MAX_INSTALMENTS = 120


@dataclass(frozen=True)
class Due:
    number: int  # 0: the registration deposit
    due_on: date
    amount: Decimal


@dataclass(frozen=True)
class PlanQuote:
    plan: str
    term: SchemeTerm
    surcharge_waiver_pct: Decimal
    principal_rebate_pct: Decimal
    waiver: Decimal
    rebate: Decimal
    payable: Decimal
    deposit: Decimal
    schedule: list[Due]

    @property
    def instalments(self) -> list[Due]:
        """The schedule after the deposit."""
        return [due for due in self.schedule if due.number]

    @property
    def label(self) -> str:
        return str(PlanKind(self.plan).label)


@dataclass(frozen=True)
class Quote:
    scheme: Scheme
    consumer: Consumer
    on: date
    phase: SchemePhase | None
    principal: Decimal
    surcharge: Decimal
    eligible: bool
    code: str = ""  # why not, stable: scheme_closed, not_eligible, nothing_due, already_registered
    reason: str = ""
    plans: list[PlanQuote] = field(default_factory=list)

    def plan(self, plan: str) -> PlanQuote | None:
        return next((quote for quote in self.plans if quote.plan == plan), None)


def _pct(amount: Decimal, pct: Decimal) -> Decimal:
    return (amount * pct / 100).quantize(PAISA, rounding=ROUND_HALF_UP)


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _meets(bounds, *, consumer: Consumer, principal: Decimal) -> str:
    """'' when the consumer meets every bound of ``bounds`` (a SchemeRule or SchemeTerm), else why not."""
    load = consumer.sanctioned_load_kw
    if bounds.categories and consumer.category not in bounds.categories:
        return _("rate schedule %(category)s is not among %(allowed)s") % {
            "category": consumer.category, "allowed": ", ".join(bounds.categories)}
    if bounds.load_min_kw is not None and not load > bounds.load_min_kw:
        return _("sanctioned load %(load)s kW is not above %(bound)s kW") % {"load": load, "bound": bounds.load_min_kw}
    if bounds.load_max_kw is not None and load > bounds.load_max_kw:
        return _("sanctioned load %(load)s kW is above %(bound)s kW") % {"load": load, "bound": bounds.load_max_kw}
    if bounds.principal_min is not None and not principal > bounds.principal_min:
        return _("principal %(amount)s is not above %(bound)s") % {
            "amount": format_inr(principal), "bound": format_inr(bounds.principal_min)}
    if bounds.principal_max is not None and principal > bounds.principal_max:
        return _("principal %(amount)s is above %(bound)s") % {
            "amount": format_inr(principal), "bound": format_inr(bounds.principal_max)}
    disconnected = consumer.status == ConnectionStatus.DISCONNECTED
    if bounds.connection == Connection.CONNECTED and disconnected:
        return _("only for connected consumers")
    if bounds.connection == Connection.DISCONNECTED and not disconnected:
        return _("only for permanently disconnected consumers")
    return ""


def _refusal(rules, *, consumer: Consumer, principal: Decimal) -> str:
    """'' when a rule admits the consumer; else the reason of the rule closest to admitting them (one that
    names their rate schedule first)."""
    reasons = []
    for rule in rules:
        reason = _meets(rule, consumer=consumer, principal=principal)
        if not reason:
            return ""
        reasons.append((consumer.category not in (rule.categories or [consumer.category]), reason))
    reasons.sort(key=lambda item: item[0])
    return reasons[0][1] if reasons else _("the scheme has no eligibility rule")


def _schedule(term: SchemeTerm, *, scheme: Scheme, on: date, payable: Decimal, deposit: Decimal) -> list[Due]:
    dues = [Due(0, on, deposit)] if deposit > 0 else []
    rest = payable - deposit
    if rest <= 0:
        return dues
    if term.plan == PlanKind.LUMP_SUM:
        return dues + [Due(1, on + timedelta(days=scheme.lump_sum_days), rest)]
    if term.plan == PlanKind.INSTALMENTS:
        count = term.instalments
        each = (rest / count).quantize(PAISA, rounding=ROUND_DOWN)
        amounts = [each] * (count - 1) + [rest - each * (count - 1)]
    else:
        each = term.instalment_amount
        count = min(int((rest / each).to_integral_value(rounding="ROUND_CEILING")), MAX_INSTALMENTS)
        amounts = [each] * (count - 1) + [rest - each * (count - 1)]
    return dues + [Due(n, add_months(on, n * scheme.instalment_months), amount)
                   for n, amount in enumerate(amounts, start=1) if amount > 0]


def plan_quote(term: SchemeTerm, *, scheme: Scheme, on: date, principal: Decimal, surcharge: Decimal) -> PlanQuote:
    waiver = _pct(surcharge, term.surcharge_waiver_pct)
    rebate = _pct(principal, term.principal_rebate_pct)
    payable = principal + surcharge - waiver - rebate
    if term.deposit_pct is not None:
        deposit = _pct(principal, term.deposit_pct)
    else:
        deposit = term.deposit_fixed or Decimal("0.00")
    deposit = min(deposit, payable)
    return PlanQuote(plan=term.plan, term=term, surcharge_waiver_pct=term.surcharge_waiver_pct,
                     principal_rebate_pct=term.principal_rebate_pct, waiver=waiver, rebate=rebate, payable=payable,
                     deposit=deposit, schedule=_schedule(term, scheme=scheme, on=on, payable=payable, deposit=deposit))


def scheme_quote(*, scheme: Scheme, consumer: Consumer, on: date, principal: Decimal | None = None,
                 surcharge: Decimal | None = None) -> Quote:
    """The quote of ``scheme`` for ``consumer`` registering on ``on``. ``principal``/``surcharge``: as of the
    scheme's cut-off from the ledger unless given (a caller that has them already)."""
    if principal is None or surcharge is None:
        split = consumer_split(consumer, as_of=scheme.dues_cutoff)
        principal, surcharge = split.principal, split.surcharge
    phase = next((p for p in scheme.phases.all() if p.starts_on <= on <= p.ends_on), None)
    base = {"scheme": scheme, "consumer": consumer, "on": on, "phase": phase, "principal": principal,
            "surcharge": surcharge}
    if not scheme.is_active or not (scheme.starts_on <= on <= scheme.ends_on) or phase is None:
        return Quote(**base, eligible=False, code="scheme_closed",
                     reason=_("registration is open from %(start)s to %(end)s") % {
                         "start": scheme.starts_on.strftime("%d-%m-%Y"), "end": scheme.ends_on.strftime("%d-%m-%Y")})
    reason = _refusal(scheme.rules.all(), consumer=consumer, principal=principal)
    if reason:
        return Quote(**base, eligible=False, code="not_eligible", reason=reason)
    if principal + surcharge <= 0:
        return Quote(**base, eligible=False, code="nothing_due",
                     reason=_("nothing was owed up to %(date)s") % {"date": scheme.dues_cutoff.strftime("%d-%m-%Y")})
    live = Settlement.objects.filter(consumer=consumer, status=SettlementStatus.LIVE).first()
    if live is not None:
        return Quote(**base, eligible=False, code="already_registered",
                     reason=_("already registered (%(reference)s)") % {"reference": live.reference})
    plans, seen = [], set()
    for term in scheme.terms.all():
        if term.plan in seen or (term.phase_id is not None and term.phase_id != phase.pk):
            continue
        if _meets(term, consumer=consumer, principal=principal):
            continue
        seen.add(term.plan)
        plans.append(plan_quote(term, scheme=scheme, on=on, principal=principal, surcharge=surcharge))
    if not plans:
        return Quote(**base, eligible=False, code="not_eligible",
                     reason=_("no plan of phase %(phase)s fits this consumer") % {"phase": phase.number})
    order = list(PlanKind.values)
    plans.sort(key=lambda quote: order.index(quote.plan))
    return Quote(**base, eligible=True, plans=plans)


def schemes_open(on: date):
    """The schemes open for registration on ``on``, with what a quote reads."""
    return (Scheme.objects.filter(is_active=True, starts_on__lte=on, ends_on__gte=on)
            .prefetch_related("phases", "rules", "terms").order_by("starts_on", "code"))


@dataclass(frozen=True)
class Suggestion:
    """What the clerk's stop page offers a consumer eligible for an open scheme: the plan with instalments that asks
    the least down (else the lump sum), as "pay ₹X now, then ₹Y × N"."""

    scheme: Scheme
    offer: PlanQuote

    @property
    def now(self) -> Decimal:
        return self.offer.deposit

    @property
    def each(self) -> Decimal | None:
        instalments = self.offer.instalments
        return instalments[0].amount if instalments else None

    @property
    def count(self) -> int:
        return len(self.offer.instalments)

    @property
    def last_due_on(self) -> date | None:
        instalments = self.offer.instalments
        return instalments[-1].due_on if instalments else None


def scheme_suggestion(*, consumer: Consumer, on: date) -> Suggestion | None:
    """The first open scheme the consumer may join today, with its suggested plan; None if none. One quote per open
    scheme (a split query each): for one stop's consumer, not a list of them."""
    for scheme in schemes_open(on):
        quote = scheme_quote(scheme=scheme, consumer=consumer, on=on)
        if not quote.eligible:
            continue
        by_instalments = [offer for offer in quote.plans if offer.plan != PlanKind.LUMP_SUM and offer.instalments]
        offer = min(by_instalments, key=lambda o: o.deposit) if by_instalments else quote.plans[0]
        return Suggestion(scheme=scheme, offer=offer)
    return None
