"""Admin registrations, one module per concern (mirroring biotech_events.models)."""

from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from ..models import Deal, Event
from ..services import dashboard
from . import charts, deals, events, merges, organizations, people, rankings, sources  # noqa: F401  (registers the admins)

admin.site.site_header = "Biotech events catalogue"
admin.site.site_title = "Biotech events"
admin.site.index_title = "Curate events, organisers, companies, people, deals and rankings"


# The index page: the admin's list of models, with the catalogue at a glance.


def _admin_url(site, model, view, *args, query=""):
    opts = model._meta
    try:
        return reverse(f"{site.name}:{opts.app_label}_{opts.model_name}_{view}", args=args) + query
    except NoReverseMatch:
        return ""


def dashboard_context(request, site=admin.site):
    """What the index shows beside the model list, for the models this user may view. A fixed number of queries."""
    models = [
        model
        for model in dashboard.catalogue_models()
        if site.is_registered(model) and site.get_model_admin(model).has_view_permission(request)
    ]
    counts = {entry.model: entry for entry in dashboard.record_counts(models)}
    uncited = [
        {
            "name": group.model._meta.verbose_name_plural,
            "count": group.count,
            "records": [(str(record), _admin_url(site, group.model, "change", record.pk)) for record in group.records],
            "more": group.more,
            "more_url": _admin_url(site, group.model, "changelist", query="?cited=no"),
        }
        for group in dashboard.uncited_records(models, limit=UNCITED_SHOWN, counts=counts.values())
    ]
    edits = [
        {
            "when": edit.when,
            "user": edit.user,
            "kind": edit.kind,
            "model": edit.model._meta.verbose_name,
            "label": edit.label,
            # A deleted record is listed with the other deletions, where it can be restored.
            "url": _admin_url(site, edit.model, "change", edit.object_id)
            if edit.exists
            else _admin_url(site, edit.model, "deleted"),
            "reason": edit.reason,
        }
        for edit in dashboard.recent_edits(models, limit=RECENT_EDITS_SHOWN)
    ]
    svgs = []
    if Event in models:
        per_city = dashboard.events_per_year_by_city(top_level=True)
        svgs.append(
            charts.bar_chart(
                per_city.categories,
                [(series.name, series.values) for series in per_city.series],
                title="Events per year by city",
                x_label="Year the event starts",
                y_label="Events",
                layout=charts.STACKED,
                unit="events",
                caption="Main events only (conferences, forums, weeks): their sessions, panels and side meetings "
                "are not counted. Events with no known start date are under “undated”.",
            )
        )
    if Deal in models:
        per_currency = dashboard.deal_value_per_year_by_currency()
        svgs.append(
            charts.bar_chart(
                per_currency.categories,
                [(series.name, series.values) for series in per_currency.series],
                title="Disclosed deal value per year by currency",
                x_label="Year of the deal",
                y_label="Amount",
                layout=charts.PANELS,
                caption="The amounts deals disclose, summed per currency: currencies are kept apart, each on its "
                "own scale. A bundle carries its total and its projects none, so nothing is counted twice. Deals "
                "with no date are under “undated”.",
            )
        )
    return {
        "dashboard": {
            "counts": {model._meta.label_lower: entry for model, entry in counts.items()},
            "uncited": uncited,
            "edits": edits,
            "charts": svgs,
        }
    }


def _with_counts(app_list, counts, site):
    """The index's model list, the catalogue first, each of its models with its record and uncited counts."""
    app_list.sort(key=lambda app: app["app_label"] != "biotech_events")
    for app in app_list:
        for entry in app["models"]:
            count = counts.get(entry["model"]._meta.label_lower)
            if count is not None:
                entry["count"] = count.count
                entry["uncited"] = count.uncited
                entry["citable"] = count.uncited is not None
                entry["uncited_url"] = _admin_url(site, entry["model"], "changelist", query="?cited=no")
    return app_list


UNCITED_SHOWN = 5
RECENT_EDITS_SHOWN = 15
_default_index = admin.site.index


def index(request, extra_context=None):
    """The admin index with the dashboard (templates/admin/index.html) beside the model list."""
    context = dashboard_context(request)
    context["app_list"] = _with_counts(admin.site.get_app_list(request), context["dashboard"]["counts"], admin.site)
    return _default_index(request, extra_context={**context, **(extra_context or {})})


admin.site.index = index
