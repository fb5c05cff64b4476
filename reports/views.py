"""The home dashboards and the MD's summary, its drill-down, exports and the all-divisions defaulters page.

Every figure comes from reports.selectors, the same functions as the API and the daily e-mail.
"""

from datetime import date, timedelta
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Role
from accounts.permissions import may_see_list_status, may_see_reports, require, role_of
from core.dates import india_today
from core.errors import DomainError
from core.exports import csv_response, xlsx_response
from core.money import format_inr_short
from core.pdf import pdf_response, pdf_table
from core.replica import replica_view
from core.sql import without_jit
from defaulters.models import AccountabilityBand, AgeBucket, DefaulterEntry
from defaulters.selectors import defaulter_status_for
from drives.field_views import stops_page
from drives.models import HandoverStatus
from drives.selectors import disputes_awaiting, handovers_visible_to
from reports.formats import (
    COLUMNS,
    EXPORT_COLUMNS,
    MONEY_KEYS,
    PERCENT_KEYS,
    RC_COLUMNS,
    SETTLEMENT_COLUMNS,
    figure_text,
)
from reports.ranges import summary_range, yesterday
from reports.selectors import (
    FIGURES,
    defaulters_reachable,
    division_dashboard,
    summary,
    summary_days,
    summary_divisions,
)
from reports.settlement_figures import pct

HOME_TITLES = {
    Role.CLERK: _("Today's work"),
    Role.OFFICER: _("Division dashboard"),
    Role.MD: _("Division summary"),
    Role.ADMIN: _("Division summary"),
}

TREND_DAYS = 30
HOME_LIST_SIZE = 10  # the newest handovers and the oldest disputes awaiting the officer, on the home page


@login_required
def home(request):
    role = role_of(request.user)
    if role == Role.CLERK:
        # A clerk's day is the drive: the home page is today's stops in walking order.
        return stops_page(request, title=HOME_TITLES[Role.CLERK])
    if role == Role.OFFICER and request.user.division_id:
        return _division_page(request, request.user.division, title=HOME_TITLES[Role.OFFICER], home=True)
    if may_see_reports(request.user):
        return summary_page(request)
    return render(request, "accounts/home.html", {"home_title": _("Home")})


class RangeForm(forms.Form):
    # "from" is a Python keyword: the field is added under its own name below.
    to = forms.DateField(label=pgettext_lazy("date range", "To"), required=False,
                         widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"from": forms.DateField(label=pgettext_lazy("date range", "From"), required=False,
                                               widget=forms.DateInput(attrs={"type": "date"})), **self.fields}

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                data["from"], data["to"] = summary_range(data.get("from"), data.get("to"))
            except DomainError as exc:
                self.add_error(exc.field, exc.detail)
        return data


def _range_query(date_from: date, date_to: date) -> str:
    """The range as a query string, for every link that must keep it: a drill-down, the way back, the exports."""
    return urlencode({"from": date_from.isoformat(), "to": date_to.isoformat()})


def _range(request) -> tuple[RangeForm, date, date]:
    """The range the page asks for; yesterday when the form is empty or wrong (the form shows why)."""
    form = RangeForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["from"], form.cleaned_data["to"]
    day = yesterday()
    if not form.is_bound:
        form = RangeForm(initial={"from": day, "to": day})
    return form, day, day


def _trend(user, date_to: date, date_from: date, *, division=None) -> dict:
    """The chart of daily disconnections and collections: over the range, or the 30 days to its end."""
    if (date_to - date_from).days + 1 < 7:
        date_from = date_to - timedelta(days=TREND_DAYS - 1)
    days = summary_days(user, date_from=date_from, date_to=date_to, division=division)
    return {
        "id": "trend-chart", "type": "bar", "title": str(_("Disconnections and collections per day")),
        "caption": str(_("Disconnections and collections per day, %(start)s to %(end)s")) % {
            "start": date_format(date_from), "end": date_format(date_to)},
        "labels": [date_format(day.day, "MONTH_DAY_FORMAT") for day in days],
        "datasets": [
            {"label": str(_("Disconnections")), "data": [day.disconnections for day in days], "axis": "y"},
            {"label": str(_("Collections")), "data": [float(day.collections) for day in days], "axis": "y2",
             "money": True, "type": "line"},
        ],
    }


def _by_division(result) -> dict:
    """The chart of each division's collections against its target over the range."""
    return {
        "id": "division-chart", "type": "bar", "title": str(_("Collections and target by division")),
        "caption": str(_("Collections and target by division")),
        "labels": [row.local_name for row in result.rows],
        "datasets": [
            {"label": str(_("Collections")), "data": [float(row.collections) for row in result.rows], "money": True},
            {"label": str(_("Target")), "data": [float(row.target or 0) for row in result.rows], "money": True},
        ],
    }


