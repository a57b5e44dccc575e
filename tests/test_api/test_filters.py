"""Each filter narrows the seeded catalogue correctly; several values mean "any"; no record appears twice."""

import pytest

from biotech_events.models import Company, Deal, Event, ParkRanking, Person
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

CBIC = "2023-china-biotechnology-innovation-conference"
COMPREHENSIVE = "2022-china-biopharmaceutical-park-competitiveness-ranking-comprehensive"


def slugs(api, endpoint, **params):
    response = api.get(f"/api/v1/{endpoint}/", {"page_size": 500, **params})
    assert response.status_code == 200, response.json()
    results = response.json()["results"]
    assert response.json()["count"] == len(results)
    found = [row.get("slug") or row["id"] for row in results]
    assert len(found) == len(set(found)), f"a record appears twice: {found}"
    return set(found)


def test_events_by_kind_one_or_several(seeded, api):
    side_meetings = slugs(api, "events", kind="side_meeting")
    panels = slugs(api, "events", kind="panel")
    assert side_meetings and panels
    assert slugs(api, "events", kind=["side_meeting", "panel"]) == side_meetings | panels
    assert side_meetings == set(Event.objects.filter(kind="side_meeting").values_list("slug", flat=True))


def test_events_by_city_and_date_range_and_year(seeded, api):
    assert CBIC in slugs(api, "events", city="chengdu")
    october = slugs(api, "events", start_date_after="2023-10-01", start_date_before="2023-10-31")
    assert CBIC in october
    assert "2023-international-forum-on-life-science" not in october
    in_2022 = slugs(api, "events", year=2022)
    assert "international-biopharma-industry-week-shanghai-2022" in in_2022
    assert CBIC not in in_2022


def test_events_by_parent_and_top_level(seeded, api):
    children = slugs(api, "events", parent=CBIC)
    assert children == set(Event.objects.filter(parent__slug=CBIC).values_list("slug", flat=True))
    top = slugs(api, "events", top_level="true")
    assert CBIC in top and not (top & children)
    assert slugs(api, "events", top_level="false") == set(
        Event.objects.exclude(parent=None).values_list("slug", flat=True)
    )


def test_events_by_organizer_company_person_and_park(seeded, api):
    assert CBIC in slugs(api, "events", organizer="china-biotechnology-development-center")
    co_hosted = slugs(api, "events", company="zhangjiang-group")
    assert "international-biopharma-industry-week-shanghai-2022" in co_hosted, "a co-hosting company counts"
    by_person = slugs(api, "events", person="chen-dong")
    assert by_person == set(Event.objects.filter(participants__person__slug="chen-dong").values_list("slug", flat=True))
    assert len(by_person) >= 2, "Chen Dong took part in events of two articles"
    assert CBIC in slugs(api, "events", park="chengdu-high-tech-zone")


def test_related_filters_accept_ids_and_slugs_alike(seeded, api):
    company = Company.objects.get(slug="astrazeneca")
    assert slugs(api, "events", company=company.pk) == slugs(api, "events", company="astrazeneca")


def test_deals_by_kind_event_party_currency_amount_year_and_asset(seeded, api):
    assert slugs(api, "deals", kind="licensing") == {"konoya-astrazeneca-cmg901-licence"}
    assert "konoya-astrazeneca-cmg901-licence" in slugs(api, "deals", party="astrazeneca")
    assert "konoya-astrazeneca-cmg901-licence" in slugs(api, "deals", party="konoya")
    night = "beijing-economic-development-zone-night-of-cooperation-18-projects"
    assert night in slugs(api, "deals", party="beijing-economic-development-zone"), "an organizer can be the party"
    assert slugs(api, "deals", currency="cny") == set(
        Deal.objects.filter(currency="CNY").values_list("slug", flat=True)
    )
    assert slugs(api, "deals", amount_min="2000000000", currency="CNY") == {night}
    assert slugs(api, "deals", amount_max="2000000000") == {"konoya-astrazeneca-cmg901-licence"}
    assert slugs(api, "deals", asset="cmg901") == {"konoya-astrazeneca-cmg901-licence"}
    at_cbic = slugs(api, "deals", event=CBIC)
    assert at_cbic == set(Deal.objects.filter(event__slug=CBIC).values_list("slug", flat=True))
    assert slugs(api, "deals", kind=["licensing", "joint_laboratory"]) == {
        "konoya-astrazeneca-cmg901-licence",
        "chengdu-high-tech-zone-griffith-university-vaccine-joint-laboratory",
    }
    dated = Deal.objects.exclude(date=None).first()
    if dated:
        assert dated.slug in slugs(api, "deals", year=dated.date.year)


