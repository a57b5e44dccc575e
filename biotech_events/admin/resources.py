"""Import and export of the catalogue's records with django-import-export: the admin buttons and the Resource API.

Seven models travel this way: Organizer, Company, Person, Park, Event, Deal and ParkRanking (listed in
`RESOURCES`, in the order that lets a file refer only to records imported before it). Formats are CSV,
XLSX and JSON (`IMPORT_EXPORT_FORMATS` in the settings).

Columns
    Every field of the record under its own name, except the database id. A relation is written as the
    related record's slug (a ParkRanking's `ranking` and `park` too). On import it may also be given as
    one of the related record's aliases (see `SlugIndex.resolve`).
    Organizer, Company, Person and Park have an `aliases` column: the other names the record goes by,
    separated by "|" (`ALIAS_SEPARATOR`), e.g. ``Dong Chen|Chen DONG``.
    Citations, role links and aliases' kind and source are not part of the files: they carry the records.

Importing
    Rows are matched to stored records by slug (a ParkRanking by its ranking and park), so importing an
    export again updates the records, it does not duplicate them; an unchanged row is skipped. Each row
    is validated by the model's ``full_clean()`` (the admin's and the API's rules) and any invalid row
    aborts the whole import: nothing is written. Related records are resolved from an index built once
    per import for each related model (`SlugIndex`), not by a query per row. Rows may refer to records
    defined further down the same file (a sub-event above its conference): they are imported parents
    first, and errors still name the file's own row numbers. Aliases are only ever added: a name already
    recorded keeps its kind and source, a name missing from the column is not deleted. Every record
    written gets a history entry, with the file name as the change reason.

    Records are saved one by one with ``save()`` (import-export's ``use_bulk`` stays off): bulk mode
    would skip the pre_save/post_save signals the project relies on (history, the checks in
    ``signals.py``), could not give a row a parent created earlier in the same batch, and reports a
    failed batch without its row. Aliases, validated row by row (their signal's check, `validate_name`,
    is part of ``clean()``), are inserted in batches with ``simple_history``'s
    ``bulk_create_with_history``, so they get history entries too. 10,000
    companies with 20,000 aliases import in about half a minute on SQLite
    (``benchmarks/import_companies.py``).

Service-style entry points: `export_records()` and `import_records()`.
"""

from collections import defaultdict

import tablib
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models.fields import NOT_PROVIDED
from django.shortcuts import redirect
from django.urls import reverse
from import_export import exceptions, resources, widgets
from import_export.admin import ImportExportMixin
from import_export.fields import Field
from import_export.formats import base_formats
from import_export.instance_loaders import ModelInstanceLoader
from simple_history.utils import bulk_create_with_history

from ..models import ALIAS_TARGET_FIELDS, Alias, Company, Deal, Event, Organizer, Park, ParkRanking, Person

ALIAS_SEPARATOR = "|"
ALIAS_BATCH_SIZE = 500
LOOKUP_BATCH_SIZE = 500

FORMATS = {"csv": base_formats.CSV, "xlsx": base_formats.XLSX, "json": base_formats.JSON}


def _text(value):
    """A cell as stripped text ("" for an empty cell); XLSX cells may hold numbers."""
    return "" if value is None else str(value).strip()


class SlugIndex:
    """One model's records by slug and by alias, read with two queries; kept current during an import."""

    def __init__(self, model):
        self.model = model
        self.alias_field = model._meta.model_name if model._meta.model_name in ALIAS_TARGET_FIELDS else None
        self.pk_by_slug = {}
        self.slug_by_pk = {}
        self.pks_by_alias = {False: defaultdict(set), True: defaultdict(set)}  # exact, and ignoring case
        self.aliases_by_pk = defaultdict(set)

    @classmethod
    def load(cls, model):
        index = cls(model)
        for pk, slug in model._default_manager.order_by().values_list("pk", "slug"):
            index.add(pk, slug)
        if index.alias_field:
            target = index.alias_field
            for name, pk in (
                Alias.objects.filter(**{f"{target}__isnull": False}).order_by().values_list("name", f"{target}_id")
            ):
                index.add_alias(pk, name)
        return index

    def add(self, pk, slug):
        self.pk_by_slug[slug] = pk
        self.slug_by_pk[pk] = slug

    def add_alias(self, pk, name):
        self.pks_by_alias[False][name].add(pk)
        self.pks_by_alias[True][name.casefold()].add(pk)
        self.aliases_by_pk[pk].add(name)

    def slug_of(self, pk):
        if pk not in self.slug_by_pk:  # created after the index was read
            slug = self.model._default_manager.filter(pk=pk).values_list("slug", flat=True).first()
            if slug is None:
                return ""
            self.add(pk, slug)
        return self.slug_by_pk[pk]

    def resolve(self, value):
        """The pk of the record named by `value`: its slug, else one of its aliases.

        Exact matches first (slug, then alias), then the same ignoring case. An alias shared by
        several records is refused: the slug must then be given.
        """
        name = _text(value)
        for ignoring_case in (False, True):
            key = name.casefold() if ignoring_case else name
            if key in self.pk_by_slug:
                return self.pk_by_slug[key]
            pks = self.pks_by_alias[ignoring_case].get(key)
            if pks and len(pks) == 1:
                return next(iter(pks))
            if pks:
                slugs = ", ".join(sorted(self.slug_of(pk) for pk in pks))
                raise ValueError(
                    f"“{name}” is an alias of {len(pks)} {self.model._meta.verbose_name_plural} ({slugs}): "
                    "give the slug."
                )
        raise ValueError(f"No {self.model._meta.verbose_name} has the slug or alias “{name}”.")


