"""The API's pages: DRF's page-number pagination, with a page that is not one answered as bad input.

DRF answers `?page=0`, `?page=abc` or a page past the last with an undocumented 404 "Invalid page.": the
list exists, the input is what is wrong, so it is a 400 on `page` in the one shape of every 400
(`{"page": ["…"]}`, core.api_docs.FieldErrors), which the schema documents on every list.
"""

from django.core.paginator import EmptyPage, PageNotAnInteger
from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError


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
