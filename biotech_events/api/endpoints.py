"""Which model is served at which endpoint, so any record can be linked to wherever it appears."""

from django.urls import NoReverseMatch, reverse

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
    endpoint = ENDPOINTS.get(type(obj))
    if endpoint is None:
        return None
    try:
        path = reverse(f"api:{endpoint[1]}-detail", kwargs={"pk": obj.pk})
    except NoReverseMatch:
        return None
    return request.build_absolute_uri(path) if request is not None else path


def brief(obj, request=None):
    """The short form every relation is shown in: id, url and display name."""
    if obj is None:
        return None
    return {"id": obj.pk, "url": detail_url(obj, request), "display": str(obj)}
