"""What every curated model's admin shares: citations, aliases, search across aliases, to-do filters."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from simple_history.admin import SimpleHistoryAdmin

from ..models import Alias, Citation
from ..services.history import NothingToRestore, deleted_records, restore_deleted, revert_to


class CitationInline(admin.TabularInline):
    """The verbatim quotes supporting the record; a quote not found in its source is refused."""

    model = Citation
    extra = 1
    fields = ["source", "quote", "note"]
    autocomplete_fields = ["source"]
    verbose_name_plural = "citations (verbatim quotes from the source articles)"


class AliasInline(admin.TabularInline):
    model = Alias
    extra = 1
    fields = ["name", "kind", "source"]
    autocomplete_fields = ["source"]


class HasCitationFilter(admin.SimpleListFilter):
    """The curation to-do list: records nobody has cited yet."""

    title = "citations"
    parameter_name = "cited"

    def lookups(self, request, model_admin):
        return [("yes", "Cited"), ("no", "Not cited yet")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(citation_count__gt=0)
        if self.value() == "no":
            return queryset.filter(citation_count=0)
        return queryset


class CatalogueAdmin(SimpleHistoryAdmin):
    """History with field differences on every record; revert a version, relations included; restore deletions."""

    list_per_page = 50
    change_list_template = "admin/biotech_events/change_list.html"

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
                self.message_user(request, f"“{record}” is back to its version of {entry.history_date:%Y-%m-%d %H:%M}.")
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
                self.message_user(request, f"Restored “{record}”, with its citations and relations.")
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
        return super().get_queryset(request).annotate(citation_count=Count("citations", distinct=True))

    @admin.display(description="citations", ordering="citation_count")
    def citation_count(self, obj):
        return obj.citation_count

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), HasCitationFilter]


class NamedEntityAdmin(CitedAdmin):
    """Organizer, Company, Person, Park: searchable by every spelling, with aliases inline."""

    inlines = [AliasInline, CitationInline]
    search_fields = ["name", "slug", "aliases__name"]
    prepopulated_fields = {"slug": ["name"]}
