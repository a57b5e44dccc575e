"""No lost updates through the API: the ETag is the record's version; If-Match makes writes conditional."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from biotech_events.api.endpoints import ENDPOINTS
from biotech_events.models import Event, Organizer, ParkRanking
from biotech_events.models.base import Versioned
from tests.factories import EventFactory, OrganizerFactory
from tests.test_api.test_crud import CASES, IDS

pytestmark = pytest.mark.django_db


def etag(record):
    record.refresh_from_db(fields=["version"])
    return f'"{record.version}"'


def writer(client_with, model):
    name = model._meta.model_name
    return client_with(f"add_{name}", f"change_{name}", f"delete_{name}")


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_every_detail_response_carries_the_version_and_a_stale_one_is_refused(seeded, client_with, case):
    client = writer(client_with, case.model)
    created = client.post(case.path, case.create, format="json")
    assert created.status_code == 201, created.json()
    record = case.model.objects.get(pk=created.json()["id"])
    assert created["ETag"] == etag(record)  # nested parts written with it moved it past 1: still the stored one
    detail = f"{case.path}{record.pk}/"

    read = client.get(detail)
    assert read.status_code == 200
    assert read["ETag"] == etag(record)
    assert client.head(detail)["ETag"] == read["ETag"]

    patched = client.patch(detail, case.change, format="json", headers={"If-Match": read["ETag"]})
    assert patched.status_code == 200, patched.json()
    assert patched["ETag"] == etag(record) != read["ETag"]
    assert client.get(detail)["ETag"] == patched["ETag"]

    before = case.model.objects.filter(pk=record.pk).values().get()
    for method, data in (("patch", case.change), ("put", case.create), ("delete", None)):
        stale = getattr(client, method)(detail, data, format="json", headers={"If-Match": read["ETag"]})
        assert stale.status_code == 412, method
        body = stale.json()
        assert body["current_version"] == record.version
        assert body["etag"] == stale["ETag"] == patched["ETag"]
        assert "changed since you read it" in body["detail"]
        assert case.model.objects.filter(pk=record.pk).values().get() == before, f"a stale {method} wrote"

    deleted = client.delete(detail, headers={"If-Match": patched["ETag"]})
    assert deleted.status_code == 204
    assert not case.model.objects.filter(pk=record.pk).exists()


def test_lists_carry_no_etag_and_reads_do_not_move_the_version(seeded, api):
    organizer = Organizer.objects.order_by("pk").first()
    version = organizer.version
    assert "ETag" not in api.get("/api/v1/organizers/")
    api.get(f"/api/v1/organizers/{organizer.pk}/")
    api.get(f"/api/v1/organizers/{organizer.slug}/?format=jsonld")
    organizer.refresh_from_db()
    assert organizer.version == version


@pytest.mark.parametrize(
    ("if_match", "allowed"),
    [
        ("*", True),
        ('"1", "{current}"', True),
        ('W/"{current}"', True),  # a compressing proxy may weaken the tag; it still names the version
        ('"{stale}"', False),
        ("{current}", False),  # unquoted: not an entity tag
        ("", False),
    ],
)
def test_if_match_forms(client_with, if_match, allowed):
    organizer = OrganizerFactory()
    organizer.save()
    organizer.save()
    current = organizer.version
    client = writer(client_with, Organizer)
    value = if_match.format(current=current, stale=current - 1)
    response = client.patch(
        f"/api/v1/organizers/{organizer.pk}/", {"city": "Wuhan"}, format="json", headers={"If-Match": value}
    )
    assert response.status_code == (200 if allowed else 412), response.json()
    organizer.refresh_from_db()
    assert (organizer.city == "Wuhan") is allowed
    if not allowed and not value.startswith('"'):
        assert f'"{current}"' in response.json()["detail"]  # says what a valid If-Match looks like


def test_a_write_without_if_match_is_allowed(client_with):
    organizer = OrganizerFactory()
    response = writer(client_with, Organizer).patch(f"/api/v1/organizers/{organizer.pk}/", {"city": "Hefei"})
    assert response.status_code == 200
    assert response["ETag"] == '"2"'


def test_the_version_is_checked_only_after_permissions(client_with, api):
    organizer = OrganizerFactory()
    stale = {"If-Match": '"99"'}
    assert api.patch(f"/api/v1/organizers/{organizer.pk}/", {"city": "X"}, headers=stale).status_code == 401
    reader = client_with()
    assert reader.patch(f"/api/v1/organizers/{organizer.pk}/", {"city": "X"}, headers=stale).status_code == 403


def test_a_refused_write_is_not_a_validation_error_first(client_with):
    """The precondition is evaluated before the body: a stale write with bad data answers 412, not 400."""
    organizer = OrganizerFactory()
    response = writer(client_with, Organizer).patch(
        f"/api/v1/organizers/{organizer.pk}/", {"kind": "no-such-kind"}, format="json", headers={"If-Match": '"7"'}
    )
    assert response.status_code == 412


def test_writing_a_part_through_its_own_endpoint_moves_its_owner_on(seeded, client_with):
    """A ranking shows its entries: a stale PUT of the ranking must not undo an entry edited on its own."""
    entry = ParkRanking.objects.order_by("pk").first()
    ranking = entry.ranking
    client = client_with("change_rankinglist", "change_parkranking")
    ranking_tag = client.get(f"/api/v1/rankings/{ranking.pk}/")["ETag"]
    entry_tag = client.get(f"/api/v1/park-rankings/{entry.pk}/")["ETag"]

    edited = client.patch(
        f"/api/v1/park-rankings/{entry.pk}/", {"rank_stated": "joint first"}, headers={"If-Match": entry_tag}
    )
    assert edited.status_code == 200
    assert client.get(f"/api/v1/rankings/{ranking.pk}/")["ETag"] != ranking_tag

    whole = client.get(f"/api/v1/rankings/{ranking.pk}/").json()
    stale_put = client.put(f"/api/v1/rankings/{ranking.pk}/", whole, format="json", headers={"If-Match": ranking_tag})
    assert stale_put.status_code == 412
    entry.refresh_from_db()
    assert entry.rank_stated == "joint first"


def test_a_nested_write_moves_the_parent_on_and_its_etag_is_the_stored_version(seeded, client_with):
    event = Event.objects.filter(participants__isnull=False).order_by("pk").first()
    client = writer(client_with, Event)
    read = client.get(f"/api/v1/events/{event.pk}/")
    body = read.json()
    body["participants"] = body["participants"][:1]  # one role kept, the others removed
    response = client.put(f"/api/v1/events/{event.pk}/", body, format="json", headers={"If-Match": read["ETag"]})
    assert response.status_code == 200, response.json()
    assert response["ETag"] == etag(event) != read["ETag"]
    assert event.participants.count() == 1


def test_a_part_deleted_or_moved_elsewhere_moves_its_owners_on():
    first, second = EventFactory(), EventFactory()
    organizer = OrganizerFactory()
    role = first.organizer_roles.create(organizer=organizer, role="host")
    before = {event.pk: etag(event) for event in (first, second)}
    role.event = second
    role.save()
    assert etag(first) != before[first.pk] and etag(second) != before[second.pk]
    moved = etag(second)
    Event.objects.get(pk=second.pk).organizer_roles.all().delete()  # in bulk, too
    assert etag(second) != moved


def test_versions_are_never_reused_after_a_restore():
    from biotech_events.services.history import restore_deleted

    organizer = OrganizerFactory()
    for city in ("A", "B", "C"):
        organizer.city = city
        organizer.save()
    last, pk = organizer.version, organizer.pk
    organizer.delete()
    restored = restore_deleted(Organizer, pk)
    assert restored.version == last + 1


def test_loaddata_over_a_stored_record_still_moves_its_version_on(tmp_path):
    from django.core.management import call_command

    organizer = OrganizerFactory()
    organizer.save()
    fixture = tmp_path / "organizer.json"
    fixture.write_text(
        f'[{{"model": "biotech_events.organizer", "pk": {organizer.pk}, "fields": '
        f'{{"slug": "{organizer.slug}", "name": "Renamed", "kind": "government", "version": 1}}}}]'
    )
    call_command("loaddata", str(fixture), verbosity=0)
    organizer.refresh_from_db()
    assert (organizer.name, organizer.version) == ("Renamed", 3)


def test_the_schema_documents_etag_if_match_and_412():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for segment, _ in ENDPOINTS.values():
        detail = schema["paths"][f"/api/v1/{segment}/{{id}}/"]
        assert "ETag" in detail["get"]["responses"]["200"]["headers"]
        assert "ETag" in schema["paths"][f"/api/v1/{segment}/"]["post"]["responses"]["201"]["headers"]
        for method in ("put", "patch", "delete"):
            operation = detail[method]
            assert "If-Match" in {p["name"] for p in operation["parameters"] if p["in"] == "header"}, method
            refused = operation["responses"]["412"]
            assert refused["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/PreconditionFailed"
            }
            assert "ETag" in refused["headers"]
    assert set(schema["components"]["schemas"]["PreconditionFailed"]["properties"]) == {
        "detail",
        "current_version",
        "etag",
    }


def test_every_model_with_an_endpoint_is_versioned():
    assert all(issubclass(model, Versioned) for model in ENDPOINTS)
