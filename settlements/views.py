"""Settlement pages: a consumer's settlements and the schemes open to them (the quote, registering, an officer's
instalment plan or promise to pay), the division's settlements, one settlement with its schedule, and the bilingual
registration slip.

Each view checks the role (accounts.permissions), reaches the consumer or settlement through a scoping selector
(another division's is a 404), validates a form (settlements.forms) and calls one service of settlements.services.
"""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import (
    may_grant_plan,
    may_record_promise,
    may_register_settlement,
    may_see_all_divisions,
    may_view_settlements,
    require,
)
from accounts.selectors import divisions_visible_to
from arrears.models import Consumer
from arrears.selectors import consumer_get
from core.dates import india_today
from core.errors import DomainError
from core.models import Source
from core.templatetags.money import inr
from core.words import amount_in_words_en, amount_in_words_hi
from settlements.forms import PlanGrantForm, PromiseForm, RegisterForm
from settlements.models import PromiseStatus, SettlementStatus
from settlements.quotes import scheme_quote, schemes_open
from settlements.selectors import promises_visible_to, settlements_visible_to
from settlements.services import plan_grant, promise_record, settlement_register

SETTLEMENTS_PER_PAGE = 50


# --- a consumer's settlements -------------------------------------------------------------------------------

def _consumer_page(request, consumer: Consumer, *, forms: dict | None = None, status: int = 200):
    """The consumer's settlements and open promise; per scheme open today its quote and, for who may register,
    the form; for an officer, the plan and promise forms. ``forms``: a refused form to show again (by name, or
    by scheme id for a registration)."""
    forms = forms or {}
    user = request.user
    today = india_today()
    registers = may_register_settlement(user)
    quotes = []
    for scheme in schemes_open(today):
        quote = scheme_quote(scheme=scheme, consumer=consumer, on=today)
        form = None
        if registers and quote.eligible:
            form = forms.get(scheme.pk) or RegisterForm(initial={"scheme": scheme.pk}, plans=quote.plans,
                                                        auto_id=f"id_s{scheme.pk}_%s")
        quotes.append({"quote": quote, "form": form, "plans": [_plan_row(offer) for offer in quote.plans]})
    context = {
        "consumer": consumer, "quotes": quotes, "today": today,
        "settlements": settlements_visible_to(user).filter(consumer=consumer),
        "promises": promises_visible_to(user).filter(consumer=consumer)[:10],
        "open_promise": promises_visible_to(user).filter(consumer=consumer, status=PromiseStatus.OPEN).first(),
        "plan_form": (forms.get("plan") or PlanGrantForm(auto_id="id_plan_%s")) if may_grant_plan(user) else None,
        "promise_form": ((forms.get("promise") or PromiseForm(auto_id="id_promise_%s"))
                         if may_record_promise(user) else None),
    }
    return render(request, "settlements/consumer.html", context, status=status)


def _plan_row(offer) -> dict:
    """A plan of a quote as the page says it: the deposit now, then ₹Y × N (the last one what remains) from the
    first due date to the last."""
    instalments = offer.instalments
    row = {"offer": offer, "count": len(instalments)}
    if instalments:
        row.update(each=instalments[0].amount, first_due_on=instalments[0].due_on, last_due_on=instalments[-1].due_on,
                   last=instalments[-1].amount if instalments[-1].amount != instalments[0].amount else None)
    return row


@require_GET
@login_required
def consumer_settlements(request, account_no: str):
    require(may_view_settlements(request.user))
    return _consumer_page(request, consumer_get(request.user, account_no))


@require_POST
@login_required
def settlement_register_page(request, account_no: str):
    """Registers the consumer into the scheme of the form; the user lands on the registration slip."""
    require(may_register_settlement(request.user))
    consumer = consumer_get(request.user, account_no)
    today = india_today()
    schemes = {scheme.pk: scheme for scheme in schemes_open(today)}
    scheme = schemes.get(_int(request.POST.get("scheme")))
    if scheme is None:
        messages.error(request, _("That scheme is not open for registration today."))
        return _consumer_page(request, consumer, status=400)
    # The plans the quote offers are the form's choices (the service checks again, under the consumer's lock).
    quote = scheme_quote(scheme=scheme, consumer=consumer, on=today)
    form = RegisterForm(request.POST, plans=quote.plans, auto_id=f"id_s{scheme.pk}_%s")
    if form.is_valid():
        try:
            settlement = settlement_register(user=request.user, account_no=consumer.account_no, scheme=scheme,
                                             plan=form.cleaned_data["plan"],
                                             deposit_receipt_no=form.cleaned_data["deposit_receipt_no"],
                                             source=Source.WEB)
        except DomainError as exc:
            form.add_domain_error(exc)
            if not quote.eligible:  # no form is shown for the scheme now: the refusal goes above the page
                messages.error(request, exc.detail)
        else:
            messages.success(request, _("%(name)s registered under %(scheme)s: %(reference)s.") % {
                "name": consumer.name, "scheme": scheme.name, "reference": settlement.reference})
            return redirect("settlement-slip", settlement.pk)
    return _consumer_page(request, consumer, forms={scheme.pk: form}, status=400)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@require_POST
