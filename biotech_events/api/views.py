"""Viewsets: each endpoint is a queryset, a serializer and a filter set; the base does the rest."""

from itertools import batched, islice

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.http import Http404, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.settings import api_settings

from ..models import (
    Company,
    Deal,
    Event,
    MergedRecord,
    Organizer,
    Park,
    ParkRanking,
    Person,
    RankingList,
    Report,
    SourceDocument,
)
from ..services.history import history_entries
from ..services.merge import merge_records
from . import filters, serializers
from .concurrency import ConditionalWriteMixin
from .exceptions import RecordMerged
from .jsonld import JSONLDSerializer
from .pagination import PageNumberOnlyPagination
from .permissions import CanMerge
from .readers import reader_for
from .renderers import CSVRenderer, JSONLDRenderer, csv_lines
from .schema import CatalogueSchema
from .serializers.history import HistoryEntrySerializer
from .serializers.merge import MergeRequestSerializer

CSV_CHUNK_ROWS = 2000
# The first rows are serialized on their own: the export's first record then leaves after a handful of rows'
# work (their relations' queries, their reading) rather than after a whole chunk's (about half a second).
CSV_FIRST_ROWS = 100


def streamed_rows(records, serialize):
    """The serialized rows of `records`, read CSV_CHUNK_ROWS at a time from a server-side cursor.

    Read inside a transaction: outside one (autocommit) the cursor must outlive its own transaction,
    and PostgreSQL then computes the whole result before the first row (a WITH HOLD cursor): seconds
    of sorting a million deals before the export's first row. Inside one, the rows come as the query
    finds them. The transaction only reads; it ends (rolled back, if the client went away) with the
    stream.
    """
    with transaction.atomic(using=records.db):
        rows = records.iterator(chunk_size=CSV_CHUNK_ROWS)
        first = list(islice(rows, CSV_FIRST_ROWS))
        if first:
            yield from serialize(first)
        for chunk in batched(rows, CSV_CHUNK_ROWS):
            yield from serialize(list(chunk))


FIELDS_PARAMETER = OpenApiParameter(
    "fields",
    OpenApiTypes.STR,
    description="Comma-separated field names to return, e.g. name,start_date; relations not asked for are not queried.",
)
BRIEF_PARAMETER = OpenApiParameter(
    "brief", OpenApiTypes.BOOL, description="Return only id, url and display name, for pickers and autocomplete."
)


ID_OR_SLUG = OpenApiParameter(
    "id",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="The record's id, or its slug (a source's key); park-rankings by id only.",
)


