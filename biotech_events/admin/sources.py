from django.contrib import admin

from ..models import CITATION_TARGET_FIELDS, Alias, Citation, SourceDocument
from .base import CatalogueAdmin


@admin.register(SourceDocument)
class SourceDocumentAdmin(CatalogueAdmin):
    list_display = ["key", "title", "outlet", "author", "published_on", "language"]
    list_filter = ["language", "outlet"]
    search_fields = ["key", "title", "outlet", "author"]
    readonly_fields = ["sha256"]
    fields = [
        "key",
        "title",
        "outlet",
        "author",
        "url",
        ("published_on", "published_on_precision"),
        "language",
        "notes",
        "text",
        "sha256",
    ]


@admin.register(Citation)
class CitationAdmin(CatalogueAdmin):
    list_display = ["__str__", "source", "supports"]
    list_filter = ["source"]
    search_fields = ["quote", "note"]
    autocomplete_fields = ["source", *CITATION_TARGET_FIELDS]
    list_select_related = ["source", *CITATION_TARGET_FIELDS]
    fieldsets = [
        (None, {"fields": ["source", "quote", "note"]}),
        ("The one record it supports", {"fields": list(CITATION_TARGET_FIELDS)}),
    ]

    @admin.display(description="supports")
    def supports(self, obj):
        return f"{obj._meta.get_field(obj.target_field).verbose_name}: {obj.target}" if obj.target_field else "—"


@admin.register(Alias)
class AliasAdmin(CatalogueAdmin):
    list_display = ["name", "kind", "organizer", "company", "person", "park", "source"]
    list_filter = ["kind", "source"]
    search_fields = ["name"]
    autocomplete_fields = ["source", "organizer", "company", "person", "park"]
    list_select_related = ["source", "organizer", "company", "person", "park"]
