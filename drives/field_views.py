"""The field clerk's pages, phone-first: today's stops, one stop with its outcome buttons, open reconnections.

The main path is static/js/field_queue.js: it sends each tap to the JSON API with an Idempotency-Key and keeps
it on the phone while the network is down. These views serve the pages and, for a phone without JavaScript,
take the same forms as plain POSTs into the same services.
The payment at a stop and its receipt are payments' pages (payments/field_views.py): drives stands above
payments and does not import it.
"""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import may_log_outcome, may_reconnect, may_take_payment
from core.dates import india_today
from core.errors import DomainError
from core.models import Source
from drives.models import NOTICE_CLEAR_DAYS, DisconnectionMethod, Notice, Outcome, StopStatus
from drives.reconnections import reconnection_done, reconnection_due
from drives.selectors import clerk_stops_today, notice_valid_exists, reconnections_visible_to, stops_visible_to
from drives.services import stop_outcome_log

# The outcomes a tap records on the stop page; "paid" is the payment form's (payments logs it).
TAP_OUTCOMES = [Outcome.PREMISES_LOCKED, Outcome.NOT_FOUND, Outcome.REFUSED_ACCESS, Outcome.DISPUTED,
                Outcome.THEFT_DETECTED]


def _latest_notice(stops):
    """Each stop with its consumer's latest notice's date: the day a cut is lawful from, for a notice served too
    recently (a subquery on the notice_consumer_served index, not a query per stop)."""
    latest = Notice.objects.filter(consumer=OuterRef("consumer")).order_by("-served_on")
    return stops.annotate(latest_notice_served=Subquery(latest.values("served_on")[:1]))


def _notice_status(stop) -> dict:
    """valid (a notice allows the cut today), later (from the date a served notice allows it), spent (the
    consumer has paid what the notices old enough demanded: a new one is needed) or none."""
    if stop.notice_valid:
        return {"state": "valid"}
    if stop.latest_notice_served is not None:
        lawful_from = stop.latest_notice_served + timedelta(days=NOTICE_CLEAR_DAYS + 1)
        return {"state": "later", "from": lawful_from} if lawful_from > india_today() else {"state": "spent"}
    return {"state": "none"}


def _may_work_in_field(user) -> None:
    if not may_log_outcome(user):
        raise PermissionDenied


@require_GET
@login_required
def field_stops(request):
    return stops_page(request, title=_("Today's stops"))


def stops_page(request, *, title: str):
    """Today's stops of the clerk, in walking order; also the clerk's home page (reports.views.home)."""
    _may_work_in_field(request.user)
    today = india_today()
    stops = list(_latest_notice(clerk_stops_today(request.user)))
    for stop in stops:
        stop.notice_status = _notice_status(stop)
    # Done today stays reachable: a consumer who was cut may pay later in the day.
    done = (stops_visible_to(request.user).filter(drive__date=today, clerk=request.user)
            .exclude(status__in=[StopStatus.OPEN, StopStatus.UNVISITED]).order_by("-outcome_at", "-settled_at"))
    return render(request, "drives/field/stops.html", {"title": title, "stops": stops, "done": done,
                                                       "today": today})


def _stop_for(user, pk):
    return get_object_or_404(stops_visible_to(user), pk=pk)


@require_GET
@login_required
def field_stop(request, pk):
    _may_work_in_field(request.user)
    stops = stops_visible_to(request.user).annotate(notice_valid=notice_valid_exists(india_today()))
    stop = get_object_or_404(_latest_notice(stops), pk=pk)
    stop.notice_status = _notice_status(stop)
    return render(request, "drives/field/stop.html", {
        "stop": stop, "methods": DisconnectionMethod.choices, "outcomes": [(o.value, o.label) for o in TAP_OUTCOMES],
        "may_take_payment": may_take_payment(request.user),
        "reconnection_due": reconnection_due(consumer=stop.consumer),
    })


def _blank_as_none(value: str | None) -> str | None:
    return (value or "").strip() or None


def _at_of(value: str | None):
    """The form's hidden ``at``: when the clerk pressed the button (field_queue.js fills it, ISO 8601); blank
    (no JavaScript: the form goes at once) is now."""
    value = _blank_as_none(value)
    if value is None:
        return None
    try:
        at = parse_datetime(value)
    except ValueError:
        at = None
    if at is None:
        raise DomainError(_("not a date and time"), code="invalid_date", field="at")
    return at


@require_POST
@login_required
def field_stop_outcome(request, pk):
    """The stop page's form without JavaScript: the same service as the API."""
    _may_work_in_field(request.user)
    stop = _stop_for(request.user, pk)
    outcome, _sep, method = request.POST.get("outcome", "").partition(":")
    try:
        stop = stop_outcome_log(user=request.user, stop=stop, outcome=outcome, method=method,
                                notes=request.POST.get("notes", "").strip(),
                                latitude=_blank_as_none(request.POST.get("latitude")),
                                longitude=_blank_as_none(request.POST.get("longitude")),
                                photo=request.FILES.get("photo"), at=_at_of(request.POST.get("at")),
                                source=Source.WEB)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("field-stop", pk=stop.pk)
    messages.success(request, _("%(name)s: %(outcome)s.") % {"name": stop.consumer.name,
                                                            "outcome": stop.get_outcome_display()})
    return redirect("field-stops")


@require_GET
@login_required
def field_reconnections(request):
    if not may_reconnect(request.user):
        raise PermissionDenied
    orders = reconnections_visible_to(request.user, status="open")
    return render(request, "drives/field/reconnections.html", {"orders": orders, "now": timezone.now()})


@require_POST
@login_required
def field_reconnection_done(request, pk):
    if not may_reconnect(request.user):
        raise PermissionDenied
    order = get_object_or_404(reconnections_visible_to(request.user), pk=pk)
    try:
        reconnection_done(user=request.user, order=order, notes=request.POST.get("notes", "").strip(),
                          reconnected_at=_at_of(request.POST.get("at")), source=Source.WEB)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(name)s reconnected.") % {"name": order.consumer.name})
    return redirect("field-reconnections")
