"""Scripts write with a token issued by `manage.py drf_create_token`."""

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command

from biotech_events.models import Company
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_token_issued_by_the_command_authorises_writes(api, capsys):
    user = UserFactory(username="script")
    user.user_permissions.add(Permission.objects.get(codename="add_company"))
    call_command("drf_create_token", "script")
    token = capsys.readouterr().out.split()[2]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = api.post(
        "/api/v1/companies/", {"name": "Scripted", "slug": "scripted", "kind": "biotech"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert Company.objects.filter(slug="scripted").exists()


def test_a_wrong_token_is_refused(api):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert api.post("/api/v1/companies/", {}, format="json").status_code == 401
