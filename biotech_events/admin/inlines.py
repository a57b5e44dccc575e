"""Inlines that stay fast on a record with thousands of related rows.

Each inline shows at most `max_rows_shown` rows for editing, in a fixed number of queries: the rows
come with the records they show (their autocomplete choices and their names) in one query, and the
autocomplete boxes label their current choice from those records instead of looking each one up.
Below a cut-short inline, a note says how many rows are not shown and links to all of them in their
own list. A formset saves, changes and deletes only the rows it was given, so the rows not shown are
left exactly as they are.
"""

from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db.models import ForeignKey
from django.forms.models import BaseInlineFormSet
from django.urls import NoReverseMatch, reverse
from django.utils.functional import cached_property

from .rendering import ADMIN_FORM_RENDERER, CachedRelatedUrlsMixin


class LoadedChoiceAutocompleteSelect(AutocompleteSelect):
    """An autocomplete box that labels its current choice with the record already loaded with the row.

    Django's own box runs one query per box to find the label of the chosen record: one per row of an
    inline. When the value is not the loaded record's (a bound form with another choice), it does that.
    """

    loaded = None  # {str(key): record}, set per form by RowsInlineFormSet.add_fields

    def optgroups(self, name, value, attr=None):
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        if not selected or not self.loaded or not selected <= self.loaded.keys():
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        for key in sorted(selected):
            label = self.choices.field.label_from_instance(self.loaded[key])
            options.append(self.create_option(name, key, label, True, len(options)))
        return [(None, options, 0)]

    def render(self, name, value, attrs=None, renderer=None):
        # RelatedFieldWidgetWrapper renders the box it wraps without passing its renderer on.
        return super().render(name, value, attrs, renderer or ADMIN_FORM_RENDERER)

    def remember(self, record):
        """Label the choice of `record` (the row's related record, already loaded) without a query."""
        to_field = self.field.remote_field.get_related_field().attname
        self.loaded = {str(getattr(record, to_field)): record}


class RowsInlineFormSet(BaseInlineFormSet):
    """At most `max_shown` of the parent's rows; a POST works on exactly the rows its page showed.

    On a POST the rows are found by the ids the page was rendered with (the parent's rows only), not by
    taking the first `max_shown` again: rows added or removed by someone else meanwhile cannot shift
    which row a submitted form changes.
    """

    max_shown = 20
    admin_site_name = "admin"

    def get_queryset(self):
        if not hasattr(self, "_queryset"):
            queryset = super().get_queryset()  # the parent's rows, ordered
            if self.is_bound:
                queryset = queryset.filter(pk__in=self.submitted_pks())
            else:  # the id last, so that the same rows are shown on every visit
                queryset = queryset.order_by(*(queryset.query.order_by or self.model._meta.ordering), "pk")
                queryset = queryset[: self.max_shown]
            for row in queryset:  # each row's parent is this one: no query to name it
                setattr(row, self.fk.name, self.instance)
            self._queryset = queryset
        return self._queryset

    def submitted_pks(self):
        """The ids of the existing rows the submitted forms are about (malformed ones are left out)."""
        pk_field = self.model._meta.pk
        pks = []
        for index in range(min(self.initial_form_count(), self.absolute_max)):
            raw = self.data.get(f"{self.add_prefix(index)}-{pk_field.name}")
            try:
                pk = pk_field.to_python(raw)
            except ValidationError:
                continue
            if pk is not None:
                pks.append(pk)
        return pks

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for name, field in form.fields.items():
            widget = getattr(field.widget, "widget", field.widget)  # inside RelatedFieldWidgetWrapper
            if not isinstance(widget, LoadedChoiceAutocompleteSelect):
                continue
            model_field = form.instance._meta.get_field(name)
            if model_field.is_cached(form.instance) and (record := model_field.get_cached_value(form.instance)):
                widget.remember(record)

    @property
    def rows_shown(self):
        return len(self.get_queryset())

    @cached_property
    def rows_total(self):
        """How many rows the parent has (no query when the page shows fewer than the limit: that is all)."""
        if self.instance.pk is None or (not self.is_bound and self.rows_shown < self.max_shown):
            return self.rows_shown
        return self.queryset.count()

    @property
    def rows_not_shown(self):
        return max(self.rows_total - self.rows_shown, 0)

    @cached_property
    def all_rows_url(self):
        """The list of every row of the parent, in the rows' own admin (empty when they have none)."""
        opts = self.model._meta
        try:
            url = reverse(f"{self.admin_site_name}:{opts.app_label}_{opts.model_name}_changelist")
        except NoReverseMatch:
            return ""
        lookup = f"{self.fk.name}__{self.fk.target_field.name}__exact"
        return f"{url}?{urlencode({lookup: self.instance.pk})}"


class RowsInline(CachedRelatedUrlsMixin, admin.TabularInline):
    """A tabular inline for relations that can grow large: a bounded page of rows, a fixed number of queries.

    Every foreign key among the row's `fields` is loaded with the row (select_related): these are what
    the row shows, in its autocomplete boxes and in its name. The parent is set on each row from the
    page's record, so naming a row ("… at <event>") costs nothing either.
    """

    formset = RowsInlineFormSet
    template = "admin/biotech_events/edit_inline/tabular.html"
    # Each row shown costs about 3 ms of rendering (some 7,000 Python calls: the row's objects, widgets and
    # template lookups); a flagship event's form shows six inlines. At 20 rows a page took 270-360 ms, at
    # 10 it takes 180-250 ms on the benchmark machine. The rest of a large set is one link away.
    max_rows_shown = 10

    def row_relations(self, request):
        """The foreign keys a row displays: those among its `fields` (the parent's is never one of them)."""
        foreign_keys = {f.name for f in self.model._meta.concrete_fields if isinstance(f, ForeignKey)}
        return [name for name in self.get_fields(request) if name in foreign_keys]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        relations = self.row_relations(request)
        return queryset.select_related(*relations) if relations else queryset  # select_related() follows all

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **{"renderer": ADMIN_FORM_RENDERER, **kwargs})
        formset.max_shown = self.max_rows_shown
        formset.admin_site_name = self.admin_site.name
        return formset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = LoadedChoiceAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
