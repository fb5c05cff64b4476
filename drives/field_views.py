"""The field clerk's pages, phone-first: today's stops, one stop with its outcome buttons, open reconnections.

The main path is the offline field app (static/js/field/app.js and outbox.js, docs/FIELD.md): it sends each
tap to the JSON API with an Idempotency-Key and keeps it on the phone while the network is down. These views
serve the pages and, for a phone without JavaScript, take the same forms as plain POSTs into the same services.
The payment at a stop and its receipt are payments' pages (payments/field_views.py): drives stands above
payments and does not import it.
"""

from datetime import timedelta
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import may_log_outcome, may_reconnect, may_take_payment
from core.dates import india_today
from core.errors import DomainError
from core.models import Source
from drives.models import (
    NOTICE_CLEAR_DAYS,
    DisconnectionMethod,
    Notice,
    Outcome,
    ReconnectionOrder,
    ReconnectionStatus,
    Stop,
    StopStatus,
)
from drives.reconnections import reconnection_done, reconnection_due, reconnection_minimum_for
from drives.selectors import clerk_stops_today, notice_valid_exists, reconnections_visible_to, stops_visible_to
from drives.services import keeping_mark, keeping_text, stop_outcome_log
from settlements.quotes import scheme_suggestion
from settlements.selectors import Keeping, consumer_keeping, consumers_keeping

# The outcomes a tap records on the stop page; "paid" is the payment form's (payments logs it).
TAP_OUTCOMES = [Outcome.PREMISES_LOCKED, Outcome.NOT_FOUND, Outcome.REFUSED_ACCESS, Outcome.DISPUTED,
                Outcome.THEFT_DETECTED]


def _latest_notice(stops):
    """Each stop with its consumer's latest notice's date: the day a cut is lawful from, for a notice served too
    recently (a subquery on the notice_consumer_served index, not a query per stop)."""
    latest = Notice.objects.filter(consumer=OuterRef("consumer")).order_by("-served_on")
    return stops.annotate(latest_notice_served=Subquery(latest.values("served_on")[:1]))


def _position_and_reconnected(stops):
    """Each stop with its consumer's last known position (the latest outcome at any stop of theirs that recorded
    one: the directions link) and whether it was cut here and reconnected since (the stop then reads
    "reconnected")."""
    located = (Stop.objects.filter(consumer=OuterRef("consumer"), latitude__isnull=False, longitude__isnull=False)
               .order_by("-outcome_at", "-id"))
    return stops.annotate(
        last_latitude=Subquery(located.values("latitude")[:1]),
        last_longitude=Subquery(located.values("longitude")[:1]),
        reconnected=Exists(ReconnectionOrder.objects.filter(disconnection__stop=OuterRef("pk"),
                                                            status=ReconnectionStatus.DONE)))


def directions_url(stop) -> str:
    """A geo: URI at the consumer's last known position, else a maps search for the address in Kanpur."""
    name = stop.consumer.name
    if getattr(stop, "last_latitude", None) is not None and getattr(stop, "last_longitude", None) is not None:
        where = f"{stop.last_latitude:.6f},{stop.last_longitude:.6f}"  # the field's places (a subquery's has more)
        return f"geo:{where}?q={where}({quote(name)})"
    address = ", ".join(part for part in (stop.consumer.address.strip(), "Kanpur") if part)
    return "https://www.google.com/maps/search/?api=1&query=" + quote(address, safe="")


def _notice_status(stop) -> dict:
    """valid (a notice allows the cut today), later (from the date a served notice allows it), spent (the
    consumer has paid what the notices old enough demanded: a new one is needed) or none."""
    if stop.notice_valid:
        return {"state": "valid"}
    if stop.latest_notice_served is not None:
        lawful_from = stop.latest_notice_served + timedelta(days=NOTICE_CLEAR_DAYS + 1)
        return {"state": "later", "from": lawful_from} if lawful_from > india_today() else {"state": "spent"}
    return {"state": "none"}


# The stops list's word for what keeps a consumer from a cut (the stop page names the reference or the day).
KEEPING_WORDS = {Keeping.OTS: _lazy("In OTS"), Keeping.PLAN: _lazy("On a plan"),
                 Keeping.PROMISE: _lazy("Promised to pay")}


def _mark_kept(stops) -> None:
    """Each open stop's ``kept``: the words for a settlement or promise that keeps its consumer from a cut, or "".
    One question for the day's consumers. Such a stop stays on the day (the clerk may take the instalment); the
    cut is refused (drives.services._settlement_checked)."""
    kept = consumers_keeping(stop.consumer_id for stop in stops if stop.status == StopStatus.OPEN)
    for stop in stops:
        stop.kept = KEEPING_WORDS.get(kept.get(stop.consumer_id), "")


def _may_work_in_field(user) -> None:
    if not may_log_outcome(user):
        raise PermissionDenied


@require_GET
@login_required
def field_stops(request):
    return stops_page(request, title=_("Today's stops"))