class SlugIndexes:
    """The indexes one resource uses, per model, each read once (again after `reset`)."""

    def __init__(self):
        self._indexes = {}

    def __contains__(self, model):
        return model in self._indexes

    def __getitem__(self, model):
        if model not in self._indexes:
            self._indexes[model] = SlugIndex.load(model)
        return self._indexes[model]

    def reset(self, models=()):
        """Forget what was read; read the given models' indexes now (once, for a whole file)."""
        self._indexes = {model: SlugIndex.load(model) for model in models}


class SlugWidget(widgets.Widget):
    """A relation as the related record's slug; on import its slug or an alias, resolved from the index.

    The field's attribute is the foreign key's id column (``parent_id``), so neither import nor export
    fetches the related record.
    """

    def __init__(self, model):
        super().__init__(coerce_to_string=True)
        self.model = model
        self.indexes = SlugIndexes()  # replaced by the resource's own, shared with its other fields

    def clean(self, value, row=None, **kwargs):
        if _text(value) == "":
            return None
        return self.indexes[self.model].resolve(value)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else self.indexes[self.model].slug_of(value)


class AliasesWidget(widgets.Widget):
    """Alias names separated by "|", in and out; blanks and repeats are dropped."""

    def clean(self, value, row=None, **kwargs):
        names = (_text(name) for name in _text(value).split(ALIAS_SEPARATOR))
        return list(dict.fromkeys(name for name in names if name))

    def render(self, value, obj=None, **kwargs):
        return ALIAS_SEPARATOR.join(value or [])


class AliasesField(Field):
    """The record's alias names. Imported names are kept on the instance and added once it is saved."""

    def __init__(self):
        super().__init__(attribute="aliases", column_name="aliases", widget=AliasesWidget())
        self.indexes = SlugIndexes()

    def get_value(self, instance):
        stored = self.indexes[type(instance)].aliases_by_pk.get(instance.pk, set()) if instance.pk else set()
        return sorted(stored | set(getattr(instance, "_imported_aliases", ())))

    def save(self, instance, row, is_m2m=False, **kwargs):
        if not self.readonly:
            instance._imported_aliases = self.clean(row, **kwargs)


class CatalogueDateWidget(widgets.DateWidget):
    """A date; a spreadsheet's date-time cell (XLSX) becomes its date, so unchanged rows compare equal."""

    def clean(self, value, row=None, **kwargs):
        value = super().clean(value, row, **kwargs)
        return value.date() if hasattr(value, "date") else value


