"""Which model is served at which endpoint, so any record can be linked to wherever it appears."""

import functools

from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

from ..models import Company, Deal, Event, Organizer, Park, ParkRanking, Person, RankingList, Report, SourceDocument

# model → (URL path segment, router basename)
ENDPOINTS = {
    Event: ("events", "event"),
    Organizer: ("organizers", "organizer"),
    Company: ("companies", "company"),
    Person: ("people", "person"),
    Deal: ("deals", "deal"),
    Park: ("parks", "park"),
    RankingList: ("rankings", "ranking"),
    ParkRanking: ("park-rankings", "park-ranking"),
    Report: ("reports", "report"),
    SourceDocument: ("sources", "source"),
}


def detail_url(obj, request=None):
    """The API URL of a record, absolute when a request is at hand; None for models without an endpoint."""
    prefix = detail_prefix(type(obj), request)
    return None if prefix is None else f"{prefix}{obj.pk}/"


def detail_prefix(model, request=None):
    """What a record's detail URL is, less its id: `http://host/api/v1/deals/` (None: no endpoint)."""
    prefix = _detail_prefix(model, get_script_prefix(), get_urlconf())
    if prefix is None or request is None:
        return prefix
    return _absolute_base(request) + prefix


@functools.cache
def _detail_prefix(model, script_prefix, urlconf):
    """`/api/v1/deals/` for Deal: reversed once, not once per related record shown (a list page shows hundreds)."""
    endpoint = ENDPOINTS.get(model)
    if endpoint is None:
        return None
    try:
        path = reverse(f"api:{endpoint[1]}-detail", kwargs={"pk": 0}, urlconf=urlconf)
    except NoReverseMatch:
        return None
    assert path.endswith("/0/"), path
    return path[: -len("0/")]


def _absolute_base(request):
    """scheme://host of the request, worked out (and the host validated) once per request."""
    base = getattr(request, "_absolute_base", None)
    if base is None:
        base = request._absolute_base = request.build_absolute_uri("/")[:-1]
    return base


def brief(obj, request=None):
    """The short form every relation is shown in: id, url and display name."""
    if obj is None:
        return None
    return {"id": obj.pk, "url": detail_url(obj, request), "display": str(obj)}