@extend_schema_view(
    list=extend_schema(parameters=[FIELDS_PARAMETER, BRIEF_PARAMETER]),
    retrieve=extend_schema(parameters=[ID_OR_SLUG, FIELDS_PARAMETER, BRIEF_PARAMETER]),
    update=extend_schema(parameters=[ID_OR_SLUG]),
    partial_update=extend_schema(parameters=[ID_OR_SLUG]),
    destroy=extend_schema(parameters=[ID_OR_SLUG]),
)
class CatalogueViewSet(ConditionalWriteMixin, viewsets.ModelViewSet):
    """List, detail (by id or slug), create, update, partial update and delete, with filters and search."""

    schema = CatalogueSchema()
    lookup_value_regex = r"[^/]+"
    renderer_classes = [*api_settings.DEFAULT_RENDERER_CLASSES, CSVRenderer]
    # "=slug": the whole word is the slug (its unique index serves it); the others contain the word.
    search_fields = ["name", "=slug"]  # and the record's aliases, where it has any
    fuzzy_search_fields = ["name"]  # also one typo away, on PostgreSQL

    def get_object(self):
        """`/<id>/` or `/<slug>/` (or `/<key>/` for sources): slugs contain a letter, so the two never collide."""
        value = self.kwargs[self.lookup_field]
        if "\x00" in value:  # no id or slug holds one, and PostgreSQL refuses to compare it
            raise Http404
        key_fields = self.queryset.model.natural_key_fields
        if not value.isdecimal() and len(key_fields) == 1:
            self.lookup_field = self.lookup_url_kwarg = key_fields[0]
            self.kwargs[self.lookup_field] = value
        try:
            return super().get_object()
        except Http404:
            self.redirect_if_merged(value)
            raise

    def redirect_if_merged(self, value):
        """A merged-away record's old id or slug answers 301 to the survivor, as Wikidata's merged items do."""
        model = self.queryset.model
        survivor = MergedRecord.survivor_of(model, **({"pk": int(value)} if value.isdecimal() else {"slug": value}))
        if survivor is not None:
            old = f"/{value}/"
            path = self.request.get_full_path().replace(old, f"/{survivor}/", 1)
            raise RecordMerged(self.request.build_absolute_uri(path))

    def requested_fields(self):
        """The fields `?brief=1` or `?fields=a,b` ask for; None for all. Only reads are trimmed."""
        if self.request is None or self.request.method not in ("GET", "HEAD", "OPTIONS"):
            return None
        serializer_class = self.get_serializer_class()
        if self.request.query_params.get("brief", "").lower() in ("1", "true", "yes"):
            return list(serializer_class.Meta.brief_fields)
        raw = self.request.query_params.get("fields")
        if not raw:
            return None
        asked = [name.strip() for name in raw.split(",") if name.strip()]
        unknown = sorted(set(asked) - set(serializer_class.Meta.fields))
        if unknown:
            raise ValidationError({"fields": [f"Unknown field(s): {', '.join(unknown)}."]})
        return asked

    def wants_jsonld(self):
        renderer = getattr(self.request, "accepted_renderer", None)
        return renderer is not None and renderer.format == JSONLDRenderer.format

    def get_serializer(self, *args, **kwargs):
        if self.wants_jsonld():
            return JSONLDSerializer(*args, context=self.get_serializer_context(), **kwargs)
        kwargs.setdefault("fields", self.requested_fields())
        return super().get_serializer(*args, **kwargs)

    def row_reader(self):
        """The compiled reader that builds this read's representation from rows, or None for DRF's path."""
        if self.request is None or self.request.method not in ("GET", "HEAD") or self.wants_jsonld():
            return None
        fields = self.requested_fields()
        return reader_for(self.get_serializer_class(), None if fields is None else frozenset(fields))

    def get_queryset(self):
        if self.action in ("list", "retrieve") and self.row_reader() is not None:
            return super().get_queryset()  # the reader fetches relations itself
        # Asked for twice per request (the permission check wants the model): worked out once.
        optimized = self.__dict__.get("_optimized_queryset")
        if optimized is None:
            fields = None if self.wants_jsonld() else self.requested_fields()
            selected = None if fields is None else frozenset(fields)
            optimized = self._optimized_queryset = self.get_serializer_class().optimized(
                super().get_queryset(), selected, keep_managers=self.wants_jsonld()
            )
        return optimized.all()

    @extend_schema(
        responses=HistoryEntrySerializer(many=True),
        parameters=[ID_OR_SLUG],
        description="The record's versions, newest first: who changed which fields, when and why.",
    )
    @action(
        detail=True,
        methods=["get"],
        filter_backends=[],
        renderer_classes=api_settings.DEFAULT_RENDERER_CLASSES,
        pagination_class=PageNumberOnlyPagination,  # a history is a list, not a queryset: no cursor mode
    )
    def history(self, request, *args, **kwargs):
        entries = history_entries(self.get_object())
        page = self.paginate_queryset(entries)
        return self.get_paginated_response(HistoryEntrySerializer(page, many=True).data)

    def list(self, request, *args, **kwargs):
        if getattr(request.accepted_renderer, "format", None) == CSVRenderer.format:
            return self.stream_csv(self.filter_queryset(self.get_queryset()))
        reader = self.row_reader()
        if reader is None:
            return super().list(request, *args, **kwargs)
        queryset = self.filter_queryset(self.get_queryset())
        rows = reader.values(queryset, extra=self.ordering_columns(queryset))
        rows.count_from = queryset  # counted without the joins that only the shown columns need
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(reader.read(page, request))

    def ordering_columns(self, queryset):
        """The columns the list is ordered by: cursor mode reads its position from them."""
        for backend in self.filter_backends:
            if issubclass(backend, OrderingFilter):
                ordering = backend().get_ordering(self.request, queryset, self) or ()
                return {"id", *(term.lstrip("-") for term in ordering if isinstance(term, str) and "__" not in term)}
        return {"id"}

    def retrieve(self, request, *args, **kwargs):
        reader = self.row_reader()
        if reader is None:
            return super().retrieve(request, *args, **kwargs)
        record = self.get_object()
        rows = reader.values(type(record)._default_manager.filter(pk=record.pk))
        return Response(reader.read(rows, request)[0])

    def stream_csv(self, queryset):
        """Every filtered row, not a page: streamed in chunks, so memory stays flat at any size."""
        limit = settings.API_CSV_MAX_ROWS
        columns = list(self.get_serializer().fields)
        reader = self.row_reader()
        if reader is not None:
            records, serialize = reader.values(queryset)[:limit], lambda chunk: reader.read(chunk, self.request)
        else:
            records, serialize = queryset[:limit], lambda chunk: self.get_serializer(chunk, many=True).data
        rows = streamed_rows(records, serialize)
        response = StreamingHttpResponse(csv_lines(columns, rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.queryset.model._meta.verbose_name_plural}.csv"'
        response["X-Row-Limit"] = str(limit)
        return response

    def perform_destroy(self, instance):
        instance.delete()  # a PROTECT-ed record raises ProtectedError: answered 409 with its dependents


class MergeableViewSet(CatalogueViewSet):
    """Duplicates can be merged into a record: POST /<id>/merge/ (change and delete permission)."""

    @extend_schema(
        request=MergeRequestSerializer,
        parameters=[ID_OR_SLUG],
        description="Merge the listed duplicates into this record: every relation is re-pointed here, their "
        "names become aliases, and their old ids and slugs redirect here (301).",
    )
    @action(detail=True, methods=["post"], permission_classes=[CanMerge], filter_backends=[])
    def merge(self, request, *args, **kwargs):
        survivor = self.get_object()
        body = MergeRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        model = type(survivor)
        others, unknown = [], []
        for value in body.validated_data["others"]:
            lookup = {"pk": int(value)} if value.isdecimal() else {"slug": value}
            found = model._default_manager.filter(**lookup).first()
            (others.append(found) if found else unknown.append(value))
        if unknown:
            raise ValidationError(
                {"others": [f"No {model._meta.verbose_name} has the id or slug {v!r}." for v in unknown]}
            )
        merged = merge_records(
            survivor=survivor, others=others, field_values=body.validated_data["fields"], user=request.user
        )
        serializer = self.get_serializer_class()(merged, context=self.get_serializer_context())
        return Response(serializer.data)


class LinkedDataViewSet(CatalogueViewSet):
    """Also served as schema.org JSON-LD: `?format=jsonld` or `Accept: application/ld+json`."""

    renderer_classes = [*CatalogueViewSet.renderer_classes, JSONLDRenderer]

    def get_renderers(self):
        """JSON-LD describes records as read: a write answers in JSON (or CSV)."""
        renderers = super().get_renderers()
        if self.request is None or self.request.method in SAFE_METHODS:
            return renderers
        return [renderer for renderer in renderers if not isinstance(renderer, JSONLDRenderer)]


class EventViewSet(LinkedDataViewSet):
    queryset = Event.objects.all()
    serializer_class = serializers.EventSerializer
    filterset_class = filters.EventFilterSet
    search_fields = ["name", "=slug", "theme", "city"]
    ordering_fields = ["name", "start_date", "end_date", "kind", "city", "id"]


class OrganizerViewSet(MergeableViewSet, LinkedDataViewSet):
    queryset = Organizer.objects.all()
    serializer_class = serializers.OrganizerSerializer
    filterset_class = filters.OrganizerFilterSet
    ordering_fields = ["name", "kind", "city", "id"]


class CompanyViewSet(MergeableViewSet, LinkedDataViewSet):
    queryset = Company.objects.all()
    serializer_class = serializers.CompanySerializer
    filterset_class = filters.CompanyFilterSet
    ordering_fields = ["name", "kind", "hq_city", "hq_country", "id"]


class PersonViewSet(MergeableViewSet, LinkedDataViewSet):
    queryset = Person.objects.all()
    serializer_class = serializers.PersonSerializer
    filterset_class = filters.PersonFilterSet
    search_fields = ["name", "=slug", "family_name", "given_name", "name_zh"]
    fuzzy_search_fields = ["name", "name_zh"]  # a two-character Chinese name is found by similarity only
    ordering_fields = ["name", "family_name", "id"]


class DealViewSet(LinkedDataViewSet):
    queryset = Deal.objects.all()
    serializer_class = serializers.DealSerializer
    filterset_class = filters.DealFilterSet
    search_fields = ["title", "=slug", "asset"]
    fuzzy_search_fields = ["title"]
    ordering_fields = ["title", "date", "amount", "amount_usd", "kind", "id"]


class ParkViewSet(MergeableViewSet):
    queryset = Park.objects.all()
    serializer_class = serializers.ParkSerializer
    filterset_class = filters.ParkFilterSet
    ordering_fields = ["name", "kind", "city", "id"]


class RankingListViewSet(LinkedDataViewSet):
    queryset = RankingList.objects.all()
    serializer_class = serializers.RankingListSerializer
    filterset_class = filters.RankingListFilterSet
    search_fields = ["name", "=slug", "dimension"]
    fuzzy_search_fields = []
    ordering_fields = ["name", "year", "category", "id"]


class ParkRankingViewSet(CatalogueViewSet):
    queryset = ParkRanking.objects.all()
    serializer_class = serializers.ParkRankingSerializer
    filterset_class = filters.ParkRankingFilterSet
    search_fields = ["park__name", "ranking__name"]
    fuzzy_search_fields = []
    ordering_fields = ["rank", "ranking__year", "park__name", "id"]


class ReportViewSet(CatalogueViewSet):
    queryset = Report.objects.all()
    serializer_class = serializers.ReportSerializer
    filterset_class = filters.ReportFilterSet
    search_fields = ["title", "=slug"]
    fuzzy_search_fields = []
    ordering_fields = ["title", "year", "id"]


class SourceDocumentViewSet(CatalogueViewSet):
    queryset = SourceDocument.objects.annotate(citation_count=Count("citations")).order_by("key")
    serializer_class = serializers.SourceDocumentSerializer
    filterset_class = filters.SourceDocumentFilterSet
    search_fields = ["key", "title", "outlet", "author", "text"]
    fuzzy_search_fields = []
    ordering_fields = ["key", "title", "published_on", "id"]
