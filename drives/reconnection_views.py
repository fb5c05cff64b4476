"""The division officer's Reconnections page: the cut consumers who have paid something but less than the
minimum (each approvable from its row, with a reason), the orders overdue, the orders open and not yet due,
and those done today.

A refused approval comes back on the page's own address (/reconnections/), the reason as typed and the error
in its row, so reloading it shows the list. The old addresses still answer: /reconnections/overdue/ sends to
the page's overdue section, and a GET of /reconnections/approve/ to the page.
"""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import may_approve_reconnection, require
from arrears.models import Consumer
from core.dates import moment_text
from core.errors import DomainError
from core.models import Source
from core.sql import without_jit
from drives.forms import ReconnectionApproveForm
from drives.reconnections import reconnection_approve, reconnection_minimum
from drives.selectors import reconnections_awaiting_approval, reconnections_done_today, reconnections_visible_to

# Each section is a page of its own (?awaiting=2, ?overdue=3, …): a division can have thousands of cuts.
ROWS_PER_SECTION = 50
ZERO = Decimal("0.00")


def _section(request, name: str, queryset):
    return Paginator(queryset, ROWS_PER_SECTION).get_page(request.GET.get(name))


def _awaiting_section(request):
    """The cuts awaiting approval, a page of them: their ids in order first (the division's cut consumers who have
    paid something without an order: hundreds, read without JIT compilation, which would cost ten times the read),
    then the page's rows by id. Asked for a LIMIT at once, the planner walks the latest cuts and re-checks each
    against every order (seconds at a million consumers)."""
    cuts = reconnections_awaiting_approval(request.user)
    with without_jit():
        ids = list(cuts.values_list("pk", flat=True))
    page = Paginator(ids, ROWS_PER_SECTION).get_page(request.GET.get("awaiting"))
    found = {cut.pk: cut for cut in cuts.filter(pk__in=list(page.object_list))}
    page.object_list = [found[pk] for pk in page.object_list if pk in found]
    return page


def _awaiting_rows(page) -> None:
    """The page's cuts with their minimum and shortfall (the minimum from the consumer read with the cut: no
    query per row)."""
    for cut in page:
        cut.minimum = reconnection_minimum(cut)
        cut.short_by = max(cut.minimum - cut.paid_since, ZERO)


def _order_rows(page) -> None:
    for order in page:
        order.short_by = max(order.minimum - order.paid, ZERO)


def _page(request, *, form=None, approving: str = "", status: int = 200):
    now = timezone.now()
    orders = reconnections_visible_to(request.user, status="open").select_related("approved_by")
    sections = {
        "awaiting": _awaiting_section(request),
        # Index reconnection_status_due: open orders by due time.
        "overdue": _section(request, "overdue", orders.filter(due_at__lt=now).order_by("due_at", "id")),
        "open": _section(request, "open", orders.filter(due_at__gte=now).order_by("due_at", "id")),
        "done": _section(request, "done", reconnections_done_today(request.user).select_related("approved_by")),
    }
    _awaiting_rows(sections["awaiting"])
    for name in ("overdue", "open", "done"):
        _order_rows(sections[name])
    # A refused approval shows in its row when the consumer is listed on this page, else in the form below.
    listed = {cut.consumer.account_no for cut in sections["awaiting"]}
    blank = ReconnectionApproveForm()
    return render(request, "drives/reconnections.html", {
        **sections, "form": form or blank, "blank_form": blank, "approving": approving, "listed": listed},
        status=status)


def _approve(request):
    """An officer orders a reconnection on less than the minimum, with a reason: from a row of the page, or by
    account number for a cut consumer who has paid nothing."""
    form = ReconnectionApproveForm(request.POST)
    approving = (request.POST.get("account_no") or "").strip()
    if form.is_valid():
        try:
            order = reconnection_approve(user=request.user, account_no=form.cleaned_data["account_no"],
                                         reason=form.cleaned_data["reason"], source=Source.WEB)
        except Consumer.DoesNotExist:
            form.add_error("account_no", _("No consumer with this account number in your division."))
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Reconnection of %(account_no)s ordered, due by %(due)s.") % {
                "account_no": order.consumer.account_no, "due": moment_text(order.due_at)})
            return redirect("reconnections")
    return _page(request, form=form, approving=approving, status=400)


@require_http_methods(["GET", "POST"])
@login_required
def reconnections_page(request):
    require(may_approve_reconnection(request.user))
    if request.method == "POST":
        return _approve(request)
    return _page(request)


@require_http_methods(["GET", "POST"])
@login_required
def reconnection_approve_page(request):
    """The approval's old address: a POST approves as the page does (its answer at the page's address is the
    page's own form's), a GET (a reload of it) goes to the page instead of a blank 405."""
    require(may_approve_reconnection(request.user))
    if request.method == "POST":
        return _approve(request)
    return redirect("reconnections")


@require_GET
@login_required
def reconnections_overdue(request):
    """The page's old address (bookmarks, the division dashboard's link): its overdue section."""
    require(may_approve_reconnection(request.user))
    return redirect(reverse("reconnections") + "#overdue")
