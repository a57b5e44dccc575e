from django.contrib import admin

from ..models import MergedRecord
from .changelists import AdminCountPaginator, CatalogueChangeList


@admin.register(MergedRecord)
class MergedRecordAdmin(admin.ModelAdmin):
    """The merge log: read-only, written only by merges."""

    list_display = ["model_label", "old_name", "old_slug", "old_id", "survivor_id", "merged_at", "merged_by"]
    list_filter = ["model_label"]
    search_fields = ["old_name", "old_slug"]
    date_hierarchy = "merged_at"
    # The log grows with every merge: counted and drilled into like the catalogue's own lists.
    paginator = AdminCountPaginator
    show_full_result_count = False

    def get_changelist(self, request, **kwargs):
        return CatalogueChangeList

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
