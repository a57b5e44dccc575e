"""Passwords are checked by Django's validators wherever one is chosen: the admin, changepassword, and the
generated password of the local admin account."""

import io

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.management.commands import changepassword
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from tests.factories import UserFactory
from tests.test_security.conftest import PASSWORD

pytestmark = pytest.mark.django_db

User = get_user_model()
STRONG = "plum-quarry-lantern-47"
WEAK = {
    "too short": "k3y!Zq",
    "common": "password123",
    "all digits": "4815162342",
    "like the username": "curator.wang",
}


def test_djangos_four_validators_are_configured():
    assert [validator["NAME"].rsplit(".", 1)[1] for validator in settings.AUTH_PASSWORD_VALIDATORS] == [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    ]


@pytest.mark.parametrize("password", WEAK.values(), ids=WEAK.keys())
def test_each_kind_of_weak_password_is_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password, User(username="curator.wang", email="curator.wang@example.org"))
    validate_password(STRONG, User(username="curator.wang"))


@pytest.fixture
def superuser_browser(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("password", WEAK.values(), ids=WEAK.keys())
def test_the_admin_refuses_to_create_a_user_with_a_weak_password(superuser_browser, password):
    form = {"username": "curator.wang", "password1": password, "password2": password, "usable_password": "true"}
    response = superuser_browser.post(reverse("admin:auth_user_add"), form)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["password2"]
    assert not User.objects.filter(username="curator.wang").exists()


def test_the_admin_creates_a_user_with_a_strong_password(superuser_browser):
    form = {"username": "curator.wang", "password1": STRONG, "password2": STRONG, "usable_password": "true"}
    assert superuser_browser.post(reverse("admin:auth_user_add"), form).status_code == 302
    assert User.objects.get(username="curator.wang").check_password(STRONG)


def test_the_admin_refuses_to_set_a_weak_password(superuser_browser):
    user = UserFactory(username="curator.wang")
    url = reverse("admin:auth_user_password_change", args=[user.pk])
    for password in WEAK.values():
        form = {"password1": password, "password2": password, "usable_password": "true"}
        response = superuser_browser.post(url, form)
        assert response.status_code == 200, password
        assert response.context["form"].errors["password2"], password
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_staff_cannot_change_their_own_password_to_a_weak_one(client):
    user = UserFactory(username="curator.wang", is_staff=True)
    client.force_login(user)
    form = {"old_password": PASSWORD, "new_password1": "password123", "new_password2": "password123"}
    response = client.post(reverse("admin:password_change"), form)
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_changepassword_refuses_a_weak_password(monkeypatch):
    user = UserFactory(username="curator.wang")
    monkeypatch.setattr(changepassword.getpass, "getpass", lambda prompt="": "password123")
    with pytest.raises(CommandError, match="Aborting password change"):
        call_command("changepassword", "curator.wang", stdout=io.StringIO(), stderr=io.StringIO())
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_the_local_admins_generated_password_passes_every_validator():
    for _ in range(5):  # a random password each time
        User.objects.all().delete()
        out = io.StringIO()
        call_command("ensure_local_admin", stdout=out)
        password = out.getvalue().split("password: ")[1].split()[0]
        admin = User.objects.get(username="admin")
        assert admin.check_password(password)
        validate_password(password, admin)  # raises on a weak one
