"""What the API computes (ids, URLs, display names, dates as stated, counts, checksums, relations shown
from the other side, history) cannot be set through it: a write giving them changes nothing they name."""

import hashlib

import pytest
from django.db import transaction
from django.forms.models import model_to_dict
from rest_framework import serializers
from rest_framework.relations import ManyRelatedField

from biotech_events.models import Citation, SourceDocument
from tests.conftest import snapshot
from tests.test_api.test_crud import CASES, IDS
from tests.test_security.conftest import changed_cells, database_state, viewset_of

pytestmark = pytest.mark.django_db

FORGED_NUMBER = 987654


def read_only_fields(case):
    return {name: field for name, field in viewset_of(case.model).serializer_class().fields.items() if field.read_only}


def forged_values(case, other):
    """A value for every read-only field, and for `history`, that the server must not take."""
    values = {"history": [{"history_id": FORGED_NUMBER, "type": "deleted", "changes": []}]}
    for name, field in read_only_fields(case).items():
        if isinstance(field, serializers.ListSerializer | ManyRelatedField):
            values[name] = [other.pk, {"id": other.pk}]
        elif isinstance(field, serializers.IntegerField):
            values[name] = FORGED_NUMBER
        elif name == "url":
            values[name] = f"https://forged.example{case.path}{FORGED_NUMBER}/"
        else:
            values[name] = "Forged"
    return values


def existing_cells(cells, before):
    """Changed cells of rows that existed before: what a write did to records other than the one it created."""
    existing = {(label, row["id"]) for label, rows in before.items() for row in rows}
    return {cell for cell in cells if (cell[0], cell[1]) in existing}


def test_every_endpoint_computes_id_url_and_display():
    for case in CASES:
        assert {"id", "url", "display"} <= read_only_fields(case).keys(), case.codename


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_read_only_fields_given_in_a_patch_are_ignored(seeded, token_client, case):
    client = token_client(f"change_{case.codename}")
    record, other = case.model.objects.order_by("pk")[:2]
    url = f"{case.path}{record.pk}/"
    forged = forged_values(case, other)

    # First a write of nothing: what every write changes (a version, say) is not the forged fields' doing.
    shown_before, state_before = client.get(url).json(), database_state()
    assert client.patch(url, {}, format="json").status_code == 200
    shown_control, state_control = client.get(url).json(), database_state()

    response = client.patch(url, forged, format="json")
    assert response.status_code == 200, response.json()
    shown_after, state_after = client.get(url).json(), database_state()

    control_changes = changed_cells(state_before["rows"], state_control["rows"])
    assert changed_cells(state_control["rows"], state_after["rows"]) <= control_changes
    history_added = {label: state_control["history"][label] - count for label, count in state_before["history"].items()}
    assert {
        label: state_after["history"][label] - count for label, count in state_control["history"].items()
    } == history_added
    for name, value in forged.items():
        if name in shown_after:
            assert shown_after[name] != value, name
            if shown_control[name] == shown_before[name]:  # not something every write moves on
                assert shown_after[name] == shown_control[name], name


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_read_only_fields_given_in_a_create_are_ignored(seeded, token_client, case):
    client = token_client(f"add_{case.codename}")
    other = case.model.objects.order_by("pk").first()
    forged = forged_values(case, other)

    before = snapshot()
    with transaction.atomic():  # the same create without forged fields, undone: what a create touches anyway
        control = client.post(case.path, case.create, format="json")
        assert control.status_code == 201, control.json()
        control_changes = existing_cells(changed_cells(before, snapshot()), before)
        transaction.set_rollback(True)

    response = client.post(case.path, case.create | forged, format="json")
    assert response.status_code == 201, response.json()
    assert existing_cells(changed_cells(before, snapshot()), before) <= control_changes
    body = response.json()
    record = case.model.objects.get(pk=body["id"])
    assert record.pk != FORGED_NUMBER
    assert body["url"].endswith(f"{case.path}{record.pk}/")
    assert body["display"] == str(record)
    for name, value in forged.items():
        if name in body:
            assert body[name] != value, name
            assert body[name] in ([], None, 0, "") or name in {"id", "url", "display", "when", "sha256"}, name


def test_a_source_checksum_is_computed_not_taken_and_its_text_kept_byte_for_byte(seeded, token_client):
    client = token_client("add_sourcedocument")
    text = "\nAn article about AstraZeneca and Konoya.  \n"  # as the seed articles: whitespace included
    response = client.post(
        "/api/v1/sources/",
        {"key": "checksummed.txt", "title": "Checksummed", "text": text, "sha256": "0" * 64, "citation_count": 5},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["sha256"] == hashlib.sha256(text.encode()).hexdigest()
    assert client.get(f"/api/v1/sources/{response.json()['id']}/").json()["citation_count"] == 0
    stored = SourceDocument.objects.get(key="checksummed.txt")
    assert stored.text == text
    assert stored.sha256 == hashlib.sha256(text.encode()).hexdigest()


def test_a_stored_articles_text_cannot_be_changed_as_in_the_admin(seeded, token_client):
    """Its citations quote it verbatim: a new text would leave them quoting something it no longer says."""
    client = token_client("change_sourcedocument")
    source = SourceDocument.objects.filter(citations__isnull=False).order_by("pk").first()
    stored = model_to_dict(source)
    for method in (client.patch, client.put):
        response = method(
            f"/api/v1/sources/{source.pk}/",
            {"key": source.key, "title": source.title, "text": "Nothing any citation quotes."},
            format="json",
        )
        assert response.status_code == 400
        assert "text" in response.json()
    source.refresh_from_db()
    assert model_to_dict(source) == stored
    assert all(source.contains(citation.quote) for citation in Citation.objects.filter(source=source))
    # The same text again, or none, is no change.
    assert client.patch(f"/api/v1/sources/{source.pk}/", {"text": source.text}, format="json").status_code == 200
    assert client.patch(f"/api/v1/sources/{source.pk}/", {"outlet": "Renamed"}, format="json").status_code == 200


def nested_lists_with_ids():
    """(case, field name) of every nested list written with its record whose items show their own id."""
    for case in CASES:
        for name, field in viewset_of(case.model).serializer_class().fields.items():
            if isinstance(field, serializers.ListSerializer) and not field.read_only and "id" in field.child.fields:
                yield pytest.param(case, name, id=f"{case.codename}.{name}")


@pytest.mark.parametrize(("case", "name"), list(nested_lists_with_ids()))
def test_a_nested_item_cannot_take_over_another_records_item_by_its_id(seeded, token_client, case, name):
    field = viewset_of(case.model).serializer_class().fields[name]
    owners = [record for record in case.model.objects.order_by("pk") if getattr(record, field.source).exists()]
    victim_owner, target = owners[0], next(r for r in case.model.objects.order_by("pk") if r.pk != owners[0].pk)
    victim = getattr(victim_owner, field.source).order_by("pk").first()
    victim_stored = model_to_dict(victim)
    client = token_client(f"change_{case.codename}")
    item = next(i for i in client.get(f"{case.path}{victim_owner.pk}/").json()[name] if i["id"] == victim.pk)

    response = client.patch(f"{case.path}{target.pk}/", {name: [item]}, format="json")

    assert response.status_code == 200, response.json()
    victim.refresh_from_db()
    assert {k: v for k, v in model_to_dict(victim).items() if k != "version"} == {
        k: v for k, v in victim_stored.items() if k != "version"
    }
    [copy] = getattr(target, field.source).all()
    assert copy.pk != victim.pk
