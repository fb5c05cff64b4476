"""The division officer's drive pages: plan a drive from the latest list, follow the day, notices in bulk,
notice letters and the stop sheet to print, disputes (the Reconnections page is drives.reconnection_views).

Each view checks the role (accounts.permissions; a clerk is refused these pages), reaches the drive through a
scoping selector (another division's drive is a 404), validates a form and calls one service. The clerk's
pages are drives/field_views.py's.
"""

from datetime import timedelta
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import (
    may_plan_drive,
    may_record_dispute,
    may_record_notice,
    require,
)
from accounts.selectors import divisions_visible_to
from arrears.ledger import time_barred_amount
from arrears.models import Consumer
from core.dates import day_text, india_today
from core.errors import DomainError
from core.models import Source
from core.money import format_count
from core.templatetags.money import inr
from core.words import amount_in_words_en, amount_in_words_hi
from drives.disputes import dispute_deposit_add, dispute_record, dispute_resolve
from drives.forms import (
    DisputeDepositForm,
    DisputeForm,
    DisputeResolveForm,
    DrivePlanForm,
    LettersForm,
    NoticesBulkForm,
)
from drives.models import NOTICE_CLEAR_DAYS, Outcome
from drives.notices import notices_record_bulk
from drives.selectors import (
    disputes_visible_to,
    drive_get,
    drive_progress,
    drives_visible_to,
    notice_state,
    stops_of_drive,
    stops_with_notice_dates,
)
from drives.services import drive_close, drive_plan, drive_plan_preview, drive_start

DRIVES_PER_PAGE = 50
DISPUTES_PER_PAGE = 50


def _officer_drive(request, pk: int):
    """The drive, for a user who plans drives: a clerk is refused (403), another division's drive is a 404."""
    require(may_plan_drive(request.user))
    return drive_get(request.user, pk)


# --- drives: list, plan, the day -------------------------------------------------------------------------------

@require_GET
@login_required
def drive_list(request):
    require(may_plan_drive(request.user))
    drives = drives_visible_to(request.user).select_related("division", "officer")
    page = Paginator(drives, DRIVES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "drives/drive_list.html", {"page": page})


def _plan_division(request):
    """(division, divisions): the officer's own; IT picks one (``division`` in the query or the form)."""
    divisions = list(divisions_visible_to(request.user).order_by("code"))
    if not divisions:
        raise Http404
    code = request.POST.get("division") or request.GET.get("division")
    if request.user.division_id and not code:
        code = request.user.division.code
    division = next((d for d in divisions if d.code == code), None) if code else divisions[0]
    if division is None:
        raise Http404
    return division, divisions


def _preview_groups(stops: list[dict]) -> list[dict]:
    """The preview's stops as clerk → locality → stops, in the order the service gave them."""
    groups = []
    for clerk, by_clerk in groupby(stops, key=lambda s: s["clerk"]):
        by_clerk = list(by_clerk)
        localities = [{"locality": locality, "stops": list(rows)}
                      for locality, rows in groupby(by_clerk, key=lambda s: s["locality"])]
        groups.append({"clerk": clerk, "localities": localities, "count": len(by_clerk),
                       "arrears": sum((s["arrears"] for s in by_clerk), start=0)})
    return groups


def kept_off_text(kept_off: dict) -> str:
    """"3 kept off for a settlement: 2 in OTS / 1 on a plan / 0 promised to pay", or "" when none was."""
    total = sum(kept_off.values())
    if not total:
        return ""
    return ngettext("%(count)s kept off for a settlement: %(ots)s in OTS / %(plan)s on a plan / %(promise)s "
                    "promised to pay.",
                    "%(count)s kept off for a settlement: %(ots)s in OTS / %(plan)s on a plan / %(promise)s "
                    "promised to pay.", total) % {
        "count": format_count(total), "ots": format_count(kept_off.get("ots", 0)),
        "plan": format_count(kept_off.get("plan", 0)), "promise": format_count(kept_off.get("promise", 0))}