class PreloadedInstanceLoader(ModelInstanceLoader):
    """Finds every row's stored record by its import id fields with one query for the whole file."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self.id_fields = [resource.fields[name] for name in resource.get_import_id_fields()]
        keys = list({key for key in map(self.key, dataset.dict if dataset else []) if key is not None})
        self.instances = {}
        for start in range(0, len(keys), LOOKUP_BATCH_SIZE):  # within every database's limit on parameters
            batch = keys[start : start + LOOKUP_BATCH_SIZE]
            lookup = {f"{field.attribute}__in": {key[i] for key in batch} for i, field in enumerate(self.id_fields)}
            for instance in self.get_queryset().filter(**lookup):
                self.instances[tuple(field.get_value(instance) for field in self.id_fields)] = instance

    def key(self, row):
        try:
            key = tuple(field.clean(row) for field in self.id_fields)
        except (KeyError, ValueError):
            return None  # reported by the row's own validation
        return None if None in key or "" in key else key

    def get_instance(self, row):
        key = self.key(row)
        return None if key is None else self.instances.get(key)


class CatalogueResource(resources.ModelResource):
    """What every catalogue resource shares: slug relations, the per-import index, all-or-nothing imports.

    Exports carry the records, not their citations (nor their role links): see the module docstring.
    """

    WIDGETS_MAP = {
        **resources.ModelResource.WIDGETS_MAP,
        "TextField": widgets.CharWidget,
        "DateField": CatalogueDateWidget,
    }

    class Meta:
        import_id_fields = ["slug"]
        instance_loader_class = PreloadedInstanceLoader
        clean_model_instances = True  # every row passes the model's full_clean(), as in the admin and the API
        use_transactions = True
        skip_unchanged = True  # an unchanged row is not saved again (and adds no history entry)
        report_skipped = True
        use_bulk = False  # see the module docstring

    @classmethod
    def field_from_django_field(cls, field_name, django_field, readonly):
        if isinstance(django_field, models.ForeignKey):
            return Field(
                attribute=django_field.attname,
                column_name=field_name,
                widget=SlugWidget(django_field.related_model),
                readonly=readonly,
            )
        field = super().field_from_django_field(field_name, django_field, readonly)
        if isinstance(django_field, models.CharField | models.TextField):
            field.default = NOT_PROVIDED  # an empty cell is an empty value, not the model's default
        return field

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.indexes = SlugIndexes()
        for field in self.fields.values():
            if isinstance(field.widget, SlugWidget) or isinstance(field, AliasesField):
                target = field.widget if isinstance(field.widget, SlugWidget) else field
                target.indexes = self.indexes

    # Indexes

    def indexed_models(self):
        related = {field.widget.model for field in self.fields.values() if isinstance(field.widget, SlugWidget)}
        own = [self._meta.model] if any(f.name == "slug" for f in self._meta.model._meta.fields) else []
        return [*own, *sorted(related - set(own), key=lambda model: model._meta.label)]

    def load_indexes(self):
        self.indexes.reset(self.indexed_models())

    def before_export(self, queryset, **kwargs):
        self.load_indexes()

    # Import

    def import_data(
        self,
        dataset,
        dry_run=False,
        raise_errors=False,
        use_transactions=None,
        collect_failed_rows=False,
        rollback_on_validation_errors=True,
        **kwargs,
    ):
        """Import parents first, in one transaction that any error or invalid row rolls back entirely.

        Transactions and the rollback on validation errors are always on, whatever is passed.
        """
        order = self.parents_first(dataset)
        if order != list(range(len(dataset))):
            reordered = tablib.Dataset(headers=dataset.headers)
            for position in order:
                reordered.append(dataset[position])
            dataset = reordered
        try:
            result = super().import_data(
                dataset,
                dry_run=dry_run,
                raise_errors=raise_errors,
                use_transactions=True,
                collect_failed_rows=collect_failed_rows,
                rollback_on_validation_errors=True,
                **kwargs,
            )
        except exceptions.ImportError as error:
            if error.number:
                error.number = order[error.number - 1] + 1
            raise
        self.renumber(result, order)
        return result

    def parents_first(self, dataset):
        """Row positions reordered so that a row naming a parent defined in the file comes after it.

        Otherwise the file's order is kept. A cycle is left as it is: its first row then reports
        its parent as unknown.
        """
        headers = dataset.headers or []
        model = self._meta.model
        own = [
            field.column_name
            for field in self.fields.values()
            if isinstance(field.widget, SlugWidget) and field.widget.model is model and field.column_name in headers
        ]
        if not own or "slug" not in headers:
            return list(range(len(dataset)))
        rows = dataset.dict
        defined = {}
        for position, row in enumerate(rows):
            for name in [row.get("slug"), *AliasesWidget().clean(row.get("aliases"))]:
                defined.setdefault(_text(name), position)
                defined.setdefault(_text(name).casefold(), position)
        parents = [
            [defined[_text(row[column])] for column in own if _text(row[column]) in defined]
            for position, row in enumerate(rows)
        ]
        order, state = [], [0] * len(rows)  # 0 unseen, 1 being placed, 2 placed
        for start in range(len(rows)):
            if state[start]:
                continue
            state[start] = 1
            stack = [(start, iter(parents[start]))]
            while stack:
                position, pending = stack[-1]
                parent = next(pending, None)
                if parent is None:
                    stack.pop()
                    state[position] = 2
                    order.append(position)
                elif state[parent] == 0:
                    state[parent] = 1
                    stack.append((parent, iter(parents[parent])))
        return order

    @staticmethod
    def renumber(result, order):
        """Give rows, errors and invalid rows back the numbers they have in the file."""

        def original(number):
            return order[number - 1] + 1 if number else number

        for row_result in result.rows:
            row_result.number = original(getattr(row_result, "number", None))
            for error in row_result.errors:
                error.number = original(error.number)
        for invalid in result.invalid_rows:
            invalid.number = original(invalid.number)
        for error_row in result.error_rows:
            error_row.number = original(error_row.number)
        result.rows.sort(key=lambda row_result: row_result.number or 0)
        result.invalid_rows.sort(key=lambda invalid: invalid.number)
        result.error_rows.sort(key=lambda error_row: error_row.number)

    def before_import(self, dataset, **kwargs):
        self.load_indexes()
        self.pending_aliases = []
        seen, self.repeated_keys = set(), set()
        id_columns = [self.fields[name].column_name for name in self.get_import_id_fields()]
        for row in dataset.dict if dataset.headers else []:
            key = tuple(_text(row.get(column)) for column in id_columns)
            (self.repeated_keys if key in seen else seen).add(key)

    def before_import_row(self, row, **kwargs):
        id_columns = [self.fields[name].column_name for name in self.get_import_id_fields()]
        key = tuple(_text(row.get(column)) for column in id_columns)
        if key in getattr(self, "repeated_keys", ()):
            described = ", ".join(f"{column} “{value}”" for column, value in zip(id_columns, key, strict=True))
            raise ValidationError({id_columns[0]: f"The file has more than one row for {described}."})

    def import_row(self, row, instance_loader, **kwargs):
        row_result = super().import_row(row, instance_loader, **kwargs)
        row_result.number = kwargs.get("row_number")
        return row_result

    def import_instance(self, instance, row, **kwargs):
        """Errors keyed by the file's column (``parent``), not the attribute set (``parent_id``)."""
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            columns = {field.attribute: field.column_name for field in self.get_import_fields()}
            raise ValidationError(
                {columns.get(name, name): errors for name, errors in error.error_dict.items()}
            ) from error

    def before_save_instance(self, instance, row, **kwargs):
        file_name = kwargs.get("file_name")
        instance._change_reason = f"Imported from {file_name}" if file_name else "Imported"
        user = kwargs.get("user")
        if user is not None and user.is_authenticated:
            instance._history_user = user

    def after_save_instance(self, instance, row, **kwargs):
        if self._meta.model in self.indexes:
            self.indexes[self._meta.model].add(instance.pk, instance.slug)
        names = getattr(instance, "_imported_aliases", None)
        if names:
            self.add_aliases(instance, names, reason=instance._change_reason, user=kwargs.get("user"))

    def add_aliases(self, instance, names, *, reason, user=None):
        """Queue the names the record does not go by yet, each validated first; see `write_aliases`.

        An alias is checked with its fields and ``clean()`` (the admin's rules). Its two constraints
        hold by construction: it names exactly this one record, and the record's index shows the
        name is new for it (the database enforces both anyway).
        """
        index = self.indexes[type(instance)]
        target = index.alias_field
        errors = []
        for name in names:
            if name in index.aliases_by_pk.get(instance.pk, ()):
                continue  # already recorded: its kind and source stay as they are
            alias = Alias(name=name, **{target: instance})
            alias._change_reason = reason
            if user is not None and user.is_authenticated:
                alias._history_user = user
            try:
                alias.full_clean(exclude=[target], validate_unique=False, validate_constraints=False)
            except ValidationError as error:
                errors += [f"“{name}”: {message}" for message in error.messages]
                continue
            self.pending_aliases.append(alias)
            index.add_alias(instance.pk, name)
        if errors:
            raise ValidationError({"aliases": errors})
        if len(self.pending_aliases) >= ALIAS_BATCH_SIZE:
            self.write_aliases()

    def write_aliases(self):
        """Insert the queued aliases and their history entries in bulk (``bulk_create_with_history``)."""
        if self.pending_aliases:
            bulk_create_with_history(self.pending_aliases, Alias, batch_size=ALIAS_BATCH_SIZE)
            self.pending_aliases = []

    def after_import(self, dataset, result, **kwargs):
        self.write_aliases()
        super().after_import(dataset, result, **kwargs)


