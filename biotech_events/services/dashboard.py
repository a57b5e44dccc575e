"""What the admin index shows at a glance: counts, recent edits, the records nobody has cited yet, and two charts.

Selectors only: plain functions that read and return data. Each answers in a fixed, small number of
queries, whatever the number of records: counts in one query, the uncited to-do in one plus one per
model that has uncited records, the recent edits in one plus one per model edited among them.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Sum, Value
from django.db.models.functions import ExtractYear
from simple_history.models import HistoricalChanges

from ..models import CITATION_TARGET_FIELDS, Citation, Deal, Event

UNDATED = "undated"
NO_CITY = "city not stated"


def catalogue_models():
    """The curated models: those whose history is kept (not the history tables, nor a log such as the merge log)."""
    return tracked_models(
        m for m in apps.get_app_config("biotech_events").get_models() if not issubclass(m, HistoricalChanges)
    )


def citable_models():
    """{model: the Citation field that points at it}, for every kind of record a citation can support."""
    return {Citation._meta.get_field(name).related_model: name for name in CITATION_TARGET_FIELDS}


def tracked_models(models):
    """Those of `models` whose changes django-simple-history records."""
    return [m for m in models if getattr(m._meta, "simple_history_manager_attribute", None)]


def _uncited(model):
    return ~Exists(Citation.objects.filter(**{citable_models()[model]: OuterRef("pk")}))


def _union(querysets):
    """The UNION ALL of several `.values()` querysets, answered in one query."""
    first, *others = querysets
    return first.union(*others, all=True).order_by()


# Counts


@dataclass
class ModelCount:
    model: type
    count: int
    uncited: int | None = None  # None for a model that citations do not point at


def record_counts(models=None):
    """How many records each model holds and, for the ones citations support, how many are uncited (one query)."""
    models = list(catalogue_models() if models is None else models)
    citable = citable_models()
    if not models:
        return []
    rows = _union(
        model._default_manager.order_by()
        .values(label=Value(model._meta.label_lower))
        .annotate(
            total=Count("pk"),
            uncited=Count("pk", filter=_uncited(model)) if model in citable else Value(0),
        )
        for model in models
    )
    found = {row["label"]: row for row in rows}
    return [
        ModelCount(
            model,
            found.get(model._meta.label_lower, {}).get("total", 0),
            found.get(model._meta.label_lower, {}).get("uncited", 0) if model in citable else None,
        )
        for model in models
    ]


# The curation to-do: records nobody has cited yet


@dataclass
class UncitedGroup:
    model: type
    count: int
    records: list = field(default_factory=list)

    @property
    def more(self):
        return self.count - len(self.records)


def uncited_records(models=None, *, limit=5, counts=None):
    """For every citable model with uncited records: how many, and the `limit` newest of them.

    `counts` (from `record_counts`) saves the counting query when the caller has it already.
    """
    citable = citable_models()
    models = [m for m in (citable if models is None else models) if m in citable]
    if counts is None:
        counts = record_counts(models)
    uncited = {entry.model: entry.uncited for entry in counts if entry.uncited}
    return [
        UncitedGroup(
            model,
            uncited[model],
            list(_with_relations(model._default_manager.filter(_uncited(model)).order_by("-pk"))[:limit]),
        )
        for model in models
        if uncited.get(model)
    ]


def _with_relations(queryset):
    relations = _label_relations(queryset.model)
    return queryset.select_related(*relations) if relations else queryset


def _label_relations(model):
    """The forward relations a record's name may be made of (a role link is named after what it links)."""
    return [f.name for f in model._meta.concrete_fields if f.is_relation and f.related_model is not model]


# Recent edits


@dataclass
class Edit:
    when: datetime
    user: object
    model: type
    object_id: int
    label: str
    kind: str  # "created", "changed" or "deleted"
    reason: str
    exists: bool  # whether the record is still there (not deleted since)


EDIT_KINDS = {"+": "created", "~": "changed", "-": "deleted"}


