"""Pages: DRF's page-number pagination, with a page that is not one answered as bad input, and the
paginator of a list that shows its first matches and counts no further (web page and API alike).

DRF answers `?page=0`, `?page=abc` or a page past the last with an undocumented 404 "Invalid page.": the
list exists, the input is what is wrong, so it is a 400 on `page` in the one shape of every 400
(`{"page": ["…"]}`, core.api_docs.FieldErrors), which the schema documents on every list.
"""

from operator import itemgetter

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response


class FirstMatchesPaginator(Paginator):
    """Pages through the first ``listed`` rows of an ordered queryset, never counting further.

    First up to ``gathered`` + 1 matches, in whatever order is quickest (``LIMIT`` on the bare filter:
    part of a name read once off its index), with the fields the queryset is ordered by. If that is all
    of them they are sorted here and pages are read by id: a name matching 3,000 consumers is never
    looked for along the arrears index, where they may lie anywhere. If there are more, matches are
    common and the ordered queryset's index meets a page of them soon: pages come from it.
    ``capped``: more than ``listed``. The order's fields must compare in Python as in the database
    (numbers, dates, codes collated "C": arrears, account no.).
    """

    def __init__(self, queryset, per_page: int, *, listed: int, gathered: int):
        order = [(name.lstrip("-"), name.startswith("-")) for name in queryset.query.order_by]
        rows = list(queryset.order_by().values_list("pk", *[name for name, _desc in order])[: gathered + 1])
        self.queryset, self.listed, self.by_id = queryset, listed, len(rows) <= gathered
        if self.by_id:
            for position, (_name, descending) in reversed(list(enumerate(order, start=1))):
                rows.sort(key=itemgetter(position), reverse=descending)  # stable: the later keys stay in order
        self.capped = len(rows) > listed
        super().__init__([row[0] for row in rows[:listed]] if self.by_id else queryset, per_page)

    @cached_property
    def count(self) -> int:
        return len(self.object_list) if self.by_id else self.listed

    def _get_page(self, rows, number, paginator):
        if self.by_id:
            found = self.queryset.order_by().in_bulk(list(rows))
            rows = [found[pk] for pk in rows if pk in found]
        return super()._get_page(rows, number, paginator)


class PageNumberPagination(pagination.PageNumberPagination):
    page_query_description = "the page to answer, from 1 (`last` for the last); 50 records a page"

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        page_size = self.get_page_size(request)
        if not page_size:
            return None
        paginator = self.django_paginator_class(queryset, page_size)
        number = self.get_page_number(request, paginator)
        try:
            self.page = paginator.page(number)
        except PageNotAnInteger:
            raise ValidationError({self.page_query_param: [_("must be a whole number, 1 or more")]})
        except EmptyPage:
            if int(number) < 1:  # paginator.page() took it for a whole number
                raise ValidationError({self.page_query_param: [_("must be a whole number, 1 or more")]})
            raise ValidationError({self.page_query_param: [
                _("past the last page: there are %(pages)d") % {"pages": paginator.num_pages}]})
        return list(self.page)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return parameters


class FirstMatchesPagination(PageNumberPagination):
    """The API's side of FirstMatchesPaginator: a list that pages through its first matches only (the view's
    ``django_paginator_class`` says how many), with ``count_capped`` beside ``count``. Counting every match of a
    common name among a million rows is what made a search slow; past the cap, ``count`` is the cap, not the
    number of matches, and the last page is the cap's."""

    def get_paginated_response(self, data):
        return Response({
            "count": self.page.paginator.count,
            "count_capped": self.page.paginator.capped,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": data,
        })

    def get_paginated_response_schema(self, schema):
        answer = super().get_paginated_response_schema(schema)
        properties = answer["properties"]
        properties["count"]["description"] = (
            "how many records over every page: every match, or, when count_capped is true, the cap (there are "
            "more matches than the pages hold: narrow the search)")
        capped = {"type": "boolean", "example": False,
                  "description": "true when more records match than the list pages through (the first ones, in "
                                 "its order, are listed); count is then the cap"}
        answer["properties"] = {"count": properties.pop("count"), "count_capped": capped, **properties}
        answer["required"] = ["count", "count_capped", "results"]
        return answer