class NamedEntityResource(CatalogueResource):
    """Organizer, Company, Person and Park: with their aliases."""

    aliases = AliasesField()


class OrganizerResource(NamedEntityResource):
    """Organisers by slug, with their parent body's slug and their aliases (no citations)."""

    class Meta:
        model = Organizer
        fields = ["slug", "name", "kind", "parent", "city", "country", "description", "aliases"]


class CompanyResource(NamedEntityResource):
    """Companies by slug, with their group's slug and their aliases (no citations)."""

    class Meta:
        model = Company
        fields = ["slug", "name", "kind", "parent", "hq_city", "hq_country", "description", "aliases"]


class PersonResource(NamedEntityResource):
    """People by slug, with their aliases (no honours, affiliations or citations)."""

    class Meta:
        model = Person
        fields = ["slug", "name", "family_name", "given_name", "name_zh", "name_order", "description", "aliases"]


class ParkResource(NamedEntityResource):
    """Parks by slug, with the slugs of the larger zone and the administering organizer, and their aliases."""

    class Meta:
        model = Park
        fields = [
            "slug",
            "name",
            "kind",
            "parent",
            "administered_by",
            "city",
            "district",
            "country",
            "description",
            "aliases",
        ]


class EventResource(CatalogueResource):
    """Events by slug, with the slugs of their parent event and park (no role links, figures or citations)."""

    class Meta:
        model = Event
        fields = [
            "slug",
            "name",
            "kind",
            "parent",
            "edition",
            "start_date",
            "start_date_precision",
            "end_date",
            "end_date_precision",
            "date_stated",
            "city",
            "district",
            "venue",
            "park",
            "theme",
            "summary",
            "description",
        ]


