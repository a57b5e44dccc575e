from django.contrib import admin

from ..models import AttendanceFigure, Event, EventCompany, EventOrganizer, EventParticipant
from .base import CitationInline, CitedAdmin
from .inlines import RowsInline
from .resources import EventResource, ImportExportAdminMixin


class EventOrganizerInline(RowsInline):
    model = EventOrganizer
    extra = 0
    fields = ["role", "organizer", "company", "note"]
    autocomplete_fields = ["organizer", "company"]
    show_change_link = True
    verbose_name_plural = "organisers (an organizer or a co-hosting company per row)"


class EventParticipantInline(RowsInline):
    model = EventParticipant
    extra = 0
    fields = ["person", "role", "talk_title", "position_stated"]
    autocomplete_fields = ["person"]
    show_change_link = True


class EventCompanyInline(RowsInline):
    model = EventCompany
    extra = 0
    fields = ["company", "role", "award"]
    autocomplete_fields = ["company"]
    show_change_link = True


class AttendanceInline(RowsInline):
    model = AttendanceFigure
    extra = 0
    fields = ["audience", "count", "qualifier", "stated"]
    show_change_link = True


class SubEventInline(RowsInline):
    model = Event
    fk_name = "parent"
    extra = 0
    fields = ["name", "slug", "kind", "start_date", "start_date_precision"]
    prepopulated_fields = {"slug": ["name"]}
    show_change_link = True
    verbose_name = "sub-event"
    verbose_name_plural = "sub-events (branch sessions, panels, side meetings, ceremonies)"


@admin.register(Event)
class EventAdmin(ImportExportAdminMixin, CitedAdmin):
    resource_classes = [EventResource]

    @admin.display(description="when", ordering="start_date")
    def when(self, obj):
        return obj.when or (obj.date_stated and f"“{obj.date_stated}”") or "—"

    list_display = ["name", "kind", "when", "city", "parent", "citation_count"]
    list_filter = ["kind", "city", ("parent", admin.EmptyFieldListFilter)]
    search_fields = ["name", "slug", "theme", "city", "venue"]
    date_hierarchy = "start_date"
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent", "park"]
    list_select_related = ["parent"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "parent", "edition"]}),
        (
            "When",
            {"fields": [("start_date", "start_date_precision"), ("end_date", "end_date_precision"), "date_stated"]},
        ),
        ("Where", {"fields": ["city", "district", "venue", "park"]}),
        ("What", {"fields": ["theme", "summary", "description"]}),
    ]
    inlines = [
        EventOrganizerInline,
        EventParticipantInline,
        EventCompanyInline,
        AttendanceInline,
        SubEventInline,
        CitationInline,
    ]


class EventRoleAdmin(CitedAdmin):
    """A role link's own page, where its citations are curated."""

    list_filter = ["role"]
    list_select_related = ["event"]


@admin.register(EventOrganizer)
class EventOrganizerAdmin(EventRoleAdmin):
    list_display = ["event", "role", "organizer", "company", "citation_count"]
    search_fields = ["event__name", "organizer__name", "company__name"]
    autocomplete_fields = ["event", "organizer", "company"]
    list_select_related = ["event", "organizer", "company"]


@admin.register(EventParticipant)
class EventParticipantAdmin(EventRoleAdmin):
    list_display = ["event", "role", "person", "talk_title", "citation_count"]
    search_fields = ["event__name", "person__name", "person__aliases__name", "talk_title"]
    autocomplete_fields = ["event", "person"]
    list_select_related = ["event", "person"]
    sortable_by = ["event", "person"]  # the others sort hundreds of thousands of rows on every page


@admin.register(EventCompany)
class EventCompanyAdmin(EventRoleAdmin):
    list_display = ["event", "role", "company", "award", "citation_count"]
    search_fields = ["event__name", "company__name", "company__aliases__name", "award"]
    autocomplete_fields = ["event", "company"]
    list_select_related = ["event", "company"]


@admin.register(AttendanceFigure)
class AttendanceFigureAdmin(CitedAdmin):
    list_display = ["event", "stated", "count", "qualifier", "citation_count"]
    list_filter = ["qualifier"]
    search_fields = ["event__name", "audience", "stated"]
    autocomplete_fields = ["event"]
    list_select_related = ["event"]