def _unnoticed_message(request, drive) -> None:
    """After planning: how many of the drive's stops no notice permits cutting on its day (they may be visited,
    not cut, until one is served and its 15 clear days have run)."""
    count = stops_of_drive(request.user, drive).filter(notice_valid=False).count()
    if count:
        messages.warning(request, ngettext(
            "%(count)s stop has no valid notice for %(day)s: serve a notice before a cut (Notices).",
            "%(count)s stops have no valid notice for %(day)s: serve notices before a cut (Notices).",
            count) % {"count": count, "day": day_text(drive.date)})


@require_http_methods(["GET", "POST"])
@login_required
def drive_plan_page(request):
    """Preview the stops a drive would get, then create it: the same form posted with either button."""
    require(may_plan_drive(request.user))
    division, divisions = _plan_division(request)
    if request.method == "GET":
        form = DrivePlanForm(division=division)
        return render(request, "drives/drive_plan.html", {"form": form, "division": division, "divisions": divisions})
    form = DrivePlanForm(request.POST, division=division)
    creating = "create" in request.POST
    preview = None
    if form.is_valid():
        data = form.cleaned_data
        if creating and not data["name"].strip():
            form.add_error("name", _("Give the drive a name."))
        else:
            plan = {"user": request.user, "division": division, "date": data["date"],
                    "min_arrears": data["min_arrears"], "locality": data["locality"].strip(),
                    "max_stops": data["max_stops"], "clerks": list(data["clerks"])}
            try:
                if creating:
                    drive = drive_plan(**plan, name=data["name"].strip(), source=Source.WEB)
                else:
                    preview = drive_plan_preview(**plan)
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                if creating:
                    messages.success(request, _("Drive “%(name)s” planned with %(count)s stops.") % {
                        "name": drive.name, "count": drive.stops.count()})
                    _unnoticed_message(request, drive)
                    if drive.skipped_on_open_stop:
                        messages.info(request, _("Left out, already on an open stop of another drive: "
                                                 "%(count)s.") % {"count": drive.skipped_on_open_stop})
                    kept_off = kept_off_text(drive.kept_off)
                    if kept_off:
                        messages.info(request, kept_off)
                    return redirect("drive-detail", pk=drive.pk)
    context = {"form": form, "division": division, "divisions": divisions, "previewed": preview is not None,
               "groups": _preview_groups(preview or []), "stop_count": len(preview or []),
               "unnoticed": sum(1 for stop in preview or [] if not stop["notice_valid"]),
               "skipped": getattr(preview, "skipped_on_open_stop", 0),
               "kept_off": kept_off_text(getattr(preview, "kept_off", {}))}
    return render(request, "drives/drive_plan.html", context, status=200 if form.is_valid() else 400)


def _progress_context(drive) -> dict:
    progress = drive_progress(drive)
    outcomes = [{"outcome": value, "label": label, "count": progress["outcomes"].get(value, 0)}
                for value, label in Outcome.choices]
    return {"drive": drive, "progress": progress, "outcomes": outcomes}


@require_GET
@login_required
def drive_detail(request, pk: int):
    drive = _officer_drive(request, pk)
    stops = stops_of_drive(request.user, drive).select_related("consumer", "clerk")
    return render(request, "drives/drive_detail.html", {
        **_progress_context(drive), "stops": stops, "early": drive.date > india_today(),
        "confirm_early": request.GET.get("start") == "early"})


@require_GET
@login_required
def drive_progress_json(request, pk: int):
    """The live panel for the drive's page (static/js/drive_progress.js swaps it in): figures and their HTML."""
    drive = _officer_drive(request, pk)
    context = _progress_context(drive)
    html = render_to_string("drives/_progress.html", context, request=request)
    return JsonResponse({"status": drive.status, "html": html})


def _drive_transition(request, pk: int, service, done_message: str):
    drive = _officer_drive(request, pk)
    try:
        service(user=request.user, drive=drive, source=Source.WEB)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, done_message)
    return redirect("drive-detail", pk=drive.pk)


@require_POST
@login_required
def drive_start_page(request, pk: int):
    """Starts the drive; one dated after today only once the officer confirms (``early``): started, its clerks
    see its stops today, a day before their notices may make a cut lawful."""
    drive = _officer_drive(request, pk)
    if drive.date > india_today() and not request.POST.get("early"):
        messages.warning(request, _("This drive is planned for %(day)s. Start it today anyway?") % {
            "day": day_text(drive.date)})
        return redirect(reverse("drive-detail", kwargs={"pk": drive.pk}) + "?start=early#start")
    return _drive_transition(request, pk, drive_start, _("The drive has started."))