@login_required
def plan_grant_page(request, account_no: str):
    require(may_grant_plan(request.user))
    consumer = consumer_get(request.user, account_no)
    form = PlanGrantForm(request.POST, auto_id="id_plan_%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            settlement = plan_grant(user=request.user, account_no=consumer.account_no,
                                    instalments=data["instalments"], reason=data["reason"],
                                    first_due_on=data["first_due_on"], source=Source.WEB)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Instalment plan %(reference)s granted: %(amount)s in %(n)s instalments.") % {
                "reference": settlement.reference, "amount": inr(settlement.payable), "n": data["instalments"]})
            return redirect("settlement-slip", settlement.pk)
    return _consumer_page(request, consumer, forms={"plan": form}, status=400)


@require_POST
@login_required
def promise_record_page(request, account_no: str):
    require(may_record_promise(request.user))
    consumer = consumer_get(request.user, account_no)
    form = PromiseForm(request.POST, auto_id="id_promise_%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            promise = promise_record(user=request.user, account_no=consumer.account_no, amount=data["amount"],
                                     due_on=data["due_on"], reason=data["reason"], source=Source.WEB)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Promise recorded: %(amount)s by %(date)s.") % {
                "amount": inr(promise.amount), "date": promise.due_on.strftime("%d-%m-%Y")})
            return redirect("settlement-consumer", consumer.account_no)
    return _consumer_page(request, consumer, forms={"promise": form}, status=400)


# --- the division's settlements, one settlement, its slip ---------------------------------------------------

@require_GET
@login_required
def settlement_list(request):
    """The settlements of the user's division (HQ, IT: any division's), newest first, filtered by status."""
    require(may_view_settlements(request.user))
    shown = request.GET.get("status", "")
    shown = shown if shown in SettlementStatus.values else ""
    every_division = may_see_all_divisions(request.user)
    division = request.GET.get("division", "") if every_division else ""
    settlements = settlements_visible_to(request.user)
    if shown:
        settlements = settlements.filter(status=shown)
    if division:
        settlements = settlements.filter(division__code=division)
    # settlement_division_status serves a division's page; HQ's all-divisions page reads by registered_at.
    page = Paginator(settlements, SETTLEMENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "settlements/list.html", {
        "page": page, "shown": shown, "statuses": SettlementStatus.choices, "division": division,
        "divisions": divisions_visible_to(request.user).order_by("code") if every_division else None,
        "query": urlencode({k: v for k, v in (("status", shown), ("division", division)) if v})})


def _schedule(settlement) -> list:
    """The instalments, each marked paid, part-paid, overdue (due before today and not paid) or due."""
    today = india_today()
    rows = list(settlement.instalments.all())
    for row in rows:
        row.left = max(row.amount - row.paid, Decimal("0.00"))
        if row.paid_on is not None:
            row.state = "paid"
        elif row.due_on < today:
            row.state = "overdue"
        elif row.paid > 0:
            row.state = "part_paid"
        else:
            row.state = "due"
    return rows


def _settlement_for(request, pk: int):
    require(may_view_settlements(request.user))
    return get_object_or_404(settlements_visible_to(request.user).select_related(
        "consumer__division", "phase", "deposit_entry", "credit_entry"), pk=pk)


@require_GET
@login_required
def settlement_detail(request, pk: int):
    settlement = _settlement_for(request, pk)
    return render(request, "settlements/detail.html", {
        "settlement": settlement, "schedule": _schedule(settlement),
        "history": settlement.history.select_related("history_user").order_by("-history_date", "-history_id")[:20]})


@require_GET
@login_required
def settlement_slip(request, pk: int):
    """The registration slip, English and Hindi side by side as the payment receipt, to print and hand over."""
    settlement = _settlement_for(request, pk)
    return render(request, "settlements/slip.html", {
        "settlement": settlement, "schedule": _schedule(settlement),
        "words_en": amount_in_words_en(settlement.payable), "words_hi": amount_in_words_hi(settlement.payable)})
