"""What every curated model's admin shares: citations, aliases, search across aliases, to-do filters."""

import operator
from functools import reduce

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import smart_split, unescape_string_literal
from simple_history.admin import SimpleHistoryAdmin

from ..models import Alias, Citation, MergedRecord
from ..models.sources import CITATION_TARGET_FIELDS
from ..services.history import NothingToRestore, deleted_records, restore_deleted, revert_to
from ..services.merge import merge_conflicts, merge_records, relation_counts
from ..services.sources import quote_in_context
from .changelists import AdminCountPaginator, CatalogueChangeList
from .concurrency import VersionCheckedAdmin
from .inlines import RowsInline
from .rendering import AdminModelForm, CachedRelatedUrlsMixin


class CitationInline(RowsInline):
    """The verbatim quotes supporting the record, each in its context; a quote not in its source is refused."""

    class CitationForm(forms.ModelForm):
        def add_error(self, field, error):
            # The formset links each citation to the record itself, after saving a new one. So on a
            # record being added, Citation.clean's "exactly one record" check fails on fields this
            # form does not have, and stops before the quote is checked: check the quote instead.
            error_dict = getattr(error, "error_dict", None) if field is None else None
            if error_dict and any(name in CITATION_TARGET_FIELDS for name in error_dict):
                kept = {name: errors for name, errors in error_dict.items() if name not in CITATION_TARGET_FIELDS}
                try:
                    self.instance.validate_quote()
                except ValidationError as quote_error:
                    kept = quote_error.update_error_dict(kept)
                if not kept:
                    return
                error = ValidationError(kept)
            super().add_error(field, error)

    model = Citation
    form = CitationForm
    extra = 1
    fields = ["source", "quote", "note", "in_context"]
    readonly_fields = ["in_context"]
    autocomplete_fields = ["source"]
    verbose_name_plural = "citations (verbatim quotes from the source articles)"
    context_margin = 160  # characters either side, before snapping to a sentence or word boundary

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in ("quote", "note"):  # compact rows, leaving room for the context
            kwargs["widget"] = forms.Textarea(attrs={"rows": 4, "cols": 26 if db_field.name == "quote" else 16})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description="in context")
    def in_context(self, obj):
        """The quote highlighted among the sentences around it in the article, linked to the article's page."""
        if obj is None or obj.source_id is None or not obj.quote:
            return "—"
        context = quote_in_context(obj.source.text, obj.quote, self.context_margin)
        if context is None:
            return format_html('<span class="errornote">{}</span>', "Not found in the source's text.")
        anchor = f"#citation-{obj.pk}" if obj.pk else ""
        url = reverse(f"{self.admin_site.name}:biotech_events_sourcedocument_change", args=[obj.source_id]) + anchor
        return format_html(
            '<span class="quote-in-context" style="display: block; min-width: 16rem; max-width: 30rem; '
            'line-height: 1.5">'
            '{}<mark>{}</mark>{} <a href="{}" title="{}">in the article</a></span>',
            context.before,
            context.quote,
            context.after,
            url,
            f"{obj.source.key}: {obj.source.title}",
        )


class AliasInline(RowsInline):
    model = Alias
    extra = 1
    fields = ["name", "kind", "source"]
    autocomplete_fields = ["source"]


def citations_of(model):
    """The citations of the record in the outer query (for Exists and Subquery)."""
    return Citation.objects.filter(**{model._meta.get_field("citations").field.name: OuterRef("pk")})


class HasCitationFilter(admin.SimpleListFilter):
    """The curation to-do list: records nobody has cited yet."""

    title = "citations"
    parameter_name = "cited"

    def lookups(self, request, model_admin):
        return [("yes", "Cited"), ("no", "Not cited yet")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            cited = Exists(citations_of(queryset.model))
            return queryset.filter(cited if self.value() == "yes" else ~cited)
        return queryset


class CatalogueAdmin(CachedRelatedUrlsMixin, VersionCheckedAdmin, SimpleHistoryAdmin):
    """History with field differences on every record; revert a version, relations included; restore deletions."""

    form = AdminModelForm  # rendered by AdminFormRenderer
    list_per_page = 50
    change_list_template = "admin/biotech_events/change_list.html"
    # Never COUNT(*) a whole large table: the count stops at API_COUNT_CAP, pages stay reachable.
    paginator = AdminCountPaginator
    show_full_result_count = False

    def get_changelist(self, request, **kwargs):
        return CatalogueChangeList  # its date drill-down lists the years without a whole-table scan

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        if request.resolver_match and request.resolver_match.url_name == "autocomplete":
            # An autocomplete box asks whether more matches follow a page, not how many there are.
            return self.paginator(queryset, per_page, orphans, allow_empty_first_page, cap=per_page)
        return super().get_paginator(request, queryset, per_page, orphans, allow_empty_first_page)

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/history/<int:history_id>/revert/",
                self.admin_site.admin_view(self.revert_view),
                name=f"{prefix}_revert",
            ),
            path("deleted/", self.admin_site.admin_view(self.deleted_view), name=f"{prefix}_deleted"),
            *super().get_urls(),
        ]

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple_history saves a POST to a version's page after checking only the view permission.
        if request.method == "POST" and not self.has_change_permission(request):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_view(self, request, object_id, history_id):
        if not self.has_change_permission(request):
            raise PermissionDenied
        entry = get_object_or_404(self.model.history.model, id=object_id, history_id=history_id)
        current = self.model._default_manager.filter(pk=object_id).first()
        if request.method == "POST":
            try:
                record = revert_to(entry)
            except (NothingToRestore, ValidationError) as error:
                self.message_user(
                    request, f"Not reverted: {' '.join(getattr(error, 'messages', [str(error)]))}", messages.ERROR
                )
            else:
                self.message_user(
                    request,
                    f"“{record}” is back to its version of {entry.history_date:%Y-%m-%d %H:%M}.",
                    messages.SUCCESS,
                )
                return redirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[record.pk]))
        latest = self.model.history.filter(id=object_id).order_by("-history_date", "-history_id").first()
        changes = latest.diff_against(entry).changes if latest and latest.pk != entry.pk else []
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Revert “{entry.history_object}”",
            "entry": entry,
            "current": current,
            "changes": changes,
        }
        return TemplateResponse(request, "admin/biotech_events/revert_confirmation.html", context)

    def deleted_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        if request.method == "POST":
            try:
                record = restore_deleted(self.model, int(request.POST["pk"]))
            except (NothingToRestore, ValidationError, KeyError, ValueError) as error:
                self.message_user(request, f"Not restored: {error}", messages.ERROR)
            else:
                self.message_user(request, f"Restored “{record}”, with its citations and relations.", messages.SUCCESS)
                return redirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[record.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Deleted {self.opts.verbose_name_plural}",
            "deletions": deleted_records(self.model),
        }
        return TemplateResponse(request, "admin/biotech_events/deleted_records.html", context)