@require_POST
@login_required
def drive_close_page(request, pk: int):
    return _drive_transition(request, pk, drive_close, _("The drive is closed."))


# --- notices ---------------------------------------------------------------------------------------------------

def _notice_groups(user, drive) -> dict[str, list]:
    """The drive's stops by notice_state on the drive's day, each with ``served_on`` and ``lawful_from`` (the
    first day a cut on that notice is lawful) where a notice is served: ``needed`` (none, or spent: tickable),
    ``waiting`` (served, its 15 clear days not yet run) and ``valid``."""
    groups = {"needed": [], "waiting": [], "valid": []}
    for stop in stops_with_notice_dates(user, drive):
        state, lawful_from = notice_state(stop)
        stop.notice_state = state
        if state == "later":
            stop.served_on, stop.lawful_from = stop.notice_later_served, lawful_from
            groups["waiting"].append(stop)
        elif state == "valid":
            stop.served_on = stop.notice_served
            stop.lawful_from = stop.notice_served + timedelta(days=NOTICE_CLEAR_DAYS + 1)
            groups["valid"].append(stop)
        else:
            groups["needed"].append(stop)
    return groups


@require_http_methods(["GET", "POST"])
@login_required
def drive_notices(request, pk: int):
    """Every stop of the drive with its notice: those without one that makes a cut lawful on the drive's day
    (the form records notices for them), those served and waiting out the 15 clear days (served on, may be cut
    from), and those with a valid notice."""
    drive = _officer_drive(request, pk)
    require(may_record_notice(request.user))
    groups = _notice_groups(request.user, drive)
    account_nos = [s.consumer.account_no for s in groups["needed"]]
    form = NoticesBulkForm(request.POST or None, account_nos=account_nos)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            notices = notices_record_bulk(user=request.user, account_nos=data["account_nos"],
                                          served_on=data["served_on"], mode=data["mode"], reason=data["reason"],
                                          proof_ref=data["proof_ref"], source=Source.WEB)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, ngettext(
                "%(count)s notice recorded, served on %(served)s: the connection may be cut from %(lawful)s.",
                "%(count)s notices recorded, served on %(served)s: the connections may be cut from %(lawful)s.",
                len(notices)) % {"count": len(notices), "served": day_text(notices[0].served_on),
                                 "lawful": day_text(notices[0].lawful_from)})
            return redirect("drive-notices", pk=drive.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "drives/drive_notices.html", {"drive": drive, "form": form, **groups}, status=status)


def _letter(consumer, *, served_on) -> dict:
    arrears = consumer.arrears
    return {"consumer": consumer, "amount": arrears, "words_en": amount_in_words_en(arrears),
            "words_hi": amount_in_words_hi(arrears), "time_barred": time_barred_amount(consumer=consumer, on=served_on)}


@require_GET
@login_required
def drive_letters(request, pk: int):
    """Notice letters to print, one page per consumer, in Hindi and English, for the day they will be served."""
    drive = _officer_drive(request, pk)
    form = LettersForm(request.GET)
    if not form.is_valid():
        # A day no letter can be served on (9999-12-20 has no lawful day after it): say why, print for today.
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
        return redirect("drive-letters", pk=drive.pk)
    served_on = form.cleaned_data.get("served_on") or india_today()
    stops = stops_of_drive(request.user, drive).select_related("consumer__division")
    if not form.cleaned_data.get("everyone"):
        stops = stops.filter(notice_valid=False)
    lawful_from = served_on + timedelta(days=NOTICE_CLEAR_DAYS + 1)
    # One query per consumer: a drive has tens or a few hundred stops, printed once.
    letters = [_letter(s.consumer, served_on=served_on) for s in stops]
    return render(request, "drives/notice_letters.html", {
        "drive": drive, "form": form, "letters": letters, "served_on": served_on, "lawful_from": lawful_from,
        "clear_days": NOTICE_CLEAR_DAYS})


