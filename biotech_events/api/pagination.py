"""Pagination that stays fast at a million rows.

Page-number mode never runs an unbounded COUNT(*): it counts at most COUNT_CAP + 1 rows and,
beyond the cap, answers `count: COUNT_CAP, count_exact: false` while every page stays reachable.
Cursor mode (`?cursor=`, keyset pagination) makes page 10,000 cost what page 1 costs.
"""

import math

from django.conf import settings
from django.core.paginator import EmptyPage, InvalidPage, Page, PageNotAnInteger, Paginator
from django.utils.functional import cached_property
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.response import Response

MAX_PAGE_SIZE = 500


class CappedCountPaginator(Paginator):
    """A Paginator that counts at most `cap` + 1 rows; past the cap, pages are found by looking."""

    def __init__(self, *args, cap=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.cap = cap or settings.API_COUNT_CAP

    @cached_property
    def bounded_count(self):
        head = self.object_list[: self.cap + 1]
        return head.count() if hasattr(head, "query") else len(head)  # SELECT COUNT(*) FROM (... LIMIT cap+1)

    @property
    def count_exact(self):
        return self.bounded_count <= self.cap

    @cached_property
    def count(self):
        return min(self.bounded_count, self.cap)

    @property
    def num_pages(self):
        if self.count_exact:
            return super().num_pages
        return math.ceil(self.cap / self.per_page)  # at least this many

    def validate_number(self, number):
        if self.count_exact:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger("That page number is not an integer") from error
        if number < 1:
            raise EmptyPage("That page number is less than 1")
        return number

    def page(self, number):
        if self.count_exact:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])  # one more tells if a next exists
        if not rows and number > 1:
            raise EmptyPage("That page contains no results")
        page = Page(rows[: self.per_page], number, self)
        page.has_next = lambda: len(rows) > self.per_page
        return page


class KeysetPagination(CursorPagination):
    """`?cursor=` mode: opaque next/previous links, no count, the same cost at any depth."""

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound as error:
            raise ValidationError(
                {"cursor": ["Not a cursor this API issued: follow the next/previous links."]}
            ) from error

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if any("__" in field for field in ordering):
            raise ValidationError({"ordering": ["Cursor mode orders by the records' own fields only."]})
        tiebreak = "-id" if ordering[0].startswith("-") else "id"
        return ordering if ordering[-1].lstrip("-") in ("id", "pk") else (*ordering, tiebreak)


class CataloguePagination(PageNumberPagination):
    """Pages of 50 by default; `page_size` up to 500 (larger values are capped at 500); `?cursor=` for keyset mode."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    django_paginator_class = CappedCountPaginator
    cursor_query_param = KeysetPagination.cursor_query_param
    keyset = None

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or int(raw) < 1:
            raise ValidationError(
                {"page_size": [f"Must be a whole number from 1 to {self.max_page_size}; got {raw!r}."]}
            )
        return min(int(raw), self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        if self.cursor_query_param in request.query_params:
            self.keyset = KeysetPagination()
            self.keyset.get_page_size = self.get_page_size
            return self.keyset.paginate_queryset(queryset, request, view)
        page_number = request.query_params.get(self.page_query_param, "1")
        if page_number != "last" and (not page_number.isdigit() or int(page_number) < 1):
            raise ValidationError({"page": [f"Must be a whole number from 1; got {page_number!r}."]})
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound as error:
            if not isinstance(error.__context__, InvalidPage):
                raise
            paginator = self.django_paginator_class(queryset, self.get_page_size(request))
            extent = f"there are {paginator.num_pages} page(s)" if paginator.count_exact else "no rows are left"
            raise NotFound({"page": [f"Page {page_number} is past the end: {extent}."]}) from error

    def get_paginated_response(self, data):
        if self.keyset is not None:
            return self.keyset.get_paginated_response(data)
        paginator = self.page.paginator
        return Response(
            {
                "count": paginator.count,
                "count_exact": paginator.count_exact,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["required"] = ["next", "previous", "results"]
        response["properties"]["count"] = {
            "type": "integer",
            "description": f"Exact up to {settings.API_COUNT_CAP:,}; beyond, that cap (see count_exact). "
            "Absent in cursor mode.",
        }
        response["properties"]["count_exact"] = {
            "type": "boolean",
            "description": "false when the count stopped at the cap: there are more rows. Absent in cursor mode.",
        }
        return response

    def get_schema_operation_parameters(self, view):
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Keyset (cursor) mode: give it empty to start, then follow `next`; the same speed "
                "at any depth, no count. Orders by the `ordering` parameter (own fields only), then id.",
                "schema": {"type": "string"},
            },
        ]
