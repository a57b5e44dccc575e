"""Every endpoint: read for anyone; create, update, partial update and delete only with the model permission."""

from dataclasses import dataclass, field

import pytest
from django.db.models import Model

from biotech_events.api.endpoints import ENDPOINTS
from biotech_events.models import (
    Company,
    Deal,
    Event,
    Organizer,
    Park,
    ParkRanking,
    Person,
    RankingList,
    Report,
    SourceDocument,
)
from tests.test_api.conftest import SOURCE_000

pytestmark = pytest.mark.django_db

CITED = [{"source": SOURCE_000, "quote": "Chengdu High tech Zone"}]


@dataclass
class Case:
    model: type[Model]
    create: dict
    change: dict  # a partial update; each value is checked in the database afterwards
    stored: dict = field(default_factory=dict)  # how `change` reads back from the model, where it differs

    @property
    def path(self):
        return f"/api/v1/{ENDPOINTS[self.model][0]}/"

    @property
    def codename(self):
        return self.model._meta.model_name


CASES = [
    Case(
        Event,
        {
            "name": "API Test Forum",
            "slug": "api-test-forum",
            "kind": "forum",
            "parent": "2023-china-biotechnology-innovation-conference",
            "start_date": "2023-10-20",
            "start_date_precision": "day",
            "organizers": [{"role": "host", "organizer": "chinese-academy-of-sciences", "citations": CITED}],
            "participants": [{"person": "chen-dong", "role": "speaker", "talk_title": "Immunology"}],
            "companies": [{"company": "astrazeneca", "role": "attendee"}],
            "attendance": [{"audience": "experts", "count": 300, "qualifier": "over", "stated": "over 300 experts"}],
            "citations": CITED,
        },
        {"city": "Chongqing"},
    ),
    Case(
        Organizer,
        {
            "name": "API Test Commission",
            "slug": "api-test-commission",
            "kind": "government",
            "country": "CN",
            "aliases": [{"name": "ATC", "kind": "abbreviation"}],
            "citations": CITED,
        },
        {"city": "Beijing"},
    ),
    Case(
        Company,
        {
            "name": "API Pharma",
            "slug": "api-pharma",
            "kind": "pharma",
            "aliases": [{"name": "Olin Biotech", "source": SOURCE_000}],
            "citations": CITED,
        },
        {"hq_city": "Suzhou", "hq_country": "CN"},
    ),
    Case(
        Person,
        {
            "name": "Test Person",
            "slug": "test-person",
            "family_name": "Person",
            "given_name": "Test",
            "name_order": "given_first",
            "honours": [{"kind": "academician", "title": "Academician", "awarded_by": "chinese-academy-of-sciences"}],
            "affiliations": [{"company": "astrazeneca", "position": "Scientist"}],
            "citations": CITED,
        },
        {"name_zh": "测试"},
    ),
    Case(
        Deal,
        {
            "title": "API cooperation",
            "slug": "api-cooperation",
            "kind": "cooperation",
            "event": "2023-china-biotechnology-innovation-conference",
            "amount": "100.00",
            "currency": "CNY",
            "amount_qualifier": "exact",
            "amount_stated": "100 yuan",
            "parties": [
                {"role": "partner", "company": "astrazeneca"},
                {"role": "partner", "organizer": "chinese-academy-of-sciences"},
            ],
            "citations": CITED,
        },
        {"amount_usd": "14.00"},
        {"amount_usd": __import__("decimal").Decimal("14.00")},
    ),
    Case(
        Park,
        {"name": "API Park", "slug": "api-park", "kind": "industrial_park", "city": "Suzhou", "citations": CITED},
        {"district": "Wuzhong"},
    ),
    Case(
        RankingList,
        {
            "name": "API ranking",
            "slug": "api-ranking",
            "year": 2022,
            "category": "comprehensive",
            "entries": [{"park": "suzhou-industrial-park", "rank": 1}],
            "citations": CITED,
        },
        {"dimension": "innovation"},
    ),
    Case(
        ParkRanking,
        {
            "ranking": "2022-china-biopharmaceutical-park-competitiveness-ranking-comprehensive",
            "park": "zhongguancun-life-science-park",
            "citations": CITED,
        },
        {"rank_stated": "listed"},
    ),
    Case(Report, {"title": "API report", "slug": "api-report", "year": 2023, "citations": CITED}, {"year": 2024}),
    Case(
        SourceDocument,
        {"key": "api-source.txt", "title": "API source", "text": "An article about AstraZeneca."},
        {"outlet": "Test outlet"},
    ),
]
IDS = [case.codename for case in CASES]


