import pytest
from django.contrib.auth.models import Permission
from rest_framework.test import APIClient

from tests.factories import UserFactory

SOURCE_000 = "000_bde207d968dfe5fb.txt"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def client_with():
    """An API client logged in (by token) as a user holding exactly the given permissions."""

    def make(*codenames):
        user = UserFactory()
        user.user_permissions.set(
            Permission.objects.filter(content_type__app_label="biotech_events", codename__in=codenames)
        )
        client = APIClient()
        client.force_authenticate(user)
        client.user = user
        return client

    return make