class DealResource(CatalogueResource):
    """Deals by slug, with the slugs of their event and bundle (no parties or citations)."""

    class Meta:
        model = Deal
        fields = [
            "slug",
            "title",
            "kind",
            "event",
            "parent",
            "date",
            "date_precision",
            "asset",
            "amount",
            "currency",
            "amount_qualifier",
            "amount_stated",
            "amount_usd",
            "is_undisclosed",
            "project_count",
            "summary",
            "description",
        ]


class ParkRankingResource(CatalogueResource):
    """A ranking's entries, each matched by its ranking's and park's slugs (no citations).

    The ranking itself (RankingList) is not imported here: it must exist.
    """

    class Meta:
        model = ParkRanking
        fields = ["ranking", "park", "rank", "rank_stated"]
        import_id_fields = ["ranking", "park"]


# In dependency order: a file of one model refers only to records of the models before it (or to itself).
RESOURCES = {
    Organizer: OrganizerResource,
    Company: CompanyResource,
    Person: PersonResource,
    Park: ParkResource,
    Event: EventResource,
    Deal: DealResource,
    ParkRanking: ParkRankingResource,
}


def export_records(*, model, file_format="csv", queryset=None):
    """The records (all, or the queryset's) of one model as a CSV or JSON string, or XLSX bytes."""
    export_format = FORMATS[file_format]()
    resource = RESOURCES[model]()
    dataset = resource.export(queryset=queryset, force_native_type=export_format.is_binary())
    return export_format.export_data(dataset)


def import_records(*, model, data, file_format="csv", dry_run=False, user=None, file_name=None):
    """Import a file's records of one model: all of them, or (any row invalid) none. Returns the Result.

    `describe_errors(result)` lists the problems by row and column.
    """
    import_format = FORMATS[file_format](encoding="utf-8-sig")
    if isinstance(data, str) and import_format.is_binary():
        raise TypeError(f"{file_format} data must be bytes")
    dataset = import_format.create_dataset(data)
    return RESOURCES[model]().import_data(dataset, dry_run=dry_run, user=user, file_name=file_name)


def describe_errors(result):
    """Every problem of an import, one line each: "row 3, parent: No company has the slug or alias “x”."."""
    lines = [str(error.error) for error in result.base_errors]
    for row in result.invalid_rows:
        for column, column_errors in row.error_dict.items():
            where = f"row {row.number}" if column == NON_FIELD_ERRORS else f"row {row.number}, {column}"
            lines += [f"{where}: {message}" for message in column_errors]
    for error_row in result.error_rows:
        lines += [f"row {error_row.number}: {error.error}" for error in error_row.errors]
    return lines


class ImportExportAdminMixin(ImportExportMixin):
    """The import and export buttons of a catalogue changelist (its "Deleted" link is kept).

    import-export's change list template extends the admin's own (`CatalogueAdmin.change_list_template`,
    passed as ``ie_base_change_list_template``), so both sets of object tools show. Importing needs the
    add and change permissions, exporting the view permission. The confirm step imports again from the
    file; should a row have become invalid since the preview, nothing is written and the errors are shown.
    """

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_or_change_permission(request)

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            problems = describe_errors(result)
            shown = "; ".join(problems[:10]) + ("; …" if len(problems) > 10 else "")
            messages.error(request, f"Import aborted, nothing was written: {shown}")
            opts = self.model._meta
            return redirect(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_import", current_app=self.admin_site.name)
            )
        return super().process_result(result, request)
