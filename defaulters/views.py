"""Web pages of the nightly defaulter lists: the list (sort, filter), CSV and XLSX
exports and a printable field sheet. Every list comes from a scoping selector, so
another division's list is a 404; exports and print take the page's filters."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from accounts.selectors import divisions_visible_to
from core.exports import csv_response, xlsx_response
from core.replica import replica_view
from defaulters.exports import export_header, export_rows, export_widths
from defaulters.models import AgeBucket, DefaulterList
from defaulters.selectors import (
    defaulter_entries,
    defaulter_list_get,
    defaulter_list_latest,
    defaulter_status_for,
)
from defaulters.signals import entries_marked, entries_marked_in_chunks

ENTRIES_PER_PAGE = 100

SORT_CHOICES = [
    ("rank", _("Rank (highest arrears first)")),
    ("arrears", _("Lowest arrears first")),
    ("-days", _("Longest overdue first")),
    ("days", _("Shortest overdue first")),
    ("name", _("Name")),
    ("account", _("Account no.")),
]


class DefaulterFilterForm(forms.Form):
    min_arrears = forms.DecimalField(label=_("Arrears from (₹)"), required=False, min_value=0, decimal_places=2)
    max_arrears = forms.DecimalField(label=_("Arrears up to (₹)"), required=False, min_value=0, decimal_places=2)
    bucket = forms.ChoiceField(label=_("Overdue"), required=False,
                               choices=[("", _("any age"))] + list(AgeBucket.choices))
    q = forms.CharField(label=_("Locality, name or account"), required=False, max_length=100)
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=SORT_CHOICES)


def _filtered(request, defaulters: DefaulterList):
    """(form, entries): the list's entries narrowed by the query string; bad filters are ignored and shown."""
    form = DefaulterFilterForm(request.GET)
    form.is_valid()
    data = form.cleaned_data
    entries = defaulter_entries(defaulters, min_arrears=data.get("min_arrears"),
                                max_arrears=data.get("max_arrears"), age_bucket=data.get("bucket") or "",
                                q=(data.get("q") or "").strip(), ordering=data.get("sort") or "rank")
    return form, entries


def _filters_query(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("division", None)
    return query.urlencode()


@require_GET
@login_required
def defaulter_list_latest_page(request):
    """The chosen division's newest list: an officer's own division; HQ picks one."""
    divisions = list(divisions_visible_to(request.user).order_by("code"))
    if not divisions:
        raise Http404
    code = request.GET.get("division") or divisions[0].code
    division = next((d for d in divisions if d.code == code), None)
    if division is None:
        raise Http404
    defaulters = defaulter_list_latest(request.user, division)
    return _list_page(request, defaulters, division=division, divisions=divisions)


@require_GET
@login_required
def defaulter_list_page(request, pk: int):
    defaulters = defaulter_list_get(request.user, pk)
    divisions = list(divisions_visible_to(request.user).order_by("code"))
    return _list_page(request, defaulters, division=defaulters.division, divisions=divisions)


def _list_page(request, defaulters, *, division, divisions):
    context = {"defaulters": defaulters, "division": division, "divisions": divisions,
               "status": next((s for s in defaulter_status_for(request.user) if s.division == division), None)}
    if defaulters is not None:
        form, entries = _filtered(request, defaulters)
        page = Paginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
        # Each entry marked in OTS, on a plan or promised to pay: one question for the page's consumers.
        page.object_list = entries_marked(page.object_list)
        context.update(form=form, query=_filters_query(request), page=page)
    return render(request, "defaulters/list.html", context)


@require_GET
@login_required
def defaulter_list_print(request, pk: int):
    """The field sheet: every filtered entry on paper, with room for the outcome."""
    defaulters = defaulter_list_get(request.user, pk)
    form, entries = _filtered(request, defaulters)
    entries = list(entries_marked_in_chunks(entries.iterator(chunk_size=2000)))
    return render(request, "defaulters/print.html", {"defaulters": defaulters, "form": form, "entries": entries})


def _export_name(defaulters: DefaulterList, extension: str) -> str:
    return f"defaulters-{defaulters.division.code}-{defaulters.as_of.isoformat()}.{extension}"


@require_GET
@login_required
@replica_view
def defaulter_list_csv(request, pk: int):
    defaulters = defaulter_list_get(request.user, pk)
    _form, entries = _filtered(request, defaulters)
    return csv_response(filename=_export_name(defaulters, "csv"), header=export_header(), rows=export_rows(entries))


@require_GET
@login_required
@replica_view
def defaulter_list_xlsx(request, pk: int):
    defaulters = defaulter_list_get(request.user, pk)
    _form, entries = _filtered(request, defaulters)
    return xlsx_response(filename=_export_name(defaulters, "xlsx"),
                         sheet_title=f"{defaulters.division.code} {defaulters.as_of.isoformat()}",
                         header=export_header(), rows=export_rows(entries), widths=export_widths())