@login_required
@replica_view
def summary_page(request):
    require(may_see_reports(request.user))
    form, date_from, date_to = _range(request)
    result = summary(request.user, date_from=date_from, date_to=date_to)
    context = {
        "home_title": HOME_TITLES.get(role_of(request.user), _("Division summary")),
        "form": form, "summary": result, "columns": COLUMNS, "money_keys": MONEY_KEYS,
        "settlement_columns": SETTLEMENT_COLUMNS, "rc_columns": RC_COLUMNS,
        "range_query": _range_query(date_from, date_to),
        "trend": _trend(request.user, date_to, date_from), "by_division": _by_division(result),
    }
    if may_see_list_status(request.user):
        # Are last night's lists there? The defaulters and arrears above come from them.
        statuses = defaulter_status_for(request.user)
        context.update(defaulter_status=statuses, defaulter_warnings=sum(not s.ok for s in statuses))
    return render(request, "reports/summary.html", context)


def _export_rows(result) -> list[list]:
    # A list, not a generator: its words are translated now, in the request's language, not while a CSV streams.
    rows = [[row.code, row.local_name, *[_export_value(key, getattr(row, key)) for key in FIGURES]]
            for row in result.rows]
    return rows + [["", str(_("KESCO total")), *[_export_value(key, getattr(result.totals, key)) for key in FIGURES]]]


def _export_value(key: str, value):
    if key in PERCENT_KEYS and value is not None:
        return float(value)
    return value


@login_required
@replica_view
def summary_export(request, fmt: str):
    """The summary of the page's range as CSV, XLSX or PDF: the page's rows and total, the same figures."""
    require(may_see_reports(request.user))
    form, date_from, date_to = _range(request)
    if form.is_bound and not form.is_valid():
        errors = "; ".join(f"{field}: {' '.join(messages)}" for field, messages in form.errors.items())
        return HttpResponseBadRequest(errors, content_type="text/plain; charset=utf-8")
    result = summary(request.user, date_from=date_from, date_to=date_to)
    header = [str(_("Code")), str(_("Division")), *[str(heading) for _key, heading in EXPORT_COLUMNS]]
    name = f"kesco-summary-{date_from:%Y%m%d}-{date_to:%Y%m%d}"
    if fmt == "csv":
        return csv_response(filename=f"{name}.csv", header=header, rows=_export_rows(result))
    if fmt == "xlsx":
        return xlsx_response(filename=f"{name}.xlsx", sheet_title=str(_("Summary")), header=header,
                             rows=_export_rows(result),
                             widths=[8, 22, 12, 18, 10, 14, 12, 18, 18, 14, 18, 14, 12, 12,
                                     12, 16, 18, 16, 12, 14, 14, 16, 14])
    if fmt == "pdf":
        rows = [[row.code, row.local_name, *[figure_text(key, getattr(row, key)) for key in FIGURES]]
                for row in result.rows]
        totals = ["", str(_("KESCO total")), *[figure_text(key, getattr(result.totals, key)) for key in FIGURES]]
        title = str(_("KESCO arrears: summary %(start)s to %(end)s")) % {
            "start": date_format(date_from), "end": date_format(date_to)}
        generated = str(_("Generated at %(when)s (India time) by %(user)s")) % {
            "when": date_format(timezone.localtime(), "DATETIME_FORMAT"),
            "user": request.user.get_full_name() or request.user.username}
        content = pdf_table(title=title, headers=header, rows=rows, totals=totals,
                            numeric=set(range(2, len(header))),
                            subtitle=str(_("Collections %(amount)s · disconnections %(cuts)s")) % {
                                "amount": format_inr_short(result.totals.collections),
                                "cuts": result.totals.disconnections} + " · " + generated,
                            footer=generated,
                            charts=[_trend(request.user, date_to, date_from), _by_division(result)])
        return pdf_response(content, f"{name}.pdf")
    raise Http404("unknown format")


def _division_page(request, division, **kwargs):
    # Its grouped reads of a division's settlements are costed past jit_above_cost yet run in a few milliseconds:
    # compiling each took 30 ms of the officer's home at the bench's size. Rendered inside too: the template reads
    # the handovers and disputes.
    with without_jit():
        return _division_render(request, division, **kwargs)


