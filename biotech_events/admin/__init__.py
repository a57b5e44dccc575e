"""Admin registrations, one module per concern (mirroring biotech_events.models)."""

from django.contrib import admin

from . import deals, events, organizations, people, rankings, sources  # noqa: F401  (registers the admins)

admin.site.site_header = "Biotech events catalogue"
admin.site.site_title = "Biotech events"
admin.site.index_title = "Curate events, organisers, companies, people, deals and rankings"
