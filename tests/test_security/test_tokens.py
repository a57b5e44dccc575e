"""API tokens can be revoked the ways the README gives: `drf_create_token -r`, or deleting it in the admin."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from biotech_events.models import Company
from tests.factories import CompanyFactory, UserFactory

pytestmark = pytest.mark.django_db


def issue(username, *args):
    out = io.StringIO()
    call_command("drf_create_token", username, *args, stdout=out)
    return out.getvalue().split()[2]  # "Generated token <key> for user <username>"


def answer(key, description="Written with a token."):
    """What the API says to a write and to a read made with the token."""
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    write = api.patch("/api/v1/companies/astrazeneca/", {"description": description}, format="json")
    read = api.get("/api/v1/companies/astrazeneca/")
    return write, read


def assert_refused(key, reason="Invalid token."):
    write, read = answer(key, "Written with a revoked token.")
    for response in (write, read):  # a revoked token is refused, not taken for an anonymous reader
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"
        assert response.json()["detail"] == reason
    assert Company.objects.get(slug="astrazeneca").description != "Written with a revoked token."


@pytest.fixture
def scripter(db):
    CompanyFactory(name="AstraZeneca", slug="astrazeneca")
    user = UserFactory(username="script")
    user.user_permissions.set(Permission.objects.filter(codename="change_company"))
    return user


def test_replacing_a_token_revokes_the_old_one(scripter):
    old = issue("script")
    assert answer(old)[0].status_code == 200
    new = issue("script", "-r")
    assert new != old
    assert_refused(old)
    assert answer(new)[0].status_code == 200


def test_deleting_a_token_in_the_admin_revokes_it(scripter):
    key = issue("script")
    admin = Client()
    admin.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:authtoken_tokenproxy_delete", args=[scripter.pk])
    assert admin.post(url, {"post": "yes"}).status_code == 302
    assert not Token.objects.filter(user=scripter).exists()
    assert_refused(key)


def test_deactivating_or_deleting_the_user_revokes_the_token(scripter):
    key = issue("script")
    scripter.is_active = False
    scripter.save()
    assert_refused(key, "User inactive or deleted.")
    scripter.delete()
    assert_refused(key)
