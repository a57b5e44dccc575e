"""The read path for lists, details and CSV: a serializer's representation built from values() rows.

DRF builds a page by instantiating a model object for every row and every related row, then
asking a field object for each value; at 50 records with their parties and citations that is
most of a request's time. A `RowReader` is compiled once from a serializer's own field
declarations (so the two cannot drift) and builds the same dictionaries from plain rows: the
record's columns and its to-one relations' display columns in one query, and each nested list in
one more. A serializer with a field the reader does not understand gets no reader and keeps the
DRF path. tests/test_api/test_readers.py holds every endpoint's output equal on both paths.
"""

import functools
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import ForeignKey, Lookup, ManyToOneRel
from rest_framework import serializers
from rest_framework.relations import ManyRelatedField

from ..models.base import SluggedModel
from .endpoints import detail_prefix
from .fields import BriefRelatedField, SourceKeyField
from .serializers.base import CatalogueSerializer, SelfUrlField

# DRF fields whose representation of a non-null column value is the value itself.
AS_IS = (serializers.CharField, serializers.IntegerField, serializers.BooleanField)


class Unsupported(Exception):
    """The serializer has a field the reader cannot build from rows: it keeps the DRF path."""


def display_column(model):
    """The column a record is shown by, when its __str__ is just that column."""
    if not issubclass(model, SluggedModel) or model.__str__ is not SluggedModel.__str__:
        raise Unsupported(f"{model.__name__} is displayed by code, not by a column")
    if model.display_name is not SluggedModel.display_name:
        raise Unsupported(f"{model.__name__} overrides display_name")
    return model.display_field


def reverse_relation(model, source):
    """(related model, its foreign key's attname) for the one-to-many relation `source`."""
    rel = getattr(getattr(model, source, None), "rel", None)
    if type(rel) is not ManyToOneRel:
        raise Unsupported(f"{model.__name__}.{source} is not a one-to-many relation")
    return rel.related_model, rel.field.attname


class RowReader:
    """Builds `serializer_class(fields=selected_fields)`'s representation of records from rows."""

    def __init__(self, serializer_class, selected_fields=None, link=None):
        self.model = serializer_class.Meta.model
        self.link = link  # for a nested list: the foreign key (attname) its rows are grouped by
        self.columns = {"pk", link} if link else {"pk"}
        self.steps = []  # (output name, kind, details), in the serializer's field order
        for name, field in serializer_class(fields=selected_fields).fields.items():
            self.steps.append((name, *self.compile(name, field)))
        self.linked_models = {details[0] for _, kind, details in self.steps if kind in ("brief", "briefs")}

    def compile(self, name, field):
        """(kind, details) for one serializer field; Unsupported if rows cannot give it."""
        model = self.model
        if isinstance(field, SelfUrlField):
            return "url", None
        if field.source == "__str__":
            return self.column(display_column(model))
        if isinstance(field, SourceKeyField):
            return self.column(f"{field.source}__key")
        if isinstance(field, BriefRelatedField):
            related = model._meta.get_field(field.source).related_model
            id_column, shown = f"{field.source}_id", f"{field.source}__{display_column(related)}"
            self.columns |= {id_column, shown}
            return "brief", (related, id_column, shown)
        if isinstance(field, ManyRelatedField):
            related, link = reverse_relation(model, field.source)
            return "briefs", (related, link, display_column(related))
        if isinstance(field, serializers.ListSerializer):
            if not isinstance(field.child, CatalogueSerializer):
                raise Unsupported(f"{name}: nested {type(field.child).__name__}")
            _, link = reverse_relation(model, field.source)
            return "nested", RowReader(type(field.child), field.child.selected_fields, link=link)
        row_properties = getattr(model, "row_properties", {})
        if field.source in row_properties:
            self.columns |= set(row_properties[field.source])
            return "property", getattr(model, field.source).fget
        try:
            model_field = model._meta.get_field(field.source)
        except FieldDoesNotExist as error:
            raise Unsupported(f"{name}: source {field.source!r}") from error
        if not model_field.concrete or model_field.is_relation:
            raise Unsupported(f"{name}: {type(model_field).__name__}")
        as_is = type(field) in (*AS_IS, serializers.SlugField, serializers.URLField) or (
            type(field) is serializers.ChoiceField and all(isinstance(key, str) for key in field.choices)
        )
        return self.column(model_field.attname, None if as_is else field.to_representation)

    def column(self, column, convert=None):
        self.columns.add(column)
        return "column", (column, convert)

    # --- reading -----------------------------------------------------------------------------

    def values(self, queryset, extra=()):
        """The queryset's rows with every column this reader needs, and `extra` (its filters and order kept)."""
        return queryset.values(*sorted(self.columns | set(extra)))

    def read(self, rows, request=None):
        """The representations of `rows` (dicts from values()), in their order."""
        rows = rows if isinstance(rows, list) else list(rows)
        if not rows:
            return []
        prefixes = {model: detail_prefix(model, request) for model in {self.model, *self.linked_models}}
        ids = [row["pk"] for row in rows]
        lists = {
            name: self.fetch_list(kind, details, ids, prefixes, request)
            for name, kind, details in self.steps
            if kind in ("briefs", "nested")
        }
        own_prefix = prefixes[self.model]
        result = []
        for row in rows:
            representation = {}
            for name, kind, details in self.steps:
                if kind == "column":
                    column, convert = details
                    value = row[column]
                    representation[name] = value if value is None or convert is None else convert(value)
                elif kind == "brief":
                    related, id_column, shown = details
                    pk = row[id_column]
                    prefix = prefixes[related]
                    representation[name] = (
                        None
                        if pk is None
                        else {"id": pk, "url": f"{prefix}{pk}/" if prefix else None, "display": row[shown]}
                    )
                elif kind == "url":
                    representation[name] = f"{own_prefix}{row['pk']}/"
                elif kind == "property":
                    representation[name] = details(_Row(row))
                else:  # a list, fetched for the whole page at once
                    representation[name] = lists[name].get(row["pk"], [])
            result.append(representation)
        return result

    @staticmethod
    def fetch_list(kind, details, parent_ids, prefixes, request):
        """{parent id: [representation, ...]} for one to-many field, in one query."""
        grouped = defaultdict(list)
        if kind == "briefs":
            related, link, shown = details
            prefix = prefixes[related]
            for row in children_of(related, link, parent_ids, ("pk", link, shown)):
                url = f"{prefix}{row['pk']}/" if prefix else None
                grouped[row[link]].append({"id": row["pk"], "url": url, "display": row[shown]})
            return grouped
        reader = details
        rows = children_of(reader.model, reader.link, parent_ids, tuple(sorted(reader.columns)), nested=True)
        for row, representation in zip(rows, reader.read(rows, request), strict=True):
            grouped[row[reader.link]].append(representation)
        return grouped