class CitedAdmin(CatalogueAdmin):
    """Base admin of every record that carries citations: inline quotes, a count column, a to-do filter."""

    inlines = [CitationInline]

    def get_queryset(self, request):
        # A correlated subquery, not a JOIN with GROUP BY: it is computed for the rows shown only,
        # and leaves the changelist's (capped) count a plain scan of one table.
        counted = citations_of(self.model).order_by().values(self.model._meta.get_field("citations").field.name)
        citation_count = Coalesce(Subquery(counted.annotate(n=Count("pk")).values("n")), 0)
        return super().get_queryset(request).annotate(citation_count=citation_count)

    # Not sortable: ordering by it computes the subquery for every row of the table, not just the page's.
    @admin.display(description="citations")
    def citation_count(self, obj):
        return obj.citation_count

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), HasCitationFilter]


class NamedEntityAdmin(CitedAdmin):
    """Organizer, Company, Person, Park: searchable by every spelling, with aliases inline, mergeable."""

    inlines = [AliasInline, CitationInline]
    search_fields = ["name", "slug"]  # and every alias: see get_search_results
    prepopulated_fields = {"slug": ["name"]}
    actions = ["merge_selected"]
    merge_max = 20  # duplicates are merged a few at a time, each shown with its relations

    def get_search_results(self, request, queryset, search_term):
        """Each word must match a searched field or an alias, tested with EXISTS rather than a JOIN,
        so no duplicate rows and no DISTINCT over the whole table."""
        target = self.model._meta.model_name
        for word in smart_split(search_term):
            word = unescape_string_literal(word) if word[0] in "\"'" and word[-1] == word[0] else word
            in_alias = Exists(Alias.objects.filter(**{target: OuterRef("pk"), "name__icontains": word}))
            condition = reduce(operator.or_, (Q(**{f"{field}__icontains": word}) for field in self.search_fields))
            queryset = queryset.filter(condition | Q(in_alias))
        return queryset, False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """A merged-away record's old page leads to the record it was merged into."""
        if object_id.isdigit() and not self.model._default_manager.filter(pk=object_id).exists():
            survivor = MergedRecord.survivor_of(self.model, pk=int(object_id))
            if survivor is not None:
                self.message_user(request, f"That {self.opts.verbose_name} was merged into this one.")
                return redirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[survivor]))
        return super().change_view(request, object_id, form_url, extra_context)

    def has_merge_permission(self, request):
        """Merging changes the survivor and deletes the duplicates: both permissions are needed."""
        return self.has_change_permission(request) and self.has_delete_permission(request)

    @admin.action(description="Merge the selected duplicates into one", permissions=["merge"])
    def merge_selected(self, request, queryset):
        # "Select all" on a changelist of 200,000 companies must not load them all.
        records = list(queryset.order_by("pk")[: self.merge_max + 1])
        if len(records) < 2:
            self.message_user(request, "Select at least two records to merge.", messages.WARNING)
            return None
        if len(records) > self.merge_max:
            self.message_user(request, f"Select at most {self.merge_max} records to merge at once.", messages.WARNING)
            return None
        conflicts = merge_conflicts(records[0], records[1:])
        if request.POST.get("confirm") == "yes":
            try:
                survivor = next(r for r in records if str(r.pk) == request.POST.get("survivor"))
                chosen = {
                    conflict.field: conflict.options[int(request.POST[f"field_{conflict.field}"])][0]
                    for conflict in conflicts
                    if request.POST.get(f"field_{conflict.field}", "").isdigit()
                }
                merge_records(
                    survivor=survivor,
                    others=[r for r in records if r.pk != survivor.pk],
                    field_values=chosen,
                    user=request.user,
                )
            except StopIteration:
                self.message_user(request, "Choose the record to keep.", messages.ERROR)
            except (ValidationError, IndexError) as error:
                self.message_user(
                    request, f"Nothing was merged: {' '.join(getattr(error, 'messages', [str(error)]))}", messages.ERROR
                )
            else:
                self.message_user(request, f"Merged {len(records) - 1} record(s) into “{survivor}”.", messages.SUCCESS)
                return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Merge {len(records)} {self.opts.verbose_name_plural}",
            "records": [(record, relation_counts(record)) for record in records],
            "conflicts": conflicts,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/biotech_events/merge.html", context)
