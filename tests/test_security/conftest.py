import pytest
from django.contrib.auth.models import Permission
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from biotech_events.api.endpoints import ENDPOINTS
from biotech_events.api.urls import VIEWSETS
from tests.conftest import catalogue_models, snapshot
from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's


def catalogue_permissions(*, but=()):
    """Every permission on the catalogue's models (their history's included), except those named."""
    return list(Permission.objects.filter(content_type__app_label="biotech_events").exclude(codename__in=but))


def viewset_of(model):
    return VIEWSETS[ENDPOINTS[model][1]]


def database_state():
    """Every catalogue row field by field, and how many history rows each model has.

    A refused write leaves this exactly as it was.
    """
    history = {model._meta.label: model.history.count() for model in catalogue_models() if hasattr(model, "history")}
    return {"rows": snapshot(), "history": history}


def changed_cells(before, after):
    """(model label, pk, column) of every value that differs between two snapshots, rows added or removed included."""
    cells = set()
    for label in before:
        old = {row["id"]: row for row in before[label]}
        new = {row["id"]: row for row in after[label]}
        for pk in old.keys() | new.keys():
            if pk not in old or pk not in new:
                cells.add((label, pk, "*"))
                continue
            cells |= {(label, pk, column) for column in old[pk] if old[pk][column] != new[pk][column]}
    return cells


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def token_client():
    """An API client holding a real token of a new user with exactly the given permissions.

    The user is read afresh on every request, as in production, so permissions granted later count.
    """

    def make(*permissions, **user_fields):
        user = UserFactory(**user_fields)
        user.user_permissions.set(
            [
                permission
                if isinstance(permission, Permission)
                else Permission.objects.get(content_type__app_label="biotech_events", codename=permission)
                for permission in permissions
            ]
        )
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
        client.user = user
        return client

    return make


@pytest.fixture
def superuser_api(token_client):
    return token_client(is_superuser=True)