def recent_edits(models=None, *, limit=15):
    """The newest `limit` history entries across the models, newest first."""
    models = tracked_models(catalogue_models() if models is None else models)
    if not models:
        return []
    by_label = {m._meta.label_lower: m for m in models}
    sliceable = connection.features.supports_slicing_ordering_in_compound

    def newest(model, slice_each):
        entries = model.history.model._default_manager.values(
            "history_id", "history_date", label=Value(model._meta.label_lower)
        )
        # Where the database allows it, each table gives only its own newest few (an index scan).
        return entries.order_by("-history_date")[:limit] if slice_each else entries.order_by()

    if len(models) == 1:
        head = list(newest(models[0], slice_each=False).order_by("-history_date")[:limit])
    else:
        head = list(_union([newest(model, sliceable) for model in models]).order_by("-history_date")[:limit])
    wanted = defaultdict(list)
    for row in head:
        wanted[row["label"]].append(row["history_id"])

    entries = {}
    for label, ids in wanted.items():
        model = by_label[label]
        relations = _label_relations(model)
        rows = (
            model.history.model._default_manager.filter(history_id__in=ids)
            .select_related("history_user", *relations)
            .annotate(live=Exists(model._default_manager.filter(pk=OuterRef("id"))))
        )
        for row in rows:
            entries[(label, row.history_id)] = Edit(
                when=row.history_date,
                user=row.history_user,
                model=model,
                object_id=row.id,
                label=_historical_label(row, model, relations),
                kind=EDIT_KINDS.get(row.history_type, row.history_type),
                reason=row.history_change_reason or "",
                exists=row.live,
            )
    return [entries[(row["label"], row["history_id"])] for row in head if (row["label"], row["history_id"]) in entries]


def _historical_label(row, model, relations):
    """The record's name as it was at that version, from the related records already loaded with it."""
    record = row.instance
    for name in relations:
        historical_field = row._meta.get_field(name)
        if historical_field.is_cached(row):
            model._meta.get_field(name).set_cached_value(record, historical_field.get_cached_value(row))
    try:
        return str(record)
    except (AttributeError, ObjectDoesNotExist, TypeError):  # a record it is named after is gone
        return f"{model._meta.verbose_name} {row.id}"


# Charts


@dataclass
class Series:
    name: str
    values: list


@dataclass
class ChartData:
    categories: list[str]
    series: list[Series]

    @property
    def is_empty(self):
        return not any(value for series in self.series for value in series.values)


def _year_label(year):
    return UNDATED if year is None else str(year)


def _year_order(label):
    return (label == UNDATED, label)


def _pivot(rows, category, series, value, *, series_label=str):
    """Rows of (category, series, value) as a ChartData: categories in year order, series largest first."""
    cells = defaultdict(Decimal)
    for row in rows:
        cells[(_year_label(row[category]), series_label(row[series]))] += row[value]
    categories = sorted({c for c, _ in cells}, key=_year_order)
    totals = defaultdict(Decimal)
    for (_, name), amount in cells.items():
        totals[name] += amount
    names = sorted(totals, key=lambda name: (-totals[name], name))
    return ChartData(
        categories,
        [Series(name, [cells.get((c, name), 0) for c in categories]) for name in names],
    )


def events_per_year_by_city(*, top_level=True):
    """How many events each city hosted each year (by start date); only main events unless `top_level` is False."""
    events = Event.objects.filter(parent__isnull=True) if top_level else Event.objects.all()
    rows = events.order_by().values("city", year=ExtractYear("start_date")).annotate(count=Count("pk"))
    chart = _pivot(rows, "year", "city", "count", series_label=lambda city: city or NO_CITY)
    for series in chart.series:
        series.values = [int(v) for v in series.values]
    return chart


def deal_value_per_year_by_currency():
    """The disclosed deal value per year (of the deal's date) in each currency, undated deals apart.

    Every deal with an amount is summed: a bundle carries its total and its projects carry none,
    so nothing is counted twice. Currencies stay separate series, since they cannot be added.
    """
    rows = (
        Deal.objects.filter(amount__isnull=False)
        .order_by()
        .values("currency", year=ExtractYear("date"))
        .annotate(total=Sum("amount"), deals=Count("pk"))
    )
    return _pivot(rows, "year", "currency", "total")
