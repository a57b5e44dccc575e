from django.contrib import admin

from ..models import Affiliation, Honour, Person
from .base import AliasInline, CitationInline, CitedAdmin, NamedEntityAdmin
from .inlines import RowsInline
from .resources import ImportExportAdminMixin, PersonResource


class HonourInline(RowsInline):
    model = Honour
    extra = 0
    fields = ["kind", "title", "awarded_by", "field", "year"]
    autocomplete_fields = ["awarded_by"]
    show_change_link = True


class AffiliationInline(RowsInline):
    model = Affiliation
    extra = 0
    fields = ["organizer", "company", "position"]
    autocomplete_fields = ["organizer", "company"]
    show_change_link = True


@admin.register(Person)
class PersonAdmin(ImportExportAdminMixin, NamedEntityAdmin):
    resource_classes = [PersonResource]
    list_display = ["name", "family_name", "given_name", "name_zh", "citation_count"]
    search_fields = ["name", "slug", "family_name", "given_name", "name_zh"]
    fields = ["name", "slug", "family_name", "given_name", "name_order", "name_zh", "description"]
    inlines = [AliasInline, HonourInline, AffiliationInline, CitationInline]


@admin.register(Honour)
class HonourAdmin(CitedAdmin):
    list_display = ["person", "kind", "title", "awarded_by", "year", "citation_count"]
    list_filter = ["kind"]
    search_fields = ["person__name", "title", "field"]
    autocomplete_fields = ["person", "awarded_by"]


@admin.register(Affiliation)
class AffiliationAdmin(CitedAdmin):
    list_display = ["person", "position", "organizer", "company", "citation_count"]
    search_fields = ["person__name", "position", "organizer__name", "company__name"]
    autocomplete_fields = ["person", "organizer", "company"]
    list_select_related = ["person", "organizer", "company"]
