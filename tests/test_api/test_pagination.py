"""Counts never scan a whole large table; deep pages stay reachable; the cursor mode walks everything once."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from biotech_events.models import Company, Event

pytestmark = pytest.mark.django_db


def test_counts_are_exact_below_the_cap(seeded, api):
    body = api.get("/api/v1/companies/").json()
    assert (body["count"], body["count_exact"]) == (Company.objects.count(), True)


def test_beyond_the_cap_the_count_says_at_least_and_every_page_stays_reachable(seeded, api, settings):
    settings.API_COUNT_CAP = 10
    total = Company.objects.count()
    first = api.get("/api/v1/companies/", {"page_size": 5, "ordering": "name"}).json()
    assert (first["count"], first["count_exact"]) == (10, False)
    seen = []
    page, body = 1, first
    while True:
        seen += [row["slug"] for row in body["results"]]
        if not body["next"]:
            break
        page += 1
        body = api.get("/api/v1/companies/", {"page_size": 5, "ordering": "name", "page": page}).json()
    assert seen == list(Company.objects.order_by("name", "pk").values_list("slug", flat=True))
    assert len(seen) == total > 10
    past = api.get("/api/v1/companies/", {"page_size": 5, "page": page + 1})
    assert past.status_code == 404
    assert "page" in past.json()


def test_the_capped_count_is_one_bounded_query(seeded, api, settings):
    settings.API_COUNT_CAP = 10
    with CaptureQueriesContext(connection) as queries:
        api.get("/api/v1/companies/", {"page_size": 5, "fields": "name"})
    count_sql = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert len(count_sql) == 1
    assert "LIMIT 11" in count_sql[0].upper()


@pytest.mark.parametrize("endpoint", ["deals", "events", "companies", "people"])
def test_the_count_joins_no_table_for_the_shown_relations(seeded, api, endpoint):
    """The page shows its records' relations by name (joins); counting them needs none of that.

    On PostgreSQL an unused LEFT JOIN is dropped, yet its column still keeps the count off an index-only scan.
    """
    with CaptureQueriesContext(connection) as queries:
        response = api.get(f"/api/v1/{endpoint}/", {"page_size": 1})  # a full page: the list is counted
    assert response.status_code == 200
    count_sql = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert len(count_sql) == 1
    assert " JOIN " not in count_sql[0].upper(), count_sql[0]


def walk(api, path, params):
    """Follow the cursor mode's next links from the start; return every row."""
    response = api.get(path, {**params, "cursor": ""})
    rows = []
    while True:
        assert response.status_code == 200, response.json()
        body = response.json()
        assert set(body) == {"next", "previous", "results"}, "no count in cursor mode"
        rows += body["results"]
        if not body["next"]:
            return rows
        response = api.get(body["next"])


def walk_back(api, response):
    """Follow `previous` links from a page back to the start; return every row before that page."""
    rows = []
    while response.json()["previous"]:
        response = api.get(response.json()["previous"])
        assert response.status_code == 200, response.json()
        rows = response.json()["results"] + rows
    return rows


def nulls_last(records, field, *, descending):
    """The order the API promises: by `field` with empty values last, then by id in the same direction."""
    filled = sorted(
        (r for r in records if getattr(r, field) is not None),
        key=lambda r: (getattr(r, field), r.pk),
        reverse=descending,
    )
    empty = sorted((r for r in records if getattr(r, field) is None), key=lambda r: r.pk, reverse=descending)
    return [r.pk for r in filled + empty]


@pytest.mark.parametrize("ordering", ["-start_date", "start_date"])
def test_the_cursor_mode_walks_a_nullable_ordering_once_both_ways(seeded, api, ordering):
    # Events: some dated, some not (the articles do not date every session).
    records = list(Event.objects.all())
    assert any(r.start_date is None for r in records) and any(r.start_date is not None for r in records)
    expected = nulls_last(records, "start_date", descending=ordering.startswith("-"))
    params = {"page_size": 3, "ordering": ordering, "fields": "id"}
    forward = walk(api, "/api/v1/events/", params)
    assert [row["id"] for row in forward] == expected

    response = api.get("/api/v1/events/", {**params, "cursor": ""})
    while response.json()["next"]:
        response = api.get(response.json()["next"])
    backward = walk_back(api, response) + response.json()["results"]
    assert [row["id"] for row in backward] == expected


