"""Bad input gets a 4xx JSON body naming the field and the problem, and changes nothing."""

import pytest

from biotech_events.models import Citation, Company, Deal, Event
from tests.conftest import snapshot
from tests.test_api.conftest import SOURCE_000

pytestmark = pytest.mark.django_db

EVENT = {"name": "Bad forum", "slug": "bad-forum", "kind": "forum"}
DEAL = {"title": "Bad deal", "slug": "bad-deal", "kind": "cooperation"}

BAD_WRITES = {
    "wrong type": ("events", EVENT | {"edition": "second"}, ["edition"]),
    "unknown choice": ("events", EVENT | {"kind": "rave"}, ["kind"]),
    "unknown related slug": ("events", EVENT | {"parent": "no-such-event"}, ["parent"]),
    "unknown related id": ("events", EVENT | {"park": 999999}, ["park"]),
    "related record of the wrong type": ("events", EVENT | {"park": [1, 2]}, ["park"]),
    "duplicate slug": ("events", EVENT | {"slug": "2023-china-biotechnology-innovation-conference"}, ["slug"]),
    "numeric slug": ("events", EVENT | {"slug": "2023"}, ["slug"]),
    "dates out of order": (
        "events",
        EVENT
        | {
            "start_date": "2023-10-19",
            "start_date_precision": "day",
            "end_date": "2023-10-18",
            "end_date_precision": "day",
        },
        ["end_date"],
    ),
    "date without its precision": ("events", EVENT | {"start_date": "2023-10-19"}, ["start_date_precision"]),
    "malformed date": ("events", EVENT | {"start_date": "19/10/2023", "start_date_precision": "day"}, ["start_date"]),
    "two parties in one organiser role": (
        "events",
        EVENT
        | {"organizers": [{"role": "host", "organizer": "chinese-academy-of-sciences", "company": "astrazeneca"}]},
        ["organizers"],
    ),
    "no party in a deal role": ("deals", DEAL | {"parties": [{"role": "partner"}]}, ["parties"]),
    "negative amount": ("deals", DEAL | {"amount": "-5", "currency": "CNY"}, ["amount"]),
    "negative USD figure": ("deals", DEAL | {"amount_usd": "-5"}, ["amount_usd"]),
    "unknown currency": ("deals", DEAL | {"amount": "5", "currency": "XYZ"}, ["currency"]),
    "amount without currency": ("deals", DEAL | {"amount": "5"}, ["currency"]),
    "non-numeric amount": ("deals", DEAL | {"amount": "three billion", "currency": "CNY"}, ["amount"]),
    "quote not in its source": (
        "events",
        EVENT | {"citations": [{"source": SOURCE_000, "quote": "AstraZeneca bought Chengdu"}]},
        ["citations"],
    ),
    "citation of an unknown source": (
        "events",
        EVENT | {"citations": [{"source": "999_missing.txt", "quote": "Chengdu"}]},
        ["citations"],
    ),
    "bad country code": (
        "organizers",
        {"name": "X", "slug": "x-body", "kind": "government", "country": "China"},
        ["country"],
    ),
    "missing required fields": ("companies", {}, ["name", "slug", "kind"]),
    "body that is not an object": ("companies", ["not", "an", "object"], ["non_field_errors"]),
}


@pytest.mark.parametrize(("endpoint", "payload", "fields"), BAD_WRITES.values(), ids=BAD_WRITES.keys())
def test_a_bad_write_is_a_400_naming_the_field_and_changes_nothing(seeded, client_with, endpoint, payload, fields):
    client = client_with("add_event", "add_deal", "add_organizer", "add_company")
    before = snapshot()
    response = client.post(f"/api/v1/{endpoint}/", payload, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(fields) <= set(body), body
    assert snapshot() == before


def test_a_bad_quote_is_named_down_to_the_nested_field(seeded, client_with):
    client = client_with("add_event")
    payload = EVENT | {
        "organizers": [
            {"role": "host", "organizer": "chinese-academy-of-sciences"},
            {
                "role": "co_host",
                "company": "astrazeneca",
                "citations": [{"source": SOURCE_000, "quote": "AstraZeneca hosted it"}],
            },
        ]
    }
    body = client.post("/api/v1/events/", payload, format="json").json()
    assert body["organizers"][0] == {}
    assert "does not occur verbatim" in body["organizers"][1]["citations"][0]["quote"][0]
    assert not Event.objects.filter(slug="bad-forum").exists(), "the parent is not half-written"


def test_a_failing_nested_write_rolls_back_an_update(seeded, client_with):
    client = client_with("change_deal")
    deal = Deal.objects.get(slug="konoya-astrazeneca-cmg901-licence")
    before = snapshot()
    response = client.patch(
        f"/api/v1/deals/{deal.pk}/",
        {"summary": "changed", "parties": [{"role": "licensee", "company": "astrazeneca"}, {"role": "licensor"}]},
        format="json",
    )
    assert response.status_code == 400
    assert snapshot() == before


def test_deleting_a_record_others_depend_on_is_a_409_naming_them(seeded, client_with):
    client = client_with("delete_company")
    company = Company.objects.get(slug="astrazeneca")
    response = client.delete(f"/api/v1/companies/{company.pk}/")
    assert response.status_code == 409
    assert any("licensee" in dependent or "AstraZeneca" in dependent for dependent in response.json()["dependents"])
    assert Company.objects.filter(pk=company.pk).exists()


def test_a_source_that_citations_rely_on_cannot_be_deleted(seeded, client_with):
    response = client_with("delete_sourcedocument").delete(f"/api/v1/sources/{SOURCE_000}/")
    assert response.status_code == 409
    assert Citation.objects.filter(source__key=SOURCE_000).exists()


BAD_READS = {
    "malformed year": ("events", {"year": "twenty"}, 400, "year"),
    "malformed date range": ("events", {"start_date_after": "yesterday"}, 400, "start_date"),
    "unknown kind": ("events", {"kind": "rave"}, 400, "kind"),
    "malformed boolean": ("events", {"top_level": "perhaps"}, 400, "top_level"),
    "malformed amount range": ("deals", {"amount_min": "lots"}, 400, "amount"),
    "page past the end": ("events", {"page": "999"}, 404, "page"),
    "page that is not a number": ("events", {"page": "first"}, 400, "page"),
    "page size that is not a number": ("events", {"page_size": "many"}, 400, "page_size"),
    "page size zero": ("events", {"page_size": "0"}, 400, "page_size"),
    "unknown field selected": ("events", {"fields": "name,colour"}, 400, "fields"),
}


@pytest.mark.parametrize(("endpoint", "params", "status", "field"), BAD_READS.values(), ids=BAD_READS.keys())
def test_a_bad_query_is_a_4xx_naming_the_parameter(seeded, api, endpoint, params, status, field):
    response = api.get(f"/api/v1/{endpoint}/", params)
    assert response.status_code == status
    assert any(key.startswith(field) for key in response.json()), response.json()


def test_a_page_size_above_the_maximum_is_capped(seeded, api):
    response = api.get("/api/v1/companies/", {"page_size": 5000})
    assert response.status_code == 200
    assert len(response.json()["results"]) == min(500, Company.objects.count())
