"""`?text=` (FullTextFilter): full-text search in the records' prose; PostgreSQL's when there, plain on SQLite."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from biotech_events.api import filters
from tests.factories import DealFactory, EventFactory, SourceDocumentFactory

pytestmark = pytest.mark.django_db


def found(api, endpoint, text, **params):
    response = api.get(f"/api/v1/{endpoint}/", {"text": text, "page_size": 500, **params})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["results"])
    return [row["slug"] for row in body["results"]]


def on_postgresql():
    return connection.vendor == "postgresql"


@pytest.fixture
def deals():
    return {
        "licence": DealFactory(
            slug="cmg901-licence",
            title="Licence of CMG901",
            asset="CMG901",
            summary="Exclusive rights to develop and commercialise CMG901 outside China.",
        ),
        "factory": DealFactory(
            slug="chengdu-factory",
            title="Chengdu factory investment",
            summary="A new plant for antibody production in the Chengdu High-tech Zone.",
        ),
        "fund": DealFactory(slug="fund", title="Biomedicine fund", description="An antibody fund of funds."),
    }


def test_every_word_must_occur_in_one_of_the_fields(api, deals):
    assert found(api, "deals", "exclusive CMG901") == ["cmg901-licence"], "summary and asset together"
    assert set(found(api, "deals", "antibody")) == {"chengdu-factory", "fund"}
    assert found(api, "deals", "antibody Shanghai") == []
    assert found(api, "deals", "ANTIBODY fund") == ["fund"], "case does not matter; description is read"


def test_minus_excludes_a_word(api, deals):
    assert found(api, "deals", "antibody -fund") == ["chengdu-factory"]
    assert found(api, "deals", 'antibody -"fund of funds"') == ["chengdu-factory"]


def test_a_quoted_phrase_is_searched_as_a_phrase(api, deals):
    assert found(api, "deals", '"antibody production"') == ["chengdu-factory"]
    assert found(api, "deals", '"production antibody"') == []


def test_english_words_are_stemmed_on_postgresql(api, deals):
    if not on_postgresql():
        pytest.skip("stemming is PostgreSQL's full-text search; SQLite matches the words as typed")
    assert found(api, "deals", "commercialising") == ["cmg901-licence"]
    assert found(api, "deals", "plants") == ["chengdu-factory"]
    assert set(found(api, "deals", "licence or fund")) == {"cmg901-licence", "fund"}


def test_the_best_matches_come_first_unless_an_order_is_asked_for(api):
    if not on_postgresql():
        pytest.skip("ranking is ts_rank, PostgreSQL's")
    EventFactory(slug="mentions-once", name="Annual forum", summary="Some words, and one mention of vaccines.")
    EventFactory(slug="about-vaccines", name="Vaccines forum", theme="Vaccines", summary="Vaccines, vaccines.")
    assert found(api, "events", "vaccines") == ["about-vaccines", "mentions-once"]
    assert found(api, "events", "vaccines", ordering="name") == ["mentions-once", "about-vaccines"]


def test_sources_are_searched_in_their_text(api):
    SourceDocumentFactory(key="zone.txt", title="Conference opens", text="It opened in the Chengdu High tech Zone.")
    SourceDocumentFactory(key="other.txt", title="Zone news", text="Nothing about the city.")
    response = api.get("/api/v1/sources/", {"text": '"Chengdu High tech Zone"'})
    assert [row["key"] for row in response.json()["results"]] == ["zone.txt"]
    assert found(api, "sources", "zzyzx") == []


@pytest.mark.parametrize(
    ("text", "problem"), [("x" * 201, "at most 200 characters"), ("cmg\x00901", "Null characters are not allowed")]
)
def test_bad_text_names_the_parameter(api, text, problem):
    response = api.get("/api/v1/deals/", {"text": text})
    assert response.status_code == 400
    assert problem in " ".join(response.json()["text"])


def test_nothing_to_search_for_finds_nothing_rather_than_fail(api, deals):
    if on_postgresql():
        assert found(api, "deals", "the of") == [], "stop words alone"
    assert found(api, "deals", '""') == [], "an empty phrase"
    assert found(api, "deals", "-") == []


def test_the_text_filter_is_in_the_schema(api):
    schema = api.get("/api/v1/schema/", {"format": "json"}).json()
    for path in ("/api/v1/events/", "/api/v1/deals/", "/api/v1/sources/"):
        names = {parameter["name"] for parameter in schema["paths"][path]["get"]["parameters"]}
        assert "text" in names, path


@pytest.mark.parametrize(
    ("endpoint", "table", "fields"),
    [("events", "event", filters.EVENT_TEXT_FIELDS), ("deals", "deal", filters.DEAL_TEXT_FIELDS)],
)
def test_the_full_text_index_serves_the_filter_on_postgresql(api, endpoint, table, fields):
    """The index is on an expression: a filter whose expression drifted from it would scan the table."""
    if not on_postgresql():
        pytest.skip("full-text indexes are PostgreSQL's")
    with CaptureQueriesContext(connection) as captured:
        assert api.get(f"/api/v1/{endpoint}/", {"text": "vaccines"}).status_code == 200
    searched = [query["sql"] for query in captured.captured_queries if "@@" in query["sql"]]
    assert searched
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for sql in searched:
            cursor.execute(f"EXPLAIN {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert f"{table}_text_search" in plan, f"{endpoint}: not served by the full-text index\n{sql}\n{plan}"
