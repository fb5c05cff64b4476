"""Theft case pages: the list (a division's cases with their age; a clerk's own) with the form reporting one, and
the case page, where the officer records the inspection, the assessment (onto the ledger), the FIR and how it ended.

Each view checks the role (accounts.permissions), reaches the case through drives.selectors (another division's is
a 404), validates a form (drives.theft_forms) and calls one service of drives.theft.
"""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import (
    may_report_theft,
    may_see_all_divisions,
    may_view_drives,
    may_work_theft_case,
    require,
)
from accounts.selectors import divisions_visible_to
from arrears.models import Consumer
from core.errors import DomainError
from core.models import Source
from core.templatetags.money import inr
from drives.models import TheftStatus
from drives.selectors import theft_case_paid, theft_case_payments, theft_cases_visible_to
from drives.theft import (
    theft_case_assess,
    theft_case_close,
    theft_case_fir_lodge,
    theft_case_inspection_record,
    theft_case_report,
)
from drives.theft_forms import (
    TheftAssessmentForm,
    TheftCloseForm,
    TheftFirForm,
    TheftInspectionForm,
    TheftReportForm,
)

CASES_PER_PAGE = 50


def _list_page(request, form, *, status: int = 200):
    shown = request.GET.get("status", "")
    shown = shown if shown in TheftStatus.values else ""
    division = request.GET.get("division", "") if may_see_all_divisions(request.user) else ""
    cases = theft_cases_visible_to(request.user, division=division or None, status=shown or None)
    page = Paginator(cases, CASES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "drives/theft_list.html", {
        "page": page, "form": form, "shown": shown, "division": division, "statuses": TheftStatus.choices,
        "divisions": divisions_visible_to(request.user).order_by("code") if may_see_all_divisions(request.user)
        else None,
        "query": urlencode({k: v for k, v in (("status", shown), ("division", division)) if v}),
        "may_report": may_report_theft(request.user)}, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def theft_case_list(request):
    """The cases of the user's division (HQ, IT: any division's; a clerk: their own), newest first, filtered by
    status; and the form reporting one."""
    require(may_view_drives(request.user))
    if request.method == "GET":
        return _list_page(request, TheftReportForm() if may_report_theft(request.user) else None)
    require(may_report_theft(request.user))
    form = TheftReportForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            case = theft_case_report(user=request.user, account_no=data["account_no"], found=data["found"],
                                     meter_seal=data["meter_seal"], notes=data["notes"], source=Source.WEB)
        except Consumer.DoesNotExist:
            form.add_error("account_no", _("No consumer with this account number in your division."))
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Theft case of %(account_no)s reported.") % {
                "account_no": case.consumer.account_no})
            return redirect("theft-case", case.pk)
    return _list_page(request, form, status=400)


def _case_page(request, case, *, forms: dict | None = None, status: int = 200):
    works = may_work_theft_case(request.user)
    paid = theft_case_paid(case)
    context = {
        "case": case, "works": works, "paid": paid, "payments": theft_case_payments(case),
        "outstanding": (max(case.assessment_amount - paid, Decimal("0.00"))
                        if case.assessment_amount is not None else None),
        "history": case.history.select_related("history_user").order_by("-history_date", "-history_id")[:20],
    }
    if works:
        forms = forms or {}
        context.update(
            inspection_form=forms.get("inspection") or TheftInspectionForm(
                initial={"found": case.found, "meter_seal": case.meter_seal, "notes": case.notes}),
            assessment_form=forms.get("assessment") or TheftAssessmentForm(),
            fir_form=forms.get("fir") or TheftFirForm(),
            close_form=forms.get("close") or TheftCloseForm())
    return render(request, "drives/theft_detail.html", context, status=status)


@require_GET
@login_required
def theft_case_detail(request, pk: int):
    require(may_view_drives(request.user))
    return _case_page(request, get_object_or_404(theft_cases_visible_to(request.user), pk=pk))


def _case_step(request, pk: int, *, name: str, form_class, call, done) -> object:
    """The officer's step on a case: the form's input to one service; on a refusal, the case page with the form."""
    require(may_work_theft_case(request.user))
    case = get_object_or_404(theft_cases_visible_to(request.user), pk=pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            case = call(case, form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, done(case))
            return redirect("theft-case", case.pk)
    return _case_page(request, case, forms={name: form}, status=400)


@require_POST
@login_required
def theft_case_inspection_page(request, pk: int):
    return _case_step(
        request, pk, name="inspection", form_class=TheftInspectionForm,
        call=lambda case, data: theft_case_inspection_record(user=request.user, case=case, found=data["found"],
                                                             meter_seal=data["meter_seal"], notes=data["notes"]),
        done=lambda case: _("Inspection details saved."))


@require_POST
@login_required
def theft_case_assessment_page(request, pk: int):
    return _case_step(
        request, pk, name="assessment", form_class=TheftAssessmentForm,
        call=lambda case, data: theft_case_assess(user=request.user, case=case, amount=data["amount"],
                                                  section=data["section"], assessed_on=data["assessed_on"],
                                                  reference=data["reference"]),
        done=lambda case: _("Assessed %(amount)s under section %(section)s: on the ledger of %(account_no)s as "
                            "%(reference)s.") % {"amount": inr(case.assessment_amount), "section": case.section,
                                                 "account_no": case.consumer.account_no,
                                                 "reference": case.assessment_reference})


@require_POST
@login_required
def theft_case_fir_page(request, pk: int):
    return _case_step(
        request, pk, name="fir", form_class=TheftFirForm,
        call=lambda case, data: theft_case_fir_lodge(user=request.user, case=case, fir_number=data["fir_number"],
                                                     police_station=data["police_station"],
                                                     lodged_on=data["lodged_on"]),
        done=lambda case: _("FIR %(fir)s lodged at %(station)s.") % {"fir": case.fir_number,
                                                                      "station": case.police_station})


@require_POST
@login_required
def theft_case_close_page(request, pk: int):
    return _case_step(
        request, pk, name="close", form_class=TheftCloseForm,
        call=lambda case, data: theft_case_close(user=request.user, case=case, status=data["status"],
                                                 closed_on=data["closed_on"], note=data["note"]),
        done=lambda case: _("The case is %(status)s.") % {"status": case.get_status_display()})
