"""Field selection, the brief form, CSV for spreadsheets, and schema.org JSON-LD."""

import csv
import io

import pytest
from pyld import jsonld

from biotech_events.models import Company, Deal, Event

pytestmark = pytest.mark.django_db

SCHEMA = "https://schema.org/"
CBIC = "2023-china-biotechnology-innovation-conference"


def test_fields_returns_exactly_the_fields_asked_for(seeded, api):
    rows = api.get("/api/v1/events/", {"fields": "name,start_date"}).json()["results"]
    assert rows and all(set(row) == {"name", "start_date"} for row in rows)
    detail = api.get(f"/api/v1/events/{CBIC}/", {"fields": "name,organizers"}).json()
    assert set(detail) == {"name", "organizers"}


def test_brief_returns_id_url_and_display_name(seeded, api):
    rows = api.get("/api/v1/companies/", {"brief": "1"}).json()["results"]
    assert rows and all(set(row) == {"id", "url", "display"} for row in rows)
    astrazeneca = next(row for row in rows if row["display"] == "AstraZeneca")
    assert astrazeneca["id"] == Company.objects.get(slug="astrazeneca").pk


def test_relations_are_shown_as_brief_records_and_citations_as_quotes(seeded, api):
    event = api.get(f"/api/v1/events/{CBIC}/").json()
    ceremony = next(sub for sub in event["sub_events"] if "Opening" in sub["display"] or "opening" in sub["display"])
    assert set(ceremony) == {"id", "url", "display"}
    assert event["organizers"] and all(
        {"role", "organizer", "company", "citations"} <= set(o) for o in event["organizers"]
    )
    assert event["citations"] and all(set(c) == {"source", "quote", "note"} for c in event["citations"])
    assert event["citations"][0]["source"] == "000_bde207d968dfe5fb.txt"
    deal = api.get("/api/v1/deals/konoya-astrazeneca-cmg901-licence/").json()
    assert (deal["amount"], deal["currency"], deal["amount_usd"]) == ("1200000000.00", "USD", "1200000000.00")
    assert {party["role"] for party in deal["parties"]} == {"licensor", "licensee"}


def read_csv(response):
    assert response["Content-Type"].startswith("text/csv")
    assert response.streaming, "a CSV export streams"
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_csv_has_flat_columns_and_applies_the_filters(seeded, api):
    rows = read_csv(api.get("/api/v1/deals/", {"format": "csv", "kind": "bundle"}))
    assert len(rows) == Deal.objects.filter(kind="bundle").count() == 2
    night = next(row for row in rows if "Night" in row["title"] or "18" in row["title"])
    assert night["currency"] == "CNY"
    assert night["amount_stated"].startswith("nearly 3 billion yuan")
    assert "Sanofi" in night["children"], "related records appear by name"


def test_csv_streams_every_filtered_row_not_a_page(seeded, api):
    rows = read_csv(api.get("/api/v1/companies/", {"format": "csv", "page_size": 5, "fields": "slug"}))
    assert [row["slug"] for row in rows] == list(Company.objects.values_list("slug", flat=True))


def test_csv_stops_at_the_row_limit(seeded, api, settings):
    settings.API_CSV_MAX_ROWS = 3
    response = api.get("/api/v1/companies/", {"format": "csv", "fields": "slug"})
    assert len(read_csv(response)) == 3
    assert response["X-Row-Limit"] == "3"


def test_csv_honours_field_selection(seeded, api):
    rows = read_csv(api.get("/api/v1/companies/", {"format": "csv", "fields": "name,kind", "page_size": 500}))
    assert list(rows[0]) == ["name", "kind"]
    assert len(rows) == Company.objects.count()


def nquads(document):
    return jsonld.to_rdf(document, {"format": "application/n-quads"})


