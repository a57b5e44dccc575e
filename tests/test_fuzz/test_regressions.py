"""Each failure the fuzzer found, kept as a plain test (see docs/reliability.md, "Fuzzing")."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from rest_framework.test import APIClient

from biotech_events.models import Alias, Citation, Company, SourceDocument
from tests.factories import CompanyFactory, EventFactory, SourceDocumentFactory, UserFactory

from .conftest import integrity_problems

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def editor():
    user = UserFactory()
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="biotech_events"))
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture(scope="module")
def schema(tmp_path_factory):
    path = tmp_path_factory.mktemp("schema") / "openapi.json"
    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", "--file", str(path))
    return json.loads(path.read_text())


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield method.upper(), path, operation


# --- server errors -----------------------------------------------------------------------------


def test_a_history_asked_for_in_cursor_mode_is_paged_by_number(api):
    """GET /<id>/history/?cursor= was a 500: cursor pagination needs a queryset, a history is a list."""
    company = CompanyFactory()
    response = api.get(f"/api/v1/companies/{company.pk}/history/?cursor=")
    assert response.status_code == 200, response.content
    assert response.json()["count"] == 1


def test_a_delete_answered_as_csv_has_an_empty_body(editor):
    """DELETE /<id>/?format=csv was a 500: the CSV renderer was handed the 204's empty data."""
    company = CompanyFactory()
    response = editor.delete(f"/api/v1/companies/{company.pk}/?format=csv")
    assert response.status_code == 204
    assert response.content == b""
    assert not Company.objects.filter(pk=company.pk).exists()


def test_a_write_asking_for_json_ld_is_refused_and_writes_nothing(editor):
    """POST ?format=jsonld was a 500: the read-only JSON-LD serializer was asked to validate the body."""
    body = {"name": "Linked Pharma", "slug": "linked-pharma", "kind": "biotech"}
    assert editor.post("/api/v1/companies/?format=jsonld", body, format="json").status_code == 404
    assert editor.post("/api/v1/companies/", body, format="json", HTTP_ACCEPT="application/ld+json").status_code == 406
    assert not Company.objects.filter(slug="linked-pharma").exists()
    # A client that also takes JSON gets it; reads still come as JSON-LD.
    accepting = editor.post(
        "/api/v1/companies/", body, format="json", HTTP_ACCEPT="application/ld+json, application/json;q=0.5"
    )
    assert accepting.status_code == 201
    assert accepting["Content-Type"] == "application/json"
    read = editor.get("/api/v1/companies/linked-pharma/?format=jsonld")
    assert read.status_code == 200 and read.json()["@id"].endswith(f"/companies/{accepting.json()['id']}/")


@pytest.mark.parametrize(
    ("url", "status", "field"),
    [
        ("/api/v1/events/?person=³", 200, None),  # a filter by a record that cannot exist: nothing matches
        ("/api/v1/companies/³/", 404, None),
        ("/api/v1/companies/³/history/", 404, None),
        ("/api/v1/companies/?page=³", 400, "page"),
        ("/api/v1/companies/?page_size=²", 400, "page_size"),
    ],
)
def test_a_superscript_digit_is_not_taken_for_an_id(api, url, status, field):
    """ "³".isdigit() is true but int("³") fails: ids, pages and page sizes were 500s; now whole numbers only."""
    CompanyFactory()
    response = api.get(url)
    assert response.status_code == status, response.content
    if field:
        assert field in response.json()


def test_a_superscript_digit_in_a_written_relation_is_named(editor):
    response = editor.post(
        "/api/v1/events/", {"name": "Forum", "slug": "forum", "kind": "forum", "park": "²"}, format="json"
    )
    assert response.status_code == 400
    assert "park" in response.json()


def test_a_superscript_digit_among_the_records_to_merge_is_named(editor):
    survivor = CompanyFactory()
    response = editor.post(f"/api/v1/companies/{survivor.pk}/merge/", {"others": ["³"]}, format="json")
    assert response.status_code == 400
    assert "others" in response.json()


@pytest.mark.parametrize(
    ("url", "status", "field"),
    [
        ("/api/v1/organizers/?country=C%00N", 400, "country"),
        ("/api/v1/people/?affiliation=a%00b", 400, "affiliation"),
        ("/api/v1/companies/a%00b/", 404, None),
    ],
)
def test_a_nul_character_in_a_lookup_is_refused_before_the_database(api, url, status, field):
    """On PostgreSQL these were 500s: it refuses to compare a text holding a NUL character."""
    response = api.get(url)
    assert response.status_code == status, response.content
    if field:
        assert field in response.json()


def test_a_nul_character_in_a_written_relation_is_named(editor):
    body = {"name": "Nul Pharma", "slug": "nul-pharma", "kind": "biotech", "parent": "a\x00b"}
    response = editor.post("/api/v1/companies/", body, format="json")
    assert response.status_code == 400, response.content
    assert "parent" in response.json()