# The day list's filters: GET parameters for a phone without JavaScript, the same rule in static/js/field/filter.js
# on each item's data-* attributes (offline, on the cached page).
STATUS_FILTERS = ("open", "part_paid", "done")
NOTICE_FILTERS = ("valid", "later", "spent", "none")


def _prepare(stop) -> None:
    """What the list and the stop page show of a stop: notice state, directions, its filter keys."""
    stop.notice_status = _notice_status(stop)
    stop.directions = directions_url(stop)
    stop.filter_status = ("part_paid" if stop.part_paid else "open") if stop.status == StopStatus.OPEN else "done"
    consumer = stop.consumer
    stop.search_text = " ".join((consumer.name, consumer.account_no, consumer.address)).lower()


def _filters(request) -> dict:
    get = request.GET
    return {"q": get.get("q", "").strip(), "locality": get.get("locality", "").strip(),
            "status": get.get("status", "") if get.get("status", "") in STATUS_FILTERS else "",
            "notice": get.get("notice", "") if get.get("notice", "") in NOTICE_FILTERS else ""}


def _matches(stop, filters: dict) -> bool:
    words = filters["q"].lower().split()
    return (all(word in stop.search_text for word in words)
            and (not filters["locality"] or stop.locality == filters["locality"])
            and (not filters["status"] or stop.filter_status == filters["status"])
            and (not filters["notice"] or stop.notice_status["state"] == filters["notice"]))


def stops_page(request, *, title: str):
    """Today's stops of the clerk, in walking order; also the clerk's home page (reports.views.home). Search and
    filters narrow both lists (the page still counts the whole day)."""
    _may_work_in_field(request.user)
    today = india_today()
    stops = list(_position_and_reconnected(_latest_notice(clerk_stops_today(request.user).select_related("consumer"))))
    # Done today stays reachable: a consumer who was cut may pay later in the day.
    done = list(_position_and_reconnected(_latest_notice(
        stops_visible_to(request.user).filter(drive__date=today, clerk=request.user)
        .exclude(status__in=[StopStatus.OPEN, StopStatus.UNVISITED])
        .annotate(notice_valid=notice_valid_exists(today)).select_related("consumer")
        .order_by("-outcome_at", "-settled_at"))))
    for stop in stops + done:
        _prepare(stop)
    _mark_kept(stops)
    filters = _filters(request)
    localities = sorted({stop.locality for stop in stops + done if stop.locality})
    return render(request, "drives/field/stops.html", {
        "title": title, "today": today, "left_count": len(stops), "done_count": len(done),
        "stops": [stop for stop in stops if _matches(stop, filters)],
        "done": [stop for stop in done if _matches(stop, filters)],
        "filters": filters, "filtered": any(filters.values()), "localities": localities,
        "status_choices": [("open", _("Open")), ("part_paid", _("Part-paid")), ("done", _("Done today"))],
        "notice_choices": [("valid", _("Notice valid")), ("later", _("Notice: cut later")),
                           ("spent", _("Notice paid off")), ("none", _("No notice"))]})


def _stop_for(user, pk):
    return get_object_or_404(stops_visible_to(user), pk=pk)


@require_GET
@login_required
def field_stop(request, pk):
    _may_work_in_field(request.user)
    stops = stops_visible_to(request.user).annotate(notice_valid=notice_valid_exists(india_today()))
    stop = get_object_or_404(_position_and_reconnected(_latest_notice(stops.select_related("consumer"))), pk=pk)
    _prepare(stop)
    due = reconnection_due(consumer=stop.consumer)
    # A settlement or promise kept: "In OTS (OTS-RTP-000001): do not cut" instead of the cut buttons.
    keeping = consumer_keeping(stop.consumer_id) if stop.status == StopStatus.OPEN else None
    return render(request, "drives/field/stop.html", {
        "stop": stop, "methods": DisconnectionMethod.choices, "outcomes": [(o.value, o.label) for o in TAP_OUTCOMES],
        "may_take_payment": may_take_payment(request.user),
        "keeping": keeping_text(keeping) if keeping is not None else "",
        "keeping_mark": keeping_mark(keeping) if keeping is not None else "",
        # A cut is offered only when it is lawful today; otherwise the page says why and from when.
        "may_cut": stop.notice_status["state"] == "valid" and keeping is None,
        "reconnection_due": due,
        "reconnection_minimum": due.minimum if due is not None
        else reconnection_minimum_for(consumer=stop.consumer, arrears=stop.consumer.arrears),
        # An open settlement scheme the consumer may join: only this stop's consumer is quoted (a split query
        # per open scheme), so the page stays quick. Registering is online (the settlements page).
        "suggestion": scheme_suggestion(consumer=stop.consumer, on=india_today()),
    })


def _blank_as_none(value: str | None) -> str | None:
    return (value or "").strip() or None


def _at_of(value: str | None):
    """The form's hidden ``at``: when the clerk pressed the button (the field app fills it, ISO 8601); blank
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
