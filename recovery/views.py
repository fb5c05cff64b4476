"""The recovery pages of a division officer (HQ and IT read them too): the permanently disconnected consumers, a
consumer's Form I notices and certificates with the forms to serve and raise them, the certificates and one
certificate with its next step, and the two printable bilingual letters (Form I, the RC to the collector).

Each view checks the role (accounts.permissions), reaches its record through a scoping selector (another
division's is a 404), validates a form (recovery.forms) and calls one service of recovery.services.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import may_recover_dues, may_see_all_divisions, may_view_recovery, require
from accounts.selectors import divisions_visible_to
from arrears.selectors import consumer_get
from core.dates import india_today
from core.errors import DomainError
from core.models import Source
from core.templatetags.money import inr
from core.words import amount_in_words_en, amount_in_words_hi
from recovery.forms import DemandNoticeForm, RCRaiseForm, RCStatusForm
from recovery.models import RCStatus
from recovery.selectors import demand_notices_visible_to, pd_visible_to, rcs_visible_to
from recovery.services import TRANSITIONS, demand_notice_issue, pd_first_day, rc_raise, rc_status_set

PER_PAGE = 50


def _division_filter(request):
    """The division asked for (HQ and IT only) and the divisions to choose from (None for a division's user)."""
    every = may_see_all_divisions(request.user)
    division = request.GET.get("division", "") if every else ""
    return division, (divisions_visible_to(request.user).order_by("code") if every else None)


@require_GET
@login_required
def pd_list(request):
    """The permanently disconnected consumers of the division, longest cut first, with the days since the cut and
    what they owe."""
    require(may_view_recovery(request.user))
    division, divisions = _division_filter(request)
    spells = pd_visible_to(request.user)
    if division:
        spells = spells.filter(division__code=division)
    page = Paginator(spells, PER_PAGE).get_page(request.GET.get("page"))
    today = india_today()
    for spell in page.object_list:
        spell.age_days = (today - timezone.localdate(spell.disconnected_at)).days
    return render(request, "recovery/pd_list.html", {
        "page": page, "division": division, "divisions": divisions,
        "query": urlencode({"division": division} if division else {})})


def _consumer_page(request, consumer, *, notice_form=None, raise_form=None, status: int = 200):
    user = request.user
    spell = pd_visible_to(user).filter(consumer=consumer).first()
    notices = list(demand_notices_visible_to(user).filter(consumer=consumer))
    recovers = may_recover_dues(user)
    if recovers and spell is not None:
        notice_form = notice_form or DemandNoticeForm(auto_id="id_notice_%s")
        open_notices = [n for n in notices if not hasattr(n, "recovery_certificate")]
        raise_form = raise_form or (RCRaiseForm(notices=open_notices, auto_id="id_rc_%s") if open_notices else None)
    else:
        notice_form = raise_form = None
    return render(request, "recovery/consumer.html", {
        "consumer": consumer, "spell": spell, "first_day": pd_first_day(spell) if spell else None,
        "notices": notices, "rcs": rcs_visible_to(user).filter(consumer=consumer),
        "notice_form": notice_form, "raise_form": raise_form}, status=status)


@require_GET
@login_required
def recovery_consumer(request, account_no: str):
    require(may_view_recovery(request.user))
    return _consumer_page(request, consumer_get(request.user, account_no))


@require_POST
@login_required
def demand_notice_issue_page(request, account_no: str):
    """Records a Form I served; the officer lands on the letter to print (or reprint)."""
    require(may_recover_dues(request.user))
    consumer = consumer_get(request.user, account_no)
    form = DemandNoticeForm(request.POST, auto_id="id_notice_%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            notice = demand_notice_issue(user=request.user, account_no=consumer.account_no,
                                         served_on=data["served_on"], service_mode=data["service_mode"],
                                         served_to=data["served_to"], proof_ref=data["proof_ref"], source=Source.WEB)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Demand notice %(reference)s recorded: %(amount)s.") % {
                "reference": notice.reference, "amount": inr(notice.amount)})
            return redirect("recovery-form-i", notice.pk)
    return _consumer_page(request, consumer, notice_form=form, status=400)


