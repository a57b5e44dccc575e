"""A logged-in browser cannot be made to write by another site: session writes need the CSRF token.

Django's test clients skip the check unless asked (`enforce_csrf_checks=True`), as here.
"""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from biotech_events.models import Alias, Company
from tests.factories import CompanyFactory, UserFactory
from tests.test_security.conftest import PASSWORD, database_state

pytestmark = pytest.mark.django_db

CSRF_FAILURE = "CSRF Failed: CSRF token missing."


@pytest.fixture
def editor():
    user = UserFactory(is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="biotech_events", codename__endswith="_company")
        | Permission.objects.filter(codename__in=["view_alias", "change_alias"])
    )
    return user


@pytest.fixture
def browser_api(editor):
    """The browsable API in a browser: logged in with a session cookie, CSRF enforced."""
    client = APIClient(enforce_csrf_checks=True)
    assert client.login(username=editor.username, password=PASSWORD)
    return client


def csrf_token(client):
    """The token a page of ours hands the browser (the login page sets the cookie)."""
    client.get(reverse("rest_framework:login"))
    return client.cookies["csrftoken"].value


def test_session_writes_to_the_api_without_the_csrf_token_are_refused(seeded, browser_api):
    company = Company.objects.get(slug="astrazeneca")
    url = f"/api/v1/companies/{company.pk}/"
    duplicate = CompanyFactory()
    csrf_token(browser_api)  # the browser holds the cookie; another site's page cannot read it to send the token
    before = database_state()
    for response in [
        browser_api.post("/api/v1/companies/", {"name": "Forged Co", "slug": "forged-co", "kind": "biotech"}),
        browser_api.put(url, {"name": "Forged", "slug": company.slug, "kind": company.kind}),
        browser_api.patch(url, {"description": "Forged."}),
        browser_api.delete(f"/api/v1/companies/{duplicate.pk}/"),
        browser_api.post(f"{url}merge/", {"others": [duplicate.pk]}),
    ]:
        assert response.status_code == 403
        assert response.json()["detail"] == CSRF_FAILURE
    assert database_state() == before
    # Reading needs no token.
    assert browser_api.get(url).status_code == 200


def test_a_wrong_csrf_token_is_refused_too(seeded, browser_api):
    csrf_token(browser_api)
    before = database_state()
    response = browser_api.patch(
        "/api/v1/companies/astrazeneca/", {"description": "Forged."}, HTTP_X_CSRFTOKEN="x" * 32
    )
    assert response.status_code == 403
    assert "CSRF Failed" in response.json()["detail"]
    assert database_state() == before


def test_session_writes_with_the_csrf_token_go_through(seeded, browser_api):
    token = csrf_token(browser_api)
    created = browser_api.post(
        "/api/v1/companies/", {"name": "Real Co", "slug": "real-co", "kind": "biotech"}, HTTP_X_CSRFTOKEN=token
    )
    assert created.status_code == 201, created.json()
    url = f"/api/v1/companies/{created.json()['id']}/"
    assert browser_api.patch(url, {"description": "Edited."}, HTTP_X_CSRFTOKEN=token).status_code == 200
    assert Company.objects.get(slug="real-co").description == "Edited."
    assert browser_api.delete(url, HTTP_X_CSRFTOKEN=token).status_code == 204


@pytest.fixture
def browser(editor):
    """The admin in a browser: logged in, CSRF enforced."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    return client


def admin_form_token(client, url):
    """The CSRF token the admin page at `url` puts in its form."""
    response = client.get(url)
    assert response.status_code == 200
    return response.context["csrf_token"]


def test_admin_posts_without_the_csrf_token_are_refused(seeded, browser):
    alias = Alias.objects.filter(company__isnull=False).order_by("pk").first()
    duplicate = CompanyFactory()
    change = reverse("admin:biotech_events_alias_change", args=[alias.pk])
    form = {"name": "Forged", "kind": alias.kind, "company": alias.company_id, "source": ""}
    before = database_state()
    for url, data in [
        (change, form),
        (reverse("admin:biotech_events_company_delete", args=[duplicate.pk]), {"post": "yes"}),
        (reverse("admin:biotech_events_company_add"), {"name": "Forged Co", "slug": "forged-co", "kind": "biotech"}),
        (
            reverse("admin:biotech_events_company_changelist"),
            {"action": "delete_selected", "_selected_action": [duplicate.pk], "post": "yes"},
        ),
    ]:
        response = browser.post(url, data)
        assert response.status_code == 403, url
        assert "CSRF verification failed" in response.content.decode(), url
    assert database_state() == before


def test_admin_posts_with_the_csrf_token_go_through(seeded, browser):
    alias = Alias.objects.filter(company__isnull=False).order_by("pk").first()
    change = reverse("admin:biotech_events_alias_change", args=[alias.pk])
    token = admin_form_token(browser, change)
    form = {"name": alias.name, "kind": alias.kind, "company": alias.company_id, "source": alias.source_id or ""}
    response = browser.post(change, {**form, "csrfmiddlewaretoken": token})
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors

    duplicate = CompanyFactory()
    delete = reverse("admin:biotech_events_company_delete", args=[duplicate.pk])
    response = browser.post(delete, {"post": "yes", "csrfmiddlewaretoken": admin_form_token(browser, delete)})
    assert response.status_code == 302
    assert not Company.objects.filter(pk=duplicate.pk).exists()


def test_the_admin_login_form_needs_the_csrf_token(seeded, editor):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("admin:login"), {"username": editor.username, "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