def children_of(model, link, parent_ids, columns, *, nested=False, using=DEFAULT_DB_ALIAS):
    """values(*columns) of the `model` rows whose `link` is one of `parent_ids`, as a list.

    On PostgreSQL the parents' ids are one array parameter, so the statement is compiled once per
    (model, link, columns) and reused: building the SQL from a queryset costs more than running it.
    A role link's nested list leaves out its ordering on the parent (see within_parent_ordering).
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        children = model._default_manager.using(using).filter(**{f"{link}__in": list(parent_ids)})
        if nested:
            children = children.order_by(*within_parent_ordering(model, link))
        return list(children.values(*columns))
    statement = _children_statement(model, link, columns, nested, using)
    params = [list(parent_ids) if isinstance(param, _Ids) else param for param in statement.params]
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, params)
        rows = cursor.fetchall()
    if statement.converters:
        rows = list(statement.compiler.apply_converters(rows, statement.converters))
    return [dict(zip(statement.names, row, strict=True)) for row in rows]


class _Ids(list):
    """Marks where the parents' ids go among a compiled statement's parameters (the ORM copies the
    value, keeping its type)."""


@dataclass(frozen=True)
class _Statement:
    sql: str
    params: tuple
    names: tuple
    compiler: object
    converters: dict


@functools.cache
def _children_statement(model, link, columns, nested, using):
    children = model._default_manager.using(using).filter(**{f"{link}__any_of": _Ids()})
    if nested:
        children = children.order_by(*within_parent_ordering(model, link))
    query = children.values(*columns).query
    compiler = query.get_compiler(using)
    sql, params = compiler.as_sql()
    if sum(isinstance(param, _Ids) for param in params) != 1:
        raise RuntimeError(f"{model.__name__}: the ids parameter is not in the compiled statement")
    names = (*query.extra_select, *query.values_select, *query.annotation_select)
    converters = compiler.get_converters([column for column, _, _ in compiler.select[: compiler.col_count]])
    return _Statement(sql, tuple(params), names, compiler, converters)


@ForeignKey.register_lookup
class AnyOf(Lookup):
    """`fk = ANY(%s)` with the ids as one array parameter (PostgreSQL).

    A page's nested lists look up hundreds of parent ids; `IN (...)` prepares, quotes and sends each
    one as a parameter of its own, which costs more than the query itself.
    """

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*lhs_params, self.rhs)


def within_parent_ordering(model, link):
    """The model's default ordering less its terms on the parent `link` (an attname) points at.

    The rows are grouped by parent, and those terms are the same within a group: ordering by them
    (role links order by their event first) would only join the parent's table for nothing.
    """
    parent = next(field.name for field in model._meta.concrete_fields if field.attname == link)
    kept = []
    for term in model._meta.ordering:
        name = term.lstrip("-") if isinstance(term, str) else None
        if name is not None and (name in (parent, link) or name.startswith(f"{parent}__")):
            continue
        kept.append(term)
    return kept


class _Row:
    """A row's columns as attributes, for a model property's getter."""

    def __init__(self, row):
        self.__dict__.update(row)


@functools.cache
def reader_for(serializer_class, selected_fields=None):
    """The compiled reader of a serializer and field selection, or None where only DRF can read it."""
    try:
        return RowReader(serializer_class, selected_fields)
    except Unsupported:
        return None