@require_GET
@login_required
def drive_stop_sheet(request, pk: int):
    """The stop sheet to print: each clerk's stops in walking order, with blank columns for the outcome."""
    drive = _officer_drive(request, pk)
    stops = stops_of_drive(request.user, drive).select_related("consumer", "clerk")
    sheets = [{"clerk": clerk, "stops": list(rows)} for clerk, rows in groupby(stops, key=lambda s: s.clerk)]
    return render(request, "drives/stop_sheet.html", {"drive": drive, "sheets": sheets})


# --- disputes --------------------------------------------------------------------------------------------------

def _disputes_page(request, form, *, resolving=None, resolve_form=None, depositing=None, deposit_form=None,
                   status: int = 200):
    disputes = (disputes_visible_to(request.user).select_related("consumer", "recorded_by", "resolved_by")
                .prefetch_related("deposits__ledger_entry"))
    page = Paginator(disputes, DISPUTES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "drives/disputes.html", {
        "page": page, "form": form, "resolving": resolving, "resolve_form": resolve_form,
        "depositing": depositing, "deposit_form": deposit_form,
        # One form per open dispute on the page: without ids, so they don't repeat.
        "blank_resolve_form": DisputeResolveForm(auto_id=False),
        "blank_deposit_form": DisputeDepositForm(auto_id=False)},
        status=status)


def _dispute_holds_message(request, dispute) -> None:
    if dispute.holds_disconnection:
        messages.success(request, _("The deposit is made: no disconnection of %(account_no)s until the dispute is "
                                    "resolved.") % {"account_no": dispute.consumer.account_no})
    else:
        messages.warning(request, _("The deposit required is %(amount)s and %(paid)s is deposited; until it is "
                                    "made the dispute does not stop a disconnection.") % {
                             "amount": inr(dispute.deposit_required), "paid": inr(dispute.deposit_amount)})


@require_http_methods(["GET", "POST"])
@login_required
def dispute_list(request):
    """The division's disputes and the form recording one (with its deposit under protest)."""
    require(may_record_dispute(request.user))
    if request.method == "GET":
        return _disputes_page(request, DisputeForm())
    form = DisputeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            dispute = dispute_record(user=request.user, account_no=data["account_no"], raised_on=data["raised_on"],
                                     amount_disputed=data["amount_disputed"], deposit_amount=data["deposit_amount"],
                                     deposit_receipt_no=data["deposit_receipt_no"], notes=data["notes"],
                                     source=Source.WEB)
        except Consumer.DoesNotExist:
            form.add_error("account_no", _("No consumer with this account number in your division."))
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Dispute of %(account_no)s recorded.") % {
                "account_no": dispute.consumer.account_no})
            _dispute_holds_message(request, dispute)
            return redirect("dispute-list")
    return _disputes_page(request, form, status=400)


@require_POST
@login_required
def dispute_deposit_page(request, pk: int):
    """Counts another payment of the consumer as an open dispute's deposit under protest."""
    require(may_record_dispute(request.user))
    dispute = get_object_or_404(disputes_visible_to(request.user), pk=pk)
    form = DisputeDepositForm(request.POST)
    if form.is_valid():
        try:
            dispute = dispute_deposit_add(user=request.user, dispute=dispute,
                                          receipt_no=form.cleaned_data["receipt_no"], source=Source.WEB)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            counted = dispute.deposits.select_related("ledger_entry").last()
            messages.success(request, _("Receipt %(receipt_no)s counted as a deposit of the dispute of "
                                        "%(account_no)s.") % {"receipt_no": counted.ledger_entry.reference,
                                                              "account_no": dispute.consumer.account_no})
            _dispute_holds_message(request, dispute)
            return redirect("dispute-list")
    return _disputes_page(request, DisputeForm(), depositing=dispute, deposit_form=form, status=400)


@require_POST
@login_required
def dispute_resolve_page(request, pk: int):
    require(may_record_dispute(request.user))
    dispute = get_object_or_404(disputes_visible_to(request.user), pk=pk)
    form = DisputeResolveForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            dispute_resolve(user=request.user, dispute=dispute, resolved_on=data["resolved_on"],
                            resolution=data["resolution"], notes=data["notes"], source=Source.WEB)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Dispute of %(account_no)s resolved.") % {
                "account_no": dispute.consumer.account_no})
            return redirect("dispute-list")
    return _disputes_page(request, DisputeForm(), resolving=dispute, resolve_form=form, status=400)

