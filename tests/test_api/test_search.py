"""`?search=` (CatalogueSearchFilter): one of a record's names holds every word; typos on PostgreSQL; best first."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from biotech_events.api import filters
from biotech_events.models import Alias
from tests.factories import CompanyFactory, DealFactory, EventFactory, OrganizerFactory, ParkFactory, PersonFactory

pytestmark = pytest.mark.django_db


def found(api, endpoint, search, **params):
    """The slugs a search lists, in order; no record may appear twice and the count must agree."""
    response = api.get(f"/api/v1/{endpoint}/", {"search": search, "page_size": 500, **params})
    assert response.status_code == 200, response.content
    body = response.json()
    slugs = [row["slug"] for row in body["results"]]
    assert len(slugs) == len(set(slugs)), f"a record appears twice: {slugs}"
    assert body["count"] == len(slugs)
    return slugs


def on_postgresql():
    return connection.vendor == "postgresql"


def require_postgresql():
    if not on_postgresql():
        pytest.skip("typo tolerance and trigram indexes are PostgreSQL's; SQLite matches plainly")


@pytest.fixture
def chengbo():
    company = CompanyFactory(name="Hangzhou Chengbo Capital", slug="hangzhou-chengbo-capital")
    Alias.objects.create(company=company, name="诚博资本", kind="chinese")
    Alias.objects.create(company=company, name="HZCB Partners", kind="abbreviation")
    return company


def test_an_alias_alone_finds_its_record(api, chengbo):
    CompanyFactory(name="Hangzhou Other Capital")
    assert found(api, "companies", "诚博资本") == [chengbo.slug]
    assert found(api, "companies", "hzcb PARTNERS") == [chengbo.slug], "case does not matter"
    assert found(api, "companies", "诚博") == [chengbo.slug], "a part of an alias is enough"


def test_a_word_too_short_for_a_trigram_must_begin_a_word_on_postgresql(api, chengbo):
    require_postgresql()
    azure = CompanyFactory(name="Azure Biotech")
    CompanyFactory(name="Bazhou Pharma")
    assert found(api, "companies", "az") == [azure.slug], "not inside Bazhou"
    assert found(api, "companies", "博资") == [], "not inside 诚博资本"
    person = PersonFactory(name="Chen Pan", name_zh="潘晨")
    assert found(api, "people", "潘晨") == [person.slug]


def test_words_without_two_letters_in_a_row_are_left_out(api, chengbo):
    assert found(api, "companies", "Chengbo & a") == [chengbo.slug]
    assert found(api, "companies", "% -") == []


def test_every_word_must_be_in_one_of_the_names(api, chengbo):
    assert found(api, "companies", "capital HANGZHOU chengbo") == [chengbo.slug], "in any order"
    assert found(api, "companies", "Chengbo Zzyzx") == [], "every word is needed"
    # One word from the name, one from an alias: two names, neither holding both.
    assert found(api, "companies", "Chengbo Partners") == []


def test_a_records_own_fields_are_searched_together(api):
    forum = EventFactory(name="Synthetic Biology Forum", city="Chengdu")
    EventFactory(name="Synthetic Biology Forum", city="Shanghai")
    assert found(api, "events", "chengdu synthetic") == [forum.slug]
    person = PersonFactory(name="Chen Pan", family_name="Pan", given_name="Chen", name_zh="潘晨")
    PersonFactory(name="Chen Dong", family_name="Chen", given_name="Dong", name_zh="陈东")
    assert found(api, "people", "潘晨 Chen") == [person.slug]


def test_a_slug_matches_only_whole(api, chengbo):
    deal = DealFactory(title="Licence of CMG901", slug="konoya-astrazeneca-cmg901-licence")
    assert found(api, "companies", "hangzhou-chengbo-capital") == [chengbo.slug]
    # Not as part of the slug; PostgreSQL finds it by similarity, pg_trgm reading the hyphen as a space.
    assert found(api, "companies", "hangzhou-chengbo") == ([chengbo.slug] if on_postgresql() else [])
    assert found(api, "deals", "konoya-astrazeneca-cmg901-licence") == [deal.slug]
    assert found(api, "deals", "konoya") == [], "a slug's part is no match (the title's would be)"


def test_a_record_found_by_several_names_is_listed_once(api):
    company = CompanyFactory(name="Chengbo Biologics")
    for alias in ("Chengbo Bio", "Shanghai Chengbo Biologics Co., Ltd.", "Chengbo CDMO"):
        Alias.objects.create(company=company, name=alias)
    other = CompanyFactory(name="Beijing Chengbo Biosciences")
    assert sorted(found(api, "companies", "Chengbo")) == sorted([company.slug, other.slug])
    park = ParkFactory(name="Wuxi Huishan Park")
    Alias.objects.create(park=park, name="Huishan Economic Development Zone")
    assert found(api, "parks", "huishan") == [park.slug]


def test_best_matches_come_first_unless_an_ordering_is_asked_for(api):
    contains = CompanyFactory(name="Beijing Chengbo Biosciences")
    starts = CompanyFactory(name="Chengbo Biologics")
    equal = CompanyFactory(name="Chengbo")
    assert found(api, "companies", "chengbo") == [equal.slug, starts.slug, contains.slug]
    assert found(api, "companies", "chengbo", ordering="name") == [contains.slug, equal.slug, starts.slug]
    astrazeneca = CompanyFactory(name="AstraZeneca")
    Alias.objects.create(company=astrazeneca, name="AZ")
    azure = CompanyFactory(name="Azure Biotech")
    assert found(api, "companies", "az") == [astrazeneca.slug, azure.slug], "an alias equal to the search"


def test_cursor_mode_keeps_its_own_order(api):
    equal = CompanyFactory(name="Chengbo")
    starts = CompanyFactory(name="Chengbo Biologics")
    contains = CompanyFactory(name="Beijing Chengbo Biosciences")
    response = api.get("/api/v1/companies/", {"search": "chengbo", "cursor": ""})
    assert response.status_code == 200, response.content
    assert [row["slug"] for row in response.json()["results"]] == [contains.slug, starts.slug, equal.slug]


def test_a_search_too_broad_to_rank_keeps_the_lists_usual_order(api, monkeypatch):
    monkeypatch.setattr(filters, "RANKED_AT_MOST", 2)
    contains = CompanyFactory(name="Beijing Chengbo Biosciences")
    starts = CompanyFactory(name="Chengbo Biologics")
    equal = CompanyFactory(name="Chengbo")
    assert found(api, "companies", "chengbo") == [contains.slug, equal.slug, starts.slug]
    assert found(api, "companies", "chengbo bio") == [starts.slug, contains.slug], "two are ranked"


def test_a_broad_search_tested_row_by_row_finds_the_same_records_on_postgresql(api, chengbo, monkeypatch):
    require_postgresql()
    biologics = CompanyFactory(name="Chengbo Biologics")
    Alias.objects.create(company=biologics, name="Chengbo Bio")
    Alias.objects.create(company=biologics, name="Chengbo CDMO")
    CompanyFactory(name="Guangbo Capital")
    searches = ["chengbo", "诚博资本", "Chengbo Capitel", "cdmo"]
    gathered = {search: found(api, "companies", search, ordering="name") for search in searches}
    monkeypatch.setattr(filters, "STREAMED_FROM", 1)
    for search in searches:
        gathering = re.compile(r"\bUNION\b(?! ALL)")  # the semi-join's (counting and probing use UNION ALL)
        assert not any(gathering.search(sql) for sql in search_queries(api, "companies", search)), search
        assert found(api, "companies", search, ordering="name") == gathered[search], search
    assert gathered["cdmo"] == [biologics.slug]


def test_ties_keep_the_lists_usual_order(api):
    names = ["Zhongshan Capital", "Anhui Capital", "Minhang Capital"]
    for name in names:
        CompanyFactory(name=name)
    listed = [row["name"] for row in api.get("/api/v1/companies/", {"search": "capital"}).json()["results"]]
    assert listed == sorted(names)


def test_a_one_letter_misspelling_finds_the_name_on_postgresql(api, chengbo):
    require_postgresql()
    CompanyFactory(name="Guangbo Capital")
    united = CompanyFactory(name="United Imaging Healthcare")
    Alias.objects.create(company=united, name="Lianying Medical")
    assert found(api, "companies", "Hangahou Chengbo Capital")[0] == chengbo.slug
    assert found(api, "companies", "Chengbo Capitel") == [chengbo.slug]
    assert found(api, "companies", "Lianyimg") == [united.slug], "through an alias"
    person = PersonFactory(name="Akira Fujishima")
    assert found(api, "people", "Fujishma") == [person.slug]


def test_a_misspelling_that_a_name_contains_is_taken_as_typed(api, chengbo):
    require_postgresql()
    labs = CompanyFactory(name="Hangahou Labs")
    assert found(api, "companies", "Hangahou") == [labs.slug]


def test_sqlite_matches_plainly(api, chengbo):
    if on_postgresql():
        pytest.skip("SQLite's fallback")
    assert found(api, "companies", "Hangahou Chengbo Capital") == []
    assert found(api, "companies", "Hangzhou Chengbo Capital") == [chengbo.slug]


def search_queries(api, endpoint, search):
    with CaptureQueriesContext(connection) as captured:
        response = api.get(f"/api/v1/{endpoint}/", {"search": search})
    assert response.status_code == 200, response.content
    return [query["sql"] for query in captured.captured_queries]


def test_the_queries_do_not_grow_with_the_words(api, chengbo):
    one = len(search_queries(api, "companies", "Chengbo"))
    assert len(search_queries(api, "companies", "Hangzhou Chengbo Capital Hangzhou")) == one
    if on_postgresql():
        # Found nothing as typed: one probe says which words are misspelt, and the matches are counted anew.
        misspelt = len(search_queries(api, "companies", "Hangzhou Chengbo Capitel Hangzhou"))
        assert misspelt == one + 2
        assert len(search_queries(api, "companies", "Hangzhuo Chengbo Capitel Hangzhou")) == misspelt


def test_a_narrow_search_looks_its_names_up_once_and_then_reads_by_id(api, chengbo):
    """The count, the page and the ranking reuse the few ids found, rather than repeating the text search."""
    require_postgresql()
    searching = re.compile(r"LIKE UPPER\('%|%>")  # a substring or a similar word, not the ranking's prefix test
    for search in ("Hangzhou Chengbo", "Hangzhou Chengbx"):
        queries = search_queries(api, "companies", search)
        text_searches = [sql for sql in queries if searching.search(sql)]
        misspelt = search.endswith("x")
        assert len(text_searches) == (3 if misspelt else 1), "\n".join(text_searches)
        page = next(sql for sql in queries if "ORDER BY" in sql and '"biotech_events_company"."slug"' in sql)
        assert not searching.search(page)


SEARCHED_TABLES = [
    ("companies", "company", "Hangzhou Chengbo"),
    ("organizers", "organizer", "Administrative Committee"),
    ("people", "person", "Fujishima Akira"),
    ("parks", "park", "Huishan Park"),
    ("events", "event", "Chengdu Synthetic"),
    ("deals", "deal", "Licence CMG901"),
]


@pytest.mark.parametrize(("endpoint", "table", "words"), SEARCHED_TABLES)
@pytest.mark.parametrize("misspell", [False, True], ids=["typed", "misspelt"])
def test_every_searched_column_is_served_by_an_index_on_postgresql(api, endpoint, table, words, misspell):
    """With sequential scans priced out, a predicate no index can serve still shows as a Seq Scan."""
    require_postgresql()
    factories = {
        "company": CompanyFactory,
        "organizer": OrganizerFactory,
        "person": PersonFactory,
        "park": ParkFactory,
        "event": EventFactory,
    }
    if table == "deal":
        DealFactory(title="Licence of CMG901")
    else:
        factories[table](name=words)
    # A misspelt word alone: beside a typed one, the planner may filter by it rather than look it up.
    search = words.split()[-1][:-1] + "x" if misspell else words
    searching = re.compile(r" LIKE |%>")
    searched = [sql for sql in search_queries(api, endpoint, search) if searching.search(sql)]
    # The ids as typed; when a word is misspelt, also the probe for it and the ids by similarity.
    assert len(searched) >= (3 if misspell else 1), "the search ran fewer queries than expected"
    scanned = re.compile(rf"Seq Scan on biotech_events_({table}|alias)\b")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for sql in searched:
            cursor.execute(f"EXPLAIN {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert not scanned.search(plan), f"{endpoint}: a searched column has no index\n{sql}\n{plan}"