def test_a_year_a_date_cannot_hold_is_a_400_naming_it(api):
    """?year=1e-301 was a 500: a number filter let a year 0 through to the date lookup."""
    EventFactory(start_date="2023-10-19", start_date_precision="day")
    for value in ["1.4e-301", "0", "10000", "2023.5"]:
        response = api.get(f"/api/v1/events/?year={value}")
        assert response.status_code == 400, (value, response.content)
        assert "year" in response.json()
        assert api.get(f"/api/v1/deals/?year={value}").status_code == 400
    assert api.get("/api/v1/events/?year=2023").json()["count"] == 1


# --- answers that did not match the schema ---------------------------------------------------------


def test_a_search_with_a_nul_character_is_a_400_naming_the_parameter(api):
    """The 400 body was a bare list (DRF's own check), not the object of messages by parameter."""
    response = api.get("/api/v1/companies/?search=a%00b")
    assert response.status_code == 400
    assert list(response.json()) == ["search"]


def test_reads_are_described_as_open_to_anyone_and_writes_as_needing_credentials(schema):
    for method, path, operation in operations(schema):
        anonymous = {} in operation["security"]
        assert anonymous == (method == "GET"), (method, path, operation["security"])


def test_every_operation_describes_its_errors_in_every_format_it_renders(schema):
    for method, path, operation in operations(schema):
        responses = operation["responses"]
        expected = {"401", "404", "406"} | ({"400"} if method != "DELETE" else set())
        expected |= {"301"} if "{id}" in path else set()
        expected |= {"403", "409"} if method != "GET" else set()
        expected |= {"413", "415"} if method in ("POST", "PUT", "PATCH") else set()
        assert expected <= set(responses), (method, path, sorted(responses))
        success = next(response for code, response in responses.items() if code.startswith("2"))
        formats = set(success.get("content", {})) or {"application/json", "text/csv"}
        for code, response in responses.items():
            if code >= "300":
                assert formats <= set(response["content"]), (method, path, code)
                assert response["content"]["application/json"]["schema"]["$ref"].startswith("#/components/schemas/")


def test_json_ld_and_csv_bodies_are_described_as_what_they_are(schema):
    read = schema["paths"]["/api/v1/events/{id}/"]["get"]["responses"]["200"]["content"]
    assert read["application/ld+json"]["schema"] == {"$ref": "#/components/schemas/JsonLdDocument"}
    assert read["text/csv"]["schema"] == {"type": "string"}
    write = schema["paths"]["/api/v1/events/{id}/"]["patch"]["responses"]["200"]["content"]
    assert "application/ld+json" not in write  # a write answers in JSON or CSV


def test_a_record_read_may_be_trimmed_to_any_fields(schema):
    """?fields= and ?brief= leave out fields: none of a record's own fields is promised in a response."""
    components = schema["components"]["schemas"]
    assert "required" not in components["Event"]
    assert components["EventRequest"]["required"] == ["kind", "name", "slug"]


def test_relations_are_written_by_id_or_slug(schema):
    """The request schema asked for the {id, url, display} object a relation is shown as, all read-only."""
    components = schema["components"]["schemas"]
    parent = components["DealRequest"]["properties"]["parent"]
    assert parent["allOf"] == [{"$ref": "#/components/schemas/RecordReference"}]
    assert parent["nullable"] is True
    assert {"type": "integer"} in components["RecordReference"]["anyOf"]
    assert components["Deal"]["properties"]["parent"]["allOf"] == [{"$ref": "#/components/schemas/BriefRecord"}]


def test_a_merge_answer_is_described_as_the_merged_record(schema):
    merge = schema["paths"]["/api/v1/companies/{id}/merge/"]["post"]["responses"]["200"]
    assert merge["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Company"}


def test_history_offers_no_cursor_mode(schema):
    names = {p["name"] for p in schema["paths"]["/api/v1/events/{id}/history/"]["get"]["parameters"]}
    assert {"page", "page_size"} <= names
    assert "cursor" not in names


# --- the fuzzer's own integrity check ----------------------------------------------------------------


def test_the_integrity_check_finds_quotes_and_aliases_no_longer_in_their_source():
    source = SourceDocumentFactory()
    source.full_clean()
    source.save()
    company = CompanyFactory()
    citation = Citation.objects.create(source=source, quote="Chengdu", company=company)
    Alias.objects.create(name="Chengdu", source=source, company=company)
    assert integrity_problems(set()) == []
    SourceDocument.objects.filter(pk=source.pk).update(text="Another article altogether.")
    problems = integrity_problems(set())
    assert any(f"citation {citation.pk}" in problem for problem in problems), problems
    assert any("alias" in problem for problem in problems), problems


def test_the_integrity_check_cleans_every_row_a_request_saved():
    company = CompanyFactory()
    assert integrity_problems({(Company, company.pk)}) == []
    Company.objects.filter(pk=company.pk).update(name="")  # the database takes it; full_clean() does not
    problems = integrity_problems({(Company, company.pk)})
    assert len(problems) == 1 and "name" in problems[0], problems


def test_fields_takes_the_record_s_field_names_comma_separated(schema):
    """Documented as free text, `?fields=` was nearly always a 400 to a client (or a fuzzer) following the schema."""
    parameter = next(p for p in schema["paths"]["/api/v1/events/"]["get"]["parameters"] if p["name"] == "fields")
    assert parameter["style"] == "form" and parameter["explode"] is False
    assert {"name", "start_date", "citations"} <= set(parameter["schema"]["items"]["enum"])
