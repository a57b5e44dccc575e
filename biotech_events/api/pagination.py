"""Pagination that stays fast at a million rows.

Page-number mode never runs an unbounded COUNT(*): it counts at most COUNT_CAP + 1 rows and,
beyond the cap, answers `count: COUNT_CAP, count_exact: false` while every page stays reachable.
Cursor mode (`?cursor=`, keyset pagination) makes page 10,000 cost what page 1 costs.
"""

import base64
import binascii
import datetime
import decimal
import json
import math
import uuid

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import EmptyPage, InvalidPage, Page, PageNotAnInteger, Paginator
from django.db.models import F, Q
from django.utils.functional import cached_property
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import BasePagination, PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

MAX_PAGE_SIZE = 500


class CappedCountPaginator(Paginator):
    """A Paginator that counts at most `cap` + 1 rows; past the cap, pages are found by looking."""

    def __init__(self, *args, cap=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.cap = cap or settings.API_COUNT_CAP

    @cached_property
    def bounded_count(self):
        if not hasattr(self.object_list, "query"):
            return len(self.object_list[: self.cap + 1])
        # SELECT COUNT(*) FROM (... LIMIT cap+1), unordered: sorting rows only to count them is the
        # costliest part of a page on a large table. Rows read with their relations' display columns
        # name the filtered queryset they came from (`count_from`): its count needs none of those joins,
        # and PostgreSQL, though it drops an unused LEFT JOIN, then still wants the join's column and
        # so cannot count from an index alone.
        counted = getattr(self.object_list, "count_from", self.object_list)
        return counted.order_by().values("pk")[: self.cap + 1].count()

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
        rows = None
        if number in (1, "1") and "bounded_count" not in self.__dict__ and hasattr(self.object_list, "query"):
            # The first page is read before counting, one row more: when that row is missing, the page is
            # the whole list and its length the count (a search for a name, a narrow filter): no COUNT runs.
            rows = list(self.object_list[: self.per_page + 1])
            if len(rows) <= self.per_page:
                self.__dict__["bounded_count"] = len(rows)
        if self.count_exact:
            return Page(rows[: self.per_page], 1, self) if rows is not None else super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if rows is None:
            rows = self.rows(bottom, bottom + self.per_page + 1)  # one more tells if a next exists
        if not rows and number > 1:
            raise EmptyPage("That page contains no results")
        page = Page(rows[: self.per_page], number, self)
        page.has_next = lambda: len(rows) > self.per_page
        return page

    def rows(self, start, stop):
        """The rows from `start` to `stop` in the list's order.

        Deep in a long list, OFFSET reads every skipped row whole, with its joined relations. From
        DEFERRED_FROM on, the skipping is done over ids alone (an index-only scan where an index covers
        the order), and only the page's rows are read in full, by id. Cursor mode is cheaper still.
        """
        if start < DEFERRED_FROM or not hasattr(self.object_list, "query"):
            return list(self.object_list[start:stop])
        plain = getattr(self.object_list, "count_from", self.object_list)
        ids = list(plain.values_list("pk", flat=True)[start:stop])
        by_id = {row["pk"] if isinstance(row, dict) else row.pk: row for row in self.object_list.filter(pk__in=ids)}
        return [by_id[pk] for pk in ids if pk in by_id]


# Rows skipped from which a page looks up its ids first (CappedCountPaginator.rows).
DEFERRED_FROM = 1000


class KeysetPagination(BasePagination):
    """`?cursor=` mode: opaque next/previous links, no count, the same cost at any depth.

    A cursor holds the sort values of the row it stops at (the ordering fields, then id), so the
    next page is `WHERE (ordering...) after (those values)`: an index range scan at any depth, not
    an OFFSET. Fields that may be empty sort their empty values last on every database, and the
    comparison says so explicitly, so walking a list ordered by a nullable date neither loops nor
    skips the undated rows.
    """

    cursor_query_param = "cursor"
    page_size = 50
    max_page_size = MAX_PAGE_SIZE
    default_ordering = ("-id",)
    invalid_cursor = "Not a cursor this API issued: follow the next/previous links."

    def get_page_size(self, request):
        return self.page_size

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page_size = self.get_page_size(request)
        self.keys = self.ordering_keys(request, queryset, view)
        self.model = queryset.model
        self.nullable = {name: self.model_field(name).null for name, _ in self.keys}
        position, backwards = self.decode_cursor(request)
        queryset = queryset.order_by(*self.order_by(backwards))
        if position is not None:
            queryset = queryset.filter(self.beyond(position, backwards))
        rows = list(queryset[: self.page_size + 1])
        more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        if backwards:
            rows.reverse()
            self.has_next, self.has_previous = True, more
        else:
            self.has_next, self.has_previous = more, position is not None
        self.first, self.last = (rows[0], rows[-1]) if rows else (None, None)
        return rows

    # --- ordering --------------------------------------------------------------------------

    def ordering_keys(self, request, queryset, view):
        """[(field name, descending)], ending with id as the tiebreak that makes every position unique."""
        ordering = None
        for backend in getattr(view, "filter_backends", []):
            if issubclass(backend, OrderingFilter):
                ordering = backend().get_ordering(request, queryset, view)
        keys = []
        for term in ordering or self.default_ordering:
            if not isinstance(term, str) or "__" in term:
                raise ValidationError({"ordering": ["Cursor mode orders by the records' own fields only."]})
            name = term.lstrip("-")
            keys.append(("id" if name == "pk" else name, term.startswith("-")))
            if keys[-1][0] == "id":
                return keys
        return [*keys, ("id", keys[0][1] if keys else True)]

    def order_by(self, backwards):
        """ORDER BY for the page: the requested order, or its exact reverse when paging backwards."""
        terms = []
        for name, descending in self.keys:
            descending ^= backwards
            if not self.nullable[name]:
                terms.append(f"-{name}" if descending else name)
                continue
            # Empty values last going forwards (first going backwards), on PostgreSQL and SQLite alike.
            expression = F(name).desc if descending else F(name).asc
            terms.append(expression(**({"nulls_first": True} if backwards else {"nulls_last": True})))
        return terms

    def beyond(self, position, backwards):
        """The rows after `position` in the page's order: a lexicographic comparison, null-aware."""
        after, equal = Q(pk__in=[]), Q()
        for (name, descending), value in zip(self.keys, position, strict=True):
            descending ^= backwards
            if value is None:
                # Going forwards nothing sorts after an empty value; backwards every filled one does.
                step = Q(**{f"{name}__isnull": False}) if backwards else None
                same = Q(**{f"{name}__isnull": True})
            else:
                step = Q(**{f"{name}__{'lt' if descending else 'gt'}": value})
                if self.nullable[name] and not backwards:
                    step |= Q(**{f"{name}__isnull": True})
                same = Q(**{name: value})
            if step is not None:
                after |= equal & step
            equal &= same
        return after

    # --- cursors ---------------------------------------------------------------------------

    def signature(self):
        return [f"-{name}" if descending else name for name, descending in self.keys]

    def encode_cursor(self, row, backwards):
        values = [row[name] if isinstance(row, dict) else getattr(row, name) for name, _ in self.keys]
        payload = {"o": self.signature(), "v": [_jsonable(value) for value in values], "b": backwards}
        return replace_query_param(self.request.build_absolute_uri(), self.cursor_query_param, encode_token(payload))

    def decode_cursor(self, request):
        """(position, backwards) from `?cursor=`; (None, False) for an empty cursor: the first page."""
        token = request.query_params.get(self.cursor_query_param, "")
        if not token:
            return None, False
        try:
            payload = decode_token(token)
            raw, backwards, ordering = payload["v"], payload["b"], payload["o"]
            if not isinstance(raw, list) or len(raw) != len(self.keys) or not isinstance(backwards, bool):
                raise ValueError
            model_fields = [self.model_field(name) for name, _ in self.keys]
            position = [
                None if value is None else field.to_python(value)
                for field, value in zip(model_fields, raw, strict=True)
            ]
        except (ValueError, TypeError, KeyError, UnicodeError, binascii.Error, DjangoValidationError) as error:
            raise ValidationError({self.cursor_query_param: [self.invalid_cursor]}) from error
        if ordering != self.signature():
            raise ValidationError(
                {
                    self.cursor_query_param: [
                        f"This cursor was issued for ordering={','.join(ordering)}: "
                        "follow the links of the ordering you ask for, or start again with an empty cursor."
                    ]
                }
            )
        return position, backwards

    def model_field(self, name):
        try:
            return self.model._meta.get_field(name)
        except FieldDoesNotExist as error:
            raise ValidationError({"ordering": [f"Cursor mode cannot order by {name!r}."]}) from error

    def get_paginated_response(self, data):
        return Response(
            {
                "next": self.encode_cursor(self.last, False) if self.has_next and self.last is not None else None,
                "previous": self.encode_cursor(self.first, True)
                if self.has_previous and self.first is not None
                else None,
                "results": data,
            }
        )


def encode_token(payload):
    """A `?cursor=` value: the cursor's payload as URL-safe base64 of compact JSON."""
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode()


def decode_token(token):
    """The payload of a `?cursor=` value (ValueError, UnicodeError or binascii.Error when it is none)."""
    return json.loads(base64.urlsafe_b64decode(token.encode("ascii")))


def _jsonable(value):
    if isinstance(value, datetime.date | datetime.datetime | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


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
        if not raw.isdecimal() or int(raw) < 1:
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
        if page_number != "last" and (not page_number.isdecimal() or int(page_number) < 1):
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


class PageNumberOnlyPagination(CataloguePagination):
    """Pages by number only, for lists that are not querysets (a record's history): no `?cursor=` mode."""

    cursor_query_param = None

    def get_schema_operation_parameters(self, view):
        return PageNumberPagination.get_schema_operation_parameters(self, view)
