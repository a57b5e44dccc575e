from django.contrib import admin

from ..models import Company, Organizer
from .base import NamedEntityAdmin


@admin.register(Organizer)
class OrganizerAdmin(NamedEntityAdmin):
    list_display = ["name", "kind", "city", "country", "parent", "citation_count"]
    list_filter = ["kind", "country"]
    autocomplete_fields = ["parent"]
    fields = ["name", "slug", "kind", "parent", "city", "country", "description"]


@admin.register(Company)
class CompanyAdmin(NamedEntityAdmin):
    list_display = ["name", "kind", "hq_city", "hq_country", "citation_count"]
    list_filter = ["kind", "hq_country"]
    autocomplete_fields = ["parent"]
    fields = ["name", "slug", "kind", "parent", "hq_city", "hq_country", "description"]