def test_companies_by_kind_city_country_and_event(seeded, api):
    pharma = slugs(api, "companies", kind="pharma")
    assert "astrazeneca" in pharma and "beigene" not in pharma
    at_ibiws = slugs(api, "companies", event="international-biopharma-industry-week-shanghai-2022")
    assert {"zhangjiang-group", "united-imaging-healthcare"} <= at_ibiws
    for company in Company.objects.exclude(hq_city=""):
        assert company.slug in slugs(api, "companies", city=company.hq_city)
    for company in Company.objects.exclude(hq_country=""):
        assert company.slug in slugs(api, "companies", country=company.hq_country.lower())


def test_people_by_event_and_affiliation(seeded, api):
    assert "deng-zixin" in slugs(api, "people", event=CBIC)
    ceremony = Event.objects.get(parent__slug=CBIC, kind="opening_ceremony")
    assert "chen-dong" in slugs(api, "people", event=ceremony.slug)
    assert "chen-dong" not in slugs(api, "people", event=CBIC), "the keynote was at the ceremony, a sub-event"
    assert "min-xue" in slugs(api, "people", affiliation="united-imaging-healthcare")
    assert "chen-dong" not in slugs(api, "people", affiliation="united-imaging-healthcare")


def test_park_rankings_by_ranking_year_category_and_park(seeded, api):
    entries = ParkRanking.objects.filter(ranking__slug=COMPREHENSIVE)
    ids = set(entries.values_list("id", flat=True))
    assert slugs(api, "park-rankings", ranking=COMPREHENSIVE) == ids
    assert slugs(api, "park-rankings", year=2022, category="comprehensive") == ids
    assert slugs(api, "park-rankings", year=2021) == set()
    assert slugs(api, "park-rankings", park="suzhou-industrial-park") == set(
        entries.filter(park__slug="suzhou-industrial-park").values_list("id", flat=True)
    )


@pytest.mark.parametrize(
    ("endpoint", "spelling", "slug"),
    [
        ("people", "Dong Chen", "chen-dong"),
        ("people", "Chen DONG", "chen-dong"),
        ("companies", "Lianying Medical", "united-imaging-healthcare"),
        ("companies", "AZ", "astrazeneca"),
        ("companies", "Roche Group", "roche"),
        ("organizers", "CAS", "chinese-academy-of-sciences"),
    ],
)
def test_search_finds_the_one_record_by_any_spelling(seeded, api, endpoint, spelling, slug):
    assert slug in slugs(api, endpoint, search=spelling)


def test_every_alias_finds_its_record_through_search(seeded, api):
    from biotech_events.models import Alias

    for alias in Alias.objects.select_related("organizer", "company", "person", "park"):
        target = alias.organizer or alias.company or alias.person or alias.park
        endpoint = {"organizer": "organizers", "company": "companies", "person": "people", "park": "parks"}[
            target._meta.model_name
        ]
        assert target.slug in slugs(api, endpoint, search=alias.name), alias.name


def test_search_finds_a_chinese_name(seeded, api):
    PersonFactory(name="Dong Chen Test", slug="dong-chen-test", name_zh="董晨")
    assert slugs(api, "people", search="董晨") == {"dong-chen-test"}


def test_ordering_by_natural_fields(seeded, api):
    names = [
        row["name"] for row in api.get("/api/v1/companies/", {"ordering": "-name", "page_size": 500}).json()["results"]
    ]
    assert names == sorted(names, reverse=True)
    dates = [
        row["start_date"]
        for row in api.get("/api/v1/events/", {"ordering": "start_date", "year": 2023, "page_size": 500}).json()[
            "results"
        ]
    ]
    assert dates == sorted(dates)
    assert Person.objects.count() == api.get("/api/v1/people/", {"ordering": "family_name"}).json()["count"]


@pytest.mark.parametrize(
    ("endpoint", "misspelling", "slug"),
    [
        ("companies", "Astrazeneka", "astrazeneca"),
        ("companies", "Lianyin Medical", "united-imaging-healthcare"),
        ("people", "Fujishma", "akira-fujishima"),
        ("deals", "licensng CMG901", "konoya-astrazeneca-cmg901-licence"),
    ],
)
def test_search_tolerates_a_one_letter_misspelling_on_postgresql(seeded, api, endpoint, misspelling, slug):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("typo tolerance uses PostgreSQL's trigram indexes; SQLite matches plainly")
    assert slug in slugs(api, endpoint, search=misspelling)


def test_search_does_not_match_what_is_not_there(seeded, api):
    assert slugs(api, "companies", search="Zzyzx Quantum") == set()
