from django.core.paginator import InvalidPage
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination


class CataloguePagination(PageNumberPagination):
    """Pages of 50 by default; `page_size` up to 500 (larger values are capped at 500)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

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
        page_number = request.query_params.get(self.page_query_param, "1")
        if page_number != "last" and (not page_number.isdigit() or int(page_number) < 1):
            raise ValidationError({"page": [f"Must be a whole number from 1; got {page_number!r}."]})
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound as error:
            if not isinstance(error.__cause__, InvalidPage) and "Invalid page" not in str(error.detail):
                raise
            pages = self.django_paginator_class(queryset, self.get_page_size(request)).num_pages
            raise NotFound({"page": [f"Page {page_number} is past the end: there are {pages} page(s)."]}) from error