@require_POST
@login_required
def rc_raise_page(request, account_no: str):
    require(may_recover_dues(request.user))
    consumer = consumer_get(request.user, account_no)
    notices = [n for n in demand_notices_visible_to(request.user).filter(consumer=consumer)
               if not hasattr(n, "recovery_certificate")]
    form = RCRaiseForm(request.POST, notices=notices, auto_id="id_rc_%s")
    if form.is_valid():
        try:
            rc = rc_raise(user=request.user, account_no=consumer.account_no,
                          demand_notice_id=form.cleaned_data["demand_notice_id"], source=Source.WEB)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Recovery certificate %(reference)s raised for %(amount)s: print it for the "
                                        "collector.") % {"reference": rc.reference, "amount": inr(rc.amount)})
            return redirect("recovery-rc-detail", rc.pk)
    return _consumer_page(request, consumer, raise_form=form, status=400)


@require_GET
@login_required
def demand_notice_letter(request, pk: int):
    """The Form I to print: Hindi and English, one page each."""
    require(may_view_recovery(request.user))
    notice = get_object_or_404(demand_notices_visible_to(request.user), pk=pk)
    return render(request, "recovery/form_i.html", {
        "notice": notice, "first_day": pd_first_day(notice.permanent_disconnection),
        "words_en": amount_in_words_en(notice.amount), "words_hi": amount_in_words_hi(notice.amount)})


@require_GET
@login_required
def rc_list(request):
    """The division's recovery certificates, newest first, by status, with their age and amounts."""
    require(may_view_recovery(request.user))
    division, divisions = _division_filter(request)
    shown = request.GET.get("status", "")
    shown = shown if shown in RCStatus.values else ""
    rcs = rcs_visible_to(request.user)
    if shown:
        rcs = rcs.filter(status=shown)
    if division:
        rcs = rcs.filter(division__code=division)
    page = Paginator(rcs.order_by("-sent_on", "-id"), PER_PAGE).get_page(request.GET.get("page"))
    today = india_today()
    for rc in page.object_list:
        rc.age_days = ((rc.closed_on or today) - rc.sent_on).days
    return render(request, "recovery/rc_list.html", {
        "page": page, "shown": shown, "statuses": RCStatus.choices, "division": division, "divisions": divisions,
        "query": urlencode({k: v for k, v in (("status", shown), ("division", division)) if v})})


def _rc_for(request, pk: int):
    require(may_view_recovery(request.user))
    return get_object_or_404(rcs_visible_to(request.user), pk=pk)


def _rc_page(request, rc, *, form=None, status: int = 200):
    steps = TRANSITIONS.get(rc.status, ())
    if may_recover_dues(request.user) and steps:
        form = form or RCStatusForm(steps=steps)
    else:
        form = None
    return render(request, "recovery/rc_detail.html", {
        "rc": rc, "form": form, "age_days": ((rc.closed_on or india_today()) - rc.sent_on).days,
        "history": rc.history.select_related("history_user").order_by("-history_date", "-history_id")[:20]},
        status=status)


@require_GET
@login_required
def rc_detail(request, pk: int):
    return _rc_page(request, _rc_for(request, pk))


@require_POST
@login_required
def rc_status_page(request, pk: int):
    rc = _rc_for(request, pk)
    require(may_recover_dues(request.user))
    form = RCStatusForm(request.POST, steps=TRANSITIONS.get(rc.status, ()))
    if form.is_valid():
        data = form.cleaned_data
        try:
            rc = rc_status_set(user=request.user, rc_id=rc.pk, status=data["status"], on=data["on"],
                               amount_recovered=data["amount_recovered"], notes=data["notes"], mode=data["mode"],
                               instrument_no=data["instrument_no"], bank=data["bank"], source=Source.WEB)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("%(reference)s: %(status)s.") % {"reference": rc.reference,
                                                                          "status": rc.get_status_display()})
            return redirect("recovery-rc-detail", rc.pk)
    return _rc_page(request, rc, form=form, status=400)


@require_GET
@login_required
def rc_letter(request, pk: int):
    """The recovery certificate to the collector, to print: Hindi and English, one page each."""
    rc = _rc_for(request, pk)
    return render(request, "recovery/rc_letter.html", {
        "rc": rc, "notice": rc.demand_notice, "words_en": amount_in_words_en(rc.amount),
        "words_hi": amount_in_words_hi(rc.amount)})