def test_every_endpoint_has_a_case():
    assert {case.model for case in CASES} == set(ENDPOINTS)


def test_the_root_lists_every_endpoint(api):
    response = api.get("/api/v1/")
    assert response.status_code == 200
    assert set(response.json()) == {segment for segment, _ in ENDPOINTS.values()}


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_anyone_can_list_and_read_by_id_or_slug(seeded, api, case):
    listing = api.get(case.path, {"page_size": 500})
    assert listing.status_code == 200
    assert listing.json()["count"] == case.model.objects.count()
    record = case.model.objects.order_by("pk").first()
    detail = api.get(f"{case.path}{record.pk}/")
    assert detail.status_code == 200
    body = detail.json()
    assert body["id"] == record.pk
    assert body["url"].endswith(f"{case.path}{record.pk}/")
    if len(case.model.natural_key_fields) == 1:
        by_key = api.get(f"{case.path}{record.natural_key()[0]}/")
        assert by_key.status_code == 200
        assert by_key.json() == body
    assert api.get(f"{case.path}no-such-record-9/").status_code == 404


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_anonymous_clients_cannot_write(seeded, api, case):
    record = case.model.objects.order_by("pk").first()
    count = case.model.objects.count()
    detail = f"{case.path}{record.pk}/"
    for response in [
        api.post(case.path, case.create, format="json"),
        api.put(detail, case.create, format="json"),
        api.patch(detail, case.change, format="json"),
        api.delete(detail),
    ]:
        assert response.status_code == 401
        assert "credentials" in response.json()["detail"]
    assert case.model.objects.count() == count


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_users_without_the_model_permission_cannot_write(seeded, client_with, case):
    record = case.model.objects.order_by("pk").first()
    detail = f"{case.path}{record.pk}/"
    # Holding every permission but the one needed is not enough.
    creator = client_with(f"change_{case.codename}", f"delete_{case.codename}")
    assert creator.post(case.path, case.create, format="json").status_code == 403
    changer = client_with(f"add_{case.codename}", f"delete_{case.codename}")
    assert changer.patch(detail, case.change, format="json").status_code == 403
    assert changer.put(detail, case.create, format="json").status_code == 403
    deleter = client_with(f"add_{case.codename}", f"change_{case.codename}")
    assert deleter.delete(detail).status_code == 403
    assert case.model.objects.filter(pk=record.pk).exists()


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_permitted_users_create_update_and_delete(seeded, client_with, case):
    client = client_with(f"add_{case.codename}", f"change_{case.codename}", f"delete_{case.codename}")

    created = client.post(case.path, case.create, format="json")
    assert created.status_code == 201, created.json()
    record = case.model.objects.get(pk=created.json()["id"])
    for name, value in case.create.items():
        if not isinstance(value, list | dict) and name in {f.name for f in case.model._meta.concrete_fields}:
            stored = getattr(record, name)
            assert str(getattr(stored, "pk", stored)) == str(value) or getattr(stored, "natural_key", lambda: [])()[
                :1
            ] == (value,), name
    for name, items in case.create.items():
        if isinstance(items, list):
            assert created.json()[name] and len(created.json()[name]) == len(items), name

    patched = client.patch(f"{case.path}{record.pk}/", case.change, format="json")
    assert patched.status_code == 200, patched.json()
    record.refresh_from_db()
    for name, value in (case.stored or case.change).items():
        assert getattr(record, name) == value

    replaced = client.put(f"{case.path}{record.pk}/", case.create | case.change, format="json")
    assert replaced.status_code == 200, replaced.json()

    deleted = client.delete(f"{case.path}{record.pk}/")
    assert deleted.status_code == 204
    assert not case.model.objects.filter(pk=record.pk).exists()