def _division_render(request, division, *, title, home: bool = False, form=None, date_from=None, date_to=None):
    on = india_today() if home else (date_to or india_today())
    dashboard = division_dashboard(request.user, division, on=on)
    context = {
        "home_title": title, "home": home, "d": dashboard,
        "trend": _trend(request.user, on, on, division=division),
    }
    if dashboard["by_age"]:
        context["age_chart"] = {
            "id": "age-chart", "type": "bar", "title": str(_("Arrears by age")),
            "caption": str(_("Arrears by age of the oldest unpaid bill")),
            "labels": [str(row["label"]) for row in dashboard["by_age"]],
            "datasets": [{"label": str(_("Arrears")), "money": True,
                          "data": [float(row["arrears"]) for row in dashboard["by_age"]]}],
        }
    if home:
        # What waits on the officer from the field: records the clerks handed over, and disputes raised at the door
        # (a clerk's disputed outcome) or otherwise open with no deposit made.
        handovers = handovers_visible_to(request.user, status=HandoverStatus.OPEN).filter(consumer__division=division)
        disputes = disputes_awaiting(request.user).filter(consumer__division=division)
        context.update(handovers=handovers[:HOME_LIST_SIZE], handovers_count=handovers.count(),
                       disputes_awaiting=disputes[:HOME_LIST_SIZE], disputes_awaiting_count=disputes.count())
        # Who a message can reach: the list's defaulters whose number had a message delivered (notify).
        reachable = defaulters_reachable(request.user, division)
        if reachable is not None and reachable[1]:
            context["reachable"] = {"verified": reachable[0], "total": reachable[1],
                                    "pct": pct(reachable[0], reachable[1])}
    if not home:
        result = summary(request.user, date_from=date_from, date_to=date_to, division=division)
        context.update(summary=result, row=result.rows[0], columns=COLUMNS, money_keys=MONEY_KEYS, form=form,
                       settlement_columns=SETTLEMENT_COLUMNS, rc_columns=RC_COLUMNS,
                       trend=_trend(request.user, date_to, date_from, division=division),
                       range_query=_range_query(date_from, date_to))
    if may_see_list_status(request.user):
        context["defaulter_status"] = [s for s in defaulter_status_for(request.user) if s.division == division]
        context["defaulter_warnings"] = sum(not s.ok for s in context["defaulter_status"])
    return render(request, "reports/division.html", context)


@login_required
@replica_view
def division_page(request, code: str):
    """The MD's drill-down into one division (an officer may open their own)."""
    require(may_see_reports(request.user))
    division = summary_divisions(request.user, division=code).first()
    if division is None:
        raise Http404("no such division in your scope")
    form, date_from, date_to = _range(request)
    return _division_page(request, division, title=division.local_name, form=form, date_from=date_from,
                          date_to=date_to)


class DefaultersFilter(forms.Form):
    division = forms.CharField(label=_("Division"), required=False, max_length=10)
    min_arrears = forms.DecimalField(label=_("Arrears at least (₹)"), required=False, min_value=0,
                                     max_digits=14, decimal_places=2)
    age_bucket = forms.ChoiceField(label=_("Age"), required=False,
                                   choices=[("", _("any"))] + list(AgeBucket.choices))
    band = forms.ChoiceField(label=_("Accountability"), required=False,
                             choices=[("", _("any"))] + list(AccountabilityBand.choices))


@login_required
@replica_view
def defaulters_all_page(request):
    """Every division's defaulters together, from each division's latest list, biggest arrears first."""
    require(may_see_reports(request.user))
    form = DefaultersFilter(request.GET or None)
    statuses = defaulter_status_for(request.user)  # each division's latest list, in three queries
    form.fields["division"].widget = forms.Select(choices=[("", _("all"))] + [(s.division.code, s.division.local_name)
                                                                              for s in statuses])
    latest_ids = [s.latest.pk for s in statuses if s.latest]
    entries = DefaulterEntry.objects.filter(list_id__in=latest_ids).select_related("list__division").annotate(
        live_arrears=F("consumer__arrears"), live_status=F("consumer__status"))
    if form.is_valid():
        data = form.cleaned_data
        if data["division"]:
            entries = entries.filter(list__division__code=data["division"])
        if data["min_arrears"] is not None:
            entries = entries.filter(arrears__gte=data["min_arrears"])
        if data["age_bucket"]:
            entries = entries.filter(age_bucket=data["age_bucket"])
        if data["band"]:
            entries = entries.filter(band=data["band"])
    entries = entries.order_by("-arrears", "list__division__code", "rank")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "reports/defaulters_all.html", {
        "form": form, "page": page, "query": query.urlencode(), "count": page.paginator.count,
    })
