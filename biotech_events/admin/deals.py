from django.contrib import admin

from ..models import Deal, DealParty
from .base import CitationInline, CitedAdmin
from .inlines import RowsInline
from .resources import DealResource, ImportExportAdminMixin


class DealPartyInline(RowsInline):
    model = DealParty
    extra = 0
    fields = ["role", "company", "organizer"]
    autocomplete_fields = ["company", "organizer"]
    show_change_link = True
    verbose_name_plural = "parties (a company or an organizer per row)"


class ChildDealInline(RowsInline):
    model = Deal
    fk_name = "parent"
    extra = 0
    fields = ["title", "slug", "kind", "asset"]
    prepopulated_fields = {"slug": ["title"]}
    show_change_link = True
    verbose_name = "project in this bundle"
    verbose_name_plural = "projects in this bundle"


@admin.register(Deal)
class DealAdmin(ImportExportAdminMixin, CitedAdmin):
    resource_classes = [DealResource]
    list_display = ["title", "kind", "when", "amount_stated", "event", "citation_count"]
    list_filter = ["kind", "currency", "amount_qualifier", "is_undisclosed"]
    search_fields = ["title", "slug", "asset", "parties__company__name", "parties__organizer__name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["event", "parent"]
    list_select_related = ["event"]
    # Only the indexed columns sort: ordering a million deals by title or amount is a full sort per page.
    sortable_by = ["kind", "when"]
    date_hierarchy = "date"
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "event", "parent", ("date", "date_precision"), "asset"]}),
        (
            "Amount, as far as the source states it",
            {
                "fields": [
                    ("amount", "currency", "amount_qualifier"),
                    "amount_stated",
                    "amount_usd",
                    "is_undisclosed",
                    "project_count",
                ]
            },
        ),
        (None, {"fields": ["summary", "description"]}),
    ]
    inlines = [DealPartyInline, ChildDealInline, CitationInline]

    @admin.display(description="date", ordering="date")
    def when(self, obj):
        return obj.when or "—"


@admin.register(DealParty)
class DealPartyAdmin(CitedAdmin):
    list_display = ["deal", "role", "company", "organizer", "citation_count"]
    list_filter = ["role"]
    search_fields = ["deal__title", "company__name", "organizer__name"]
    autocomplete_fields = ["deal", "company", "organizer"]
    list_select_related = ["deal", "company", "organizer"]
    # By the deal's id, on its index: the model's ordering (by the deals' dates) sorts every party on each page,
    # and so would any column, on millions of rows.
    ordering = ["-deal_id", "role", "pk"]
    sortable_by = []
