"""No one writes through the API without credentials, nor without the Django model permission of the write."""

import json

import pytest
from django.contrib.auth.models import Permission

from biotech_events.api.views import MergeableViewSet
from biotech_events.models import Company
from tests.test_api.test_crud import CASES, IDS
from tests.test_security.conftest import catalogue_permissions, database_state, viewset_of

pytestmark = pytest.mark.django_db

COMPANY = next(case for case in CASES if case.model is Company)
MERGEABLE = [case for case in CASES if issubclass(viewset_of(case.model), MergeableViewSet)]


def detail(case, record):
    return f"{case.path}{record.pk}/"


def every_write(case, record, other):
    """Each unsafe request the endpoint has, with a body that a permitted user's request would succeed with."""
    yield "POST", case.path, case.create
    yield "PUT", detail(case, record), case.create | case.change
    yield "PATCH", detail(case, record), case.change
    yield "DELETE", detail(case, record), None
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        yield method, f"{detail(case, record)}history/", {"history": []}
    if case in MERGEABLE:
        yield "POST", f"{detail(case, record)}merge/", {"others": [other.pk]}


def send(client, method, url, body):
    return client.generic(method, url, json.dumps(body) if body is not None else "", content_type="application/json")


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_anonymous_clients_are_asked_to_authenticate_and_change_nothing(seeded, api, case):
    record, other = case.model.objects.order_by("pk")[:2]
    before = database_state()
    for method, url, body in every_write(case, record, other):
        response = send(api, method, url, body)
        assert response.status_code == 401, (method, url, response.content)
        assert response["WWW-Authenticate"] == "Token", (method, url)
        assert response.json()["detail"] == "Authentication credentials were not provided.", (method, url)
    assert database_state() == before


def test_anonymous_form_posts_from_the_browsable_api_are_refused_too(seeded, api):
    before = database_state()
    response = api.post(
        "/api/v1/companies/", {"name": "Form Co", "slug": "form-co", "kind": "biotech"}, format="multipart"
    )
    assert response.status_code == 401
    assert database_state() == before


def test_a_wrong_or_malformed_token_is_refused(seeded, api):
    before = database_state()
    for header in ["Token not-a-real-token", "Token", "Token two words", "Bearer abc"]:
        api.credentials(HTTP_AUTHORIZATION=header)
        response = api.post("/api/v1/companies/", {"name": "X Co", "slug": "x-co", "kind": "biotech"})
        assert response.status_code == 401, header
        assert response["WWW-Authenticate"] == "Token"
    assert database_state() == before


def request_for(action, case, record):
    """(method, url, body, permission needed) of a model-permission-guarded write."""
    if action == "create":
        return "POST", case.path, case.create, "add"
    return {
        "update": ("PUT", detail(case, record), case.create | case.change, "change"),
        "partial_update": ("PATCH", detail(case, record), case.change, "change"),
        "destroy": ("DELETE", detail(case, record), None, "delete"),
    }[action]


@pytest.mark.parametrize("action", ["create", "update", "partial_update", "destroy"])
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_each_write_needs_its_own_model_permission_and_that_one_suffices(
    seeded, token_client, superuser_api, case, action
):
    record = None
    if action != "create":  # a record of its own: no dependents to block its deletion
        created = superuser_api.post(case.path, case.create, format="json")
        assert created.status_code == 201, created.json()
        record = case.model.objects.get(pk=created.json()["id"])
    method, url, body, needed = request_for(action, case, record)
    codename = f"{needed}_{case.codename}"

    # Every other permission on every catalogue model is not enough.
    lacking = token_client(*catalogue_permissions(but=[codename]))
    before = database_state()
    refused = send(lacking, method, url, body)
    assert refused.status_code == 403, refused.content
    assert refused.json()["detail"] == "You do not have permission to perform this action."
    assert database_state() == before

    # The one permission alone is: the request itself was fine.
    permitted = token_client(codename)
    accepted = send(permitted, method, url, body)
    assert accepted.status_code in {200, 201, 204}, accepted.content


@pytest.mark.parametrize("case", MERGEABLE, ids=[case.codename for case in MERGEABLE])
def test_merging_needs_both_the_change_and_the_delete_permission(seeded, token_client, superuser_api, case):
    survivor = case.model.objects.order_by("pk").first()
    created = superuser_api.post(case.path, case.create, format="json")
    assert created.status_code == 201, created.json()
    duplicate = case.model.objects.get(pk=created.json()["id"])
    url, body = f"{detail(case, survivor)}merge/", {"others": [duplicate.pk]}

    for missing in ("change", "delete"):
        lacking = token_client(*catalogue_permissions(but=[f"{missing}_{case.codename}"]))
        before = database_state()
        refused = send(lacking, "POST", url, body)
        assert refused.status_code == 403, (missing, refused.content)
        assert "change and delete permissions" in refused.json()["detail"]
        assert database_state() == before

    permitted = token_client(f"change_{case.codename}", f"delete_{case.codename}")
    assert send(permitted, "POST", url, body).status_code == 200
    assert not case.model.objects.filter(pk=duplicate.pk).exists()


def test_history_is_read_only_even_for_a_superuser(seeded, superuser_api):
    record = COMPANY.model.objects.order_by("pk").first()
    url = f"{detail(COMPANY, record)}history/"
    before = database_state()
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        assert send(superuser_api, method, url, {"history": []}).status_code == 405, method
    assert database_state() == before
    assert superuser_api.get(url).status_code == 200


def test_a_permission_on_a_history_model_is_not_one_on_its_record(seeded, token_client):
    # Each history table has add/change/delete permissions of its own: they must not open the record.
    history_perms = Permission.objects.filter(codename__in=["add_historicalcompany", "change_historicalcompany"])
    client = token_client(*history_perms)
    before = database_state()
    assert client.post(COMPANY.path, COMPANY.create, format="json").status_code == 403
    assert database_state() == before
