"""What every curated model's admin shares: citations, aliases, search across aliases, to-do filters."""

from django.contrib import admin
from django.db.models import Count

from ..models import Alias, Citation


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


class CitedAdmin(admin.ModelAdmin):
    """Base admin of every record that carries citations: inline quotes, a count column, a to-do filter."""

    inlines = [CitationInline]
    list_per_page = 50

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
