"""A fixed number of SQL queries per request, whatever the page size or the number of relations."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from biotech_events.api.endpoints import ENDPOINTS
from biotech_events.models import Alias, Citation, Company, Deal, DealParty, Event, EventParticipant, SourceDocument
from tests.factories import EventFactory, PersonFactory

pytestmark = pytest.mark.django_db

LIST_PATHS = [f"/api/v1/{segment}/" for segment, _ in ENDPOINTS.values()]


def queries(api, path, params=None):
    with CaptureQueriesContext(connection) as captured:
        response = api.get(path, params or {})
    assert response.status_code == 200, response.content
    return len(captured)


def filled_paths(value, prefix=""):
    """The nested lists a representation actually fills: each costs one prefetch query, when present."""
    paths = set()
    if isinstance(value, dict):
        for key, item in value.items():
            paths |= filled_paths(item, f"{prefix}{key}.")
    elif isinstance(value, list) and value:
        paths.add(prefix)
        for item in value:
            paths |= filled_paths(item, prefix)
    return paths


def richest_page(api, path, params=None):
    """The page number, at page size 1, of a record that fills every nested list the full page fills.

    Django skips the prefetch of a nested level that is empty, so a sparse record costs fewer
    queries; comparing like with like means page size 1 on a record that exercises every relation.
    """
    rows = api.get(path, {"page_size": 500, **(params or {})}).json()["results"]
    # Top-level prefetches always run; a nested one ("organizers.citations.") only under a filled list.
    nested = [{p for p in filled_paths(row) if p.count(".") >= 2} for row in rows]
    every_nested = set().union(*nested)
    position = max(range(len(rows)), key=lambda index: len(nested[index]))
    assert nested[position] == every_nested, f"no single record of {path} fills every nested relation"
    return position + 1


def full_page_size(api, path):
    """A page size that holds all but one record: as many rows as the list has, and still counted.

    (A first page holding the whole list is not counted: one query fewer, see test_pagination.)
    """
    total = api.get(path, {"page_size": 1}).json()["count"]
    assert total >= 2, "the comparison needs several records"
    return total - 1


@pytest.mark.parametrize("path", LIST_PATHS)
def test_a_list_costs_the_same_queries_for_1_or_all_records(seeded, api, path):
    one = queries(api, path, {"page_size": 1, "page": richest_page(api, path)})
    many = queries(api, path, {"page_size": full_page_size(api, path)})
    assert one == many


@pytest.mark.parametrize("fmt", ["csv", "jsonld"])
def test_other_formats_cost_the_same_queries_for_any_page_size(seeded, api, fmt):
    page = richest_page(api, "/api/v1/events/")
    assert queries(api, "/api/v1/events/", {"page_size": 1, "page": page, "format": fmt}) == queries(
        api, "/api/v1/events/", {"page_size": full_page_size(api, "/api/v1/events/"), "format": fmt}
    )


def test_a_detail_costs_no_more_queries_when_it_has_many_more_relations(seeded, api):
    event = max(Event.objects.all(), key=lambda e: len(filled_paths(api.get(f"/api/v1/events/{e.pk}/").json())))
    before = queries(api, f"/api/v1/events/{event.pk}/")
    source = SourceDocument.objects.get(key="000_bde207d968dfe5fb.txt")
    for _ in range(20):
        person = PersonFactory()
        participant = EventParticipant.objects.create(event=event, person=person, role="guest")
        Citation.objects.create(source=source, quote="Chengdu", event_participant=participant)
        EventFactory(parent=event)
        Citation.objects.create(source=source, quote="Chengdu", event=event)
    assert queries(api, f"/api/v1/events/{event.pk}/") == before


def test_brief_and_field_selection_cut_the_queries(seeded, api):
    full = queries(api, "/api/v1/events/", {"page_size": 2})
    brief = queries(api, "/api/v1/events/", {"page_size": 2, "brief": 1})
    some = queries(api, "/api/v1/events/", {"page_size": 2, "fields": "name,start_date"})
    assert brief == some == 2, "a count and one select"
    assert full > brief


def grow(times):
    """Many more records with relations of every kind: deals with parties, events with sub-events and
    participants, companies with aliases, all cited."""
    source = SourceDocument.objects.get(key="000_bde207d968dfe5fb.txt")
    parent = Event.objects.get(slug="2023-china-biotechnology-innovation-conference")
    for n in range(times):
        company = Company.objects.create(name=f"Grown Pharma {n}", slug=f"grown-pharma-{n}", kind="pharma")
        Alias.objects.create(name=f"GP{n}", company=company)
        Citation.objects.create(source=source, quote="Chengdu", company=company)
        deal = Deal.objects.create(title=f"Grown deal {n}", slug=f"grown-deal-{n}", kind="cooperation")
        party = DealParty.objects.create(deal=deal, company=company, role="partner")
        Citation.objects.create(source=source, quote="Chengdu", deal_party=party)
        event = EventFactory(parent=parent)
        EventParticipant.objects.create(event=event, person=PersonFactory(), role="guest")


@pytest.mark.parametrize("path", LIST_PATHS)
def test_a_list_costs_the_same_queries_when_the_catalogue_grows(seeded, api, path):
    page = richest_page(api, path)
    before = queries(api, path, {"page_size": 20, "page": 1})
    single = queries(api, path, {"page_size": 1, "page": page})
    grow(30)
    # The first page may now hold sparser records (skipped nested prefetches): never more queries.
    assert queries(api, path, {"page_size": 20, "page": 1}) <= before
    assert queries(api, path, {"page_size": 1, "page": richest_page(api, path)}) == single
