import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_creates_one_superuser_with_a_generated_password_printed_once(capsys):
    call_command("ensure_local_admin")
    output = capsys.readouterr().out
    password = output.split("password: ")[1].split()[0]
    user = get_user_model().objects.get(username="admin")
    assert user.is_superuser and user.is_staff
    assert user.check_password(password)
    assert len(password) >= 16

    call_command("ensure_local_admin")
    assert "already exists" in capsys.readouterr().out
    assert get_user_model().objects.count() == 1
    user.refresh_from_db()
    assert user.check_password(password), "a second run leaves the password alone"


def test_two_runs_never_print_the_same_password(capsys):
    call_command("ensure_local_admin")
    first = capsys.readouterr().out.split("password: ")[1].split()[0]
    get_user_model().objects.all().delete()
    call_command("ensure_local_admin")
    second = capsys.readouterr().out.split("password: ")[1].split()[0]
    assert first != second
