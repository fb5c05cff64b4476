"""The officer's handovers page: field records the server refused, handed over by the clerks (drives.handovers),
listed with the clerk's notes and a form to resolve each."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import may_plan_drive, require
from core.errors import DomainError
from core.forms import DomainErrorForm
from core.models import Source
from drives.handovers import HANDOVER_NOTES_LENGTH, handover_resolve
from drives.models import HandoverStatus
from drives.selectors import handovers_visible_to

HANDOVERS_PER_PAGE = 50


class HandoverResolveForm(DomainErrorForm):
    notes = forms.CharField(label=gettext_lazy("What was done"), max_length=HANDOVER_NOTES_LENGTH,
                            widget=forms.Textarea(attrs={"rows": 2}))


def _page(request, *, resolving=None, resolve_form=None, status: int = 200):
    shown = request.GET.get("status")
    shown = shown if shown in HandoverStatus.values else HandoverStatus.OPEN
    handovers = handovers_visible_to(request.user, status=shown)
    page = Paginator(handovers, HANDOVERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "drives/handovers.html", {
        "page": page, "shown": shown, "query": f"status={shown}", "resolving": resolving, "resolve_form": resolve_form,
        "blank_resolve_form": HandoverResolveForm(auto_id=False)}, status=status)


@require_GET
@login_required
def handover_list(request):
    """The division's handovers: open ones (?status=resolved for the others), newest first."""
    require(may_plan_drive(request.user))
    return _page(request)


@require_POST
@login_required
def handover_resolve_page(request, pk: int):
    require(may_plan_drive(request.user))
    handover = get_object_or_404(handovers_visible_to(request.user), pk=pk)
    form = HandoverResolveForm(request.POST)
    if form.is_valid():
        try:
            handover = handover_resolve(user=request.user, handover=handover, notes=form.cleaned_data["notes"],
                                        source=Source.WEB)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Handover of %(account_no)s resolved.") % {
                "account_no": handover.consumer.account_no})
            return redirect("handover-list")
    return _page(request, resolving=handover, resolve_form=form, status=400)
