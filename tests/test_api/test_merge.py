"""POST /<id>/merge/ merges duplicates; their old URLs and slugs answer 301 to the survivor."""

import pytest

from biotech_events.models import Company, Deal, DealParty, Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def duplicate(seeded):
    dup = Company.objects.create(name="Astra Zeneca", slug="astra-zeneca", kind="biotech")
    deal = Deal.objects.create(title="Dup's deal", slug="dups-deal", kind="cooperation")
    DealParty.objects.create(deal=deal, company=dup, role="partner")
    return dup


def test_a_permitted_user_merges_through_the_api(duplicate, client_with, api):
    client = client_with("change_company", "delete_company")
    response = client.post(
        "/api/v1/companies/astrazeneca/merge/",
        {"others": ["astra-zeneca"], "fields": {"kind": "pharma"}},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["slug"] == "astrazeneca"
    assert "Astra Zeneca" in [alias["name"] for alias in body["aliases"]]
    assert any(d["deal"]["display"] == "Dup's deal" for d in body["deals"])
    survivor = Company.objects.get(slug="astrazeneca")

    by_id = api.get(f"/api/v1/companies/{duplicate.pk}/")
    assert by_id.status_code == 301
    assert by_id["Location"] == f"http://testserver/api/v1/companies/{survivor.pk}/"
    by_slug = api.get("/api/v1/companies/astra-zeneca/history/?page=1")
    assert by_slug.status_code == 301
    assert by_slug["Location"] == f"http://testserver/api/v1/companies/{survivor.pk}/history/?page=1"
    assert api.get(by_id["Location"]).status_code == 200


@pytest.mark.parametrize("permissions", [(), ("change_company",), ("delete_company",)])
def test_merging_needs_change_and_delete_permission(duplicate, client_with, permissions):
    response = client_with(*permissions).post(
        "/api/v1/companies/astrazeneca/merge/", {"others": ["astra-zeneca"]}, format="json"
    )
    assert response.status_code == 403
    assert Company.objects.filter(pk=duplicate.pk).exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"others": []}, "others"),
        ({"others": ["no-such-company"]}, "others"),
        ({"others": ["astra-zeneca"], "fields": {"kind": "diagnostics"}}, "kind"),
        ({"others": ["astra-zeneca"], "fields": {"colour": "red"}}, "fields"),
    ],
)
def test_bad_merge_requests_name_the_problem_and_change_nothing(duplicate, client_with, payload, field):
    response = client_with("change_company", "delete_company").post(
        "/api/v1/companies/astrazeneca/merge/", payload, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert Company.objects.filter(pk=duplicate.pk).exists()


def test_people_and_organizers_and_parks_are_mergeable_too(seeded, client_with):
    dup = Person.objects.create(name="Chen DONG", slug="chen-dong-2")
    response = client_with("change_person", "delete_person").post(
        "/api/v1/people/chen-dong/merge/", {"others": [dup.pk]}, format="json"
    )
    assert response.status_code == 200
    assert not Person.objects.filter(pk=dup.pk).exists()
