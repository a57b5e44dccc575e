from django.contrib import admin

from ..models import Park, ParkRanking, RankingList, Report
from .base import CitationInline, CitedAdmin, NamedEntityAdmin
from .inlines import RowsInline
from .resources import ImportExportAdminMixin, ParkRankingResource, ParkResource


@admin.register(Park)
class ParkAdmin(ImportExportAdminMixin, NamedEntityAdmin):
    resource_classes = [ParkResource]
    list_display = ["name", "kind", "city", "district", "administered_by", "citation_count"]
    list_filter = ["kind", "city"]
    autocomplete_fields = ["parent", "administered_by"]
    fields = ["name", "slug", "kind", "parent", "administered_by", "city", "district", "country", "description"]


@admin.register(Report)
class ReportAdmin(CitedAdmin):
    list_display = ["title", "year", "publisher", "released_at", "citation_count"]
    list_filter = ["year"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["publisher", "released_at"]


class ParkRankingInline(RowsInline):
    model = ParkRanking
    extra = 0
    fields = ["park", "rank", "rank_stated"]
    autocomplete_fields = ["park"]
    show_change_link = True


@admin.register(RankingList)
class RankingListAdmin(CitedAdmin):
    list_display = ["name", "year", "category", "dimension", "report", "citation_count"]
    list_filter = ["year", "category"]
    search_fields = ["name", "slug", "dimension"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["report", "publisher", "released_at"]
    inlines = [ParkRankingInline, CitationInline]


@admin.register(ParkRanking)
class ParkRankingAdmin(ImportExportAdminMixin, CitedAdmin):
    resource_classes = [ParkRankingResource]
    list_display = ["ranking", "rank", "rank_stated", "park", "citation_count"]
    list_filter = ["ranking__year", "ranking__category"]
    search_fields = ["park__name", "park__aliases__name", "ranking__name"]
    autocomplete_fields = ["ranking", "park"]
    list_select_related = ["ranking", "park"]