def test_an_event_expands_to_schema_org_triples(seeded, api):
    response = api.get(f"/api/v1/events/{CBIC}/", HTTP_ACCEPT="application/ld+json")
    assert response["Content-Type"].startswith("application/ld+json")
    document = response.json()
    event_id = document["@id"]
    triples = nquads(document)
    event = Event.objects.get(slug=CBIC)
    assert f"<{event_id}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{SCHEMA}Event>" in triples
    assert f'<{event_id}> <{SCHEMA}name> "{event.name}"' in triples
    assert f'<{event_id}> <{SCHEMA}startDate> "2023-10-19"' in triples
    for sub in event.sub_events.all():
        assert f"<{event_id}> <{SCHEMA}subEvent> <http://testserver/api/v1/events/{sub.pk}/>" in triples
    expanded = jsonld.expand(document)[0]
    organizer_roles = expanded[f"{SCHEMA}organizer"]
    assert organizer_roles and all(role["@type"] == [f"{SCHEMA}OrganizationRole"] for role in organizer_roles)
    inner = {role[f"{SCHEMA}organizer"][0]["@id"] for role in organizer_roles}
    expected = {
        f"http://testserver/api/v1/{'organizers' if link.organizer_id else 'companies'}/{link.party.pk}/"
        for link in event.organizer_roles.all()
    }
    assert inner == expected


def test_a_sub_event_points_to_its_super_event(seeded, api):
    ceremony = Event.objects.get(parent__slug=CBIC, kind="opening_ceremony")
    document = api.get(f"/api/v1/events/{ceremony.pk}/", {"format": "jsonld"}).json()
    parent_id = f"http://testserver/api/v1/events/{ceremony.parent_id}/"
    assert f"<{document['@id']}> <{SCHEMA}superEvent> <{parent_id}>" in nquads(document)
    performers = jsonld.expand(document)[0][f"{SCHEMA}performer"]
    assert {p[f"{SCHEMA}roleName"][0]["@value"] for p in performers} >= {"Keynote speaker"}


def test_organizations_and_people_carry_every_alias_as_alternate_name(seeded, api):
    company = api.get("/api/v1/companies/united-imaging-healthcare/", {"format": "jsonld"}).json()
    names = {value["@value"] for value in jsonld.expand(company)[0][f"{SCHEMA}alternateName"]}
    assert names == {"Lianying Medical", "Shanghai United Imaging Healthcare Co., Ltd."}
    person = api.get("/api/v1/people/chen-dong/", {"format": "jsonld"}).json()
    triples = nquads(person)
    assert f'<{person["@id"]}> <{SCHEMA}alternateName> "Chen DONG"' in triples
    assert f'<{person["@id"]}> <{SCHEMA}alternateName> "Dong Chen"' in triples


def test_deals_and_rankings_use_the_extension_vocabulary(seeded, api):
    deal = api.get("/api/v1/deals/konoya-astrazeneca-cmg901-licence/", {"format": "jsonld"}).json()
    expanded = jsonld.expand(deal)[0]
    assert expanded["@type"] == ["urn:biotech-events:vocab:Deal"]
    amount = expanded["urn:biotech-events:vocab:amount"][0]
    assert amount["@type"] == [f"{SCHEMA}MonetaryAmount"]
    assert amount[f"{SCHEMA}currency"][0]["@value"] == "USD"
    ranking = api.get("/api/v1/rankings/", {"format": "jsonld"}).json()
    nodes = jsonld.expand(ranking)
    assert nodes and all(f"{SCHEMA}ItemList" in node["@type"] for node in nodes)


def test_a_jsonld_list_is_a_graph(seeded, api):
    document = api.get("/api/v1/people/", {"format": "jsonld", "page_size": 500}).json()
    assert set(document) == {"@context", "@graph"}
    assert len(jsonld.expand(document)) == api.get("/api/v1/people/").json()["count"]


def test_a_csv_stream_sends_its_header_and_first_record_at_once_then_rows_in_chunks():
    from biotech_events.api.renderers import CSV_ROWS_PER_CHUNK, csv_lines

    rows = [{"id": n, "name": f"Deal, {n}", "parties": [{"display": "A"}, {"display": "B"}]} for n in range(450)]
    chunks = list(csv_lines(["id", "name", "parties", "missing"], rows))
    assert chunks[0] == "id,name,parties,missing\r\n"
    assert [chunk.count("\r\n") for chunk in chunks[1:]] == [1, CSV_ROWS_PER_CHUNK, CSV_ROWS_PER_CHUNK, 49]
    parsed = list(csv.reader(io.StringIO("".join(chunks))))
    assert parsed[1] == ["0", "Deal, 0", "A; B", ""]
    assert len(parsed) == 451