def test_a_cursor_from_another_ordering_is_400(seeded, api):
    issued = api.get("/api/v1/deals/", {"page_size": 2, "ordering": "-date", "cursor": ""}).json()["next"]
    cursor = parse_qs(urlsplit(issued).query)["cursor"][0]
    response = api.get("/api/v1/deals/", {"page_size": 2, "ordering": "title", "cursor": cursor})
    assert response.status_code == 400
    assert "ordering=-date" in response.json()["cursor"][0]


def test_the_cursor_mode_visits_every_record_once_in_order(seeded, api):
    rows = walk(api, "/api/v1/companies/", {"page_size": 7, "ordering": "name", "fields": "id,name"})
    assert [row["id"] for row in rows] == list(Company.objects.order_by("name", "id").values_list("id", flat=True))


def test_the_cursor_mode_keeps_filters_and_the_default_order(seeded, api):
    rows = walk(api, "/api/v1/companies/", {"page_size": 4, "kind": "pharma", "fields": "id"})
    assert [row["id"] for row in rows] == list(
        Company.objects.filter(kind="pharma").order_by("-id").values_list("id", flat=True)
    )


def test_a_deep_cursor_page_costs_the_queries_of_the_first(seeded, api):
    first = api.get("/api/v1/deals/", {"cursor": "", "page_size": 2})
    with CaptureQueriesContext(connection) as at_start:
        api.get("/api/v1/deals/", {"cursor": "", "page_size": 2})
    deeper = first.json()["next"]
    for _ in range(3):
        deeper = api.get(deeper).json()["next"]
    with CaptureQueriesContext(connection) as deep:
        api.get(deeper)
    assert len(deep) <= len(at_start)


@pytest.mark.parametrize(
    ("params", "field"),
    [({"cursor": "not-a-cursor"}, "cursor"), ({"cursor": "", "ordering": "ranking__year"}, "ordering")],
)
def test_bad_cursor_requests_are_400_naming_the_parameter(seeded, api, params, field):
    response = api.get("/api/v1/park-rankings/", params)
    assert response.status_code == 400
    assert field in response.json()


def test_a_deep_page_skips_rows_by_id_and_reads_only_its_own_rows(seeded, api, settings, monkeypatch):
    from biotech_events.api import pagination

    settings.API_COUNT_CAP = 10
    params = {"page_size": 3, "ordering": "name"}
    shallow = [api.get("/api/v1/companies/", {**params, "page": page}).json() for page in (5, 6)]
    monkeypatch.setattr(pagination, "DEFERRED_FROM", 12)  # page 5 starts at row 12
    with CaptureQueriesContext(connection) as queries:
        deep = [api.get("/api/v1/companies/", {**params, "page": page}).json() for page in (5, 6)]
    assert deep == shallow
    assert deep[0]["count_exact"] is False and deep[0]["next"]
    offsets = [q["sql"] for q in queries if "OFFSET" in q["sql"].upper()]
    assert len(offsets) == 2, "one id query with an OFFSET per page"
    assert all('"biotech_events_company"."description"' not in sql for sql in offsets), "ids alone are skipped"


@pytest.mark.parametrize("endpoint", ["deals", "events", "companies"])
def test_a_list_that_fits_its_first_page_is_not_counted(seeded, api, endpoint):
    """The first page is read with one row more: without that row it is the whole list, its length the count."""
    total = api.get(f"/api/v1/{endpoint}/", {"page_size": 1}).json()["count"]
    assert total > 2
    counts = {}
    for size in (total, total - 1):
        with CaptureQueriesContext(connection) as queries:
            body = api.get(f"/api/v1/{endpoint}/", {"page_size": size}).json()
        assert body["count"] == total and body["count_exact"] is True
        assert len(body["results"]) == size
        assert (body["next"] is None) == (size == total)
        counts[size] = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert counts[total] == [], "the whole list on one page: no COUNT query"
    assert len(counts[total - 1]) == 1, "one row left over: counted"


def test_a_page_past_a_short_list_is_still_a_404_naming_the_page(seeded, api):
    total = api.get("/api/v1/deals/", {"page_size": 500}).json()["count"]
    assert total < 500
    response = api.get("/api/v1/deals/", {"page_size": 500, "page": 2})
    assert response.status_code == 404
    assert "page" in response.json()
