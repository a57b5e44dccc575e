from django.contrib import admin

from ..models import Company, Organizer
from .base import NamedEntityAdmin
from .resources import CompanyResource, ImportExportAdminMixin, OrganizerResource


@admin.register(Organizer)
class OrganizerAdmin(ImportExportAdminMixin, NamedEntityAdmin):
    resource_classes = [OrganizerResource]
    list_display = ["name", "kind", "city", "country", "parent", "citation_count"]
    list_filter = ["kind", "country"]
    autocomplete_fields = ["parent"]
    fields = ["name", "slug", "kind", "parent", "city", "country", "description"]


@admin.register(Company)
class CompanyAdmin(ImportExportAdminMixin, NamedEntityAdmin):
    resource_classes = [CompanyResource]
    list_display = ["name", "kind", "hq_city", "hq_country", "citation_count"]
    list_filter = ["kind", "hq_country"]
    autocomplete_fields = ["parent"]
    fields = ["name", "slug", "kind", "parent", "hq_city", "hq_country", "description"]
