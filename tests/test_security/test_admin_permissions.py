"""The admin shows a model only to staff who may view it, and changes it only for those who may change it."""

import contextlib

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import NoReverseMatch, reverse

from biotech_events.models import Company, MergedRecord
from tests.factories import UserFactory
from tests.test_security.conftest import catalogue_permissions, database_state

pytestmark = pytest.mark.django_db

REGISTERED = [model for model in apps.get_app_config("biotech_events").get_models() if admin.site.is_registered(model)]
IDS = [model._meta.model_name for model in REGISTERED]
# Pages that only read: a viewer may open them.
READING = {"changelist", "change", "history", "version", "export"}
POST_ONLY = {"process_import"}  # a GET is answered 405 before anything else
POST_READS = {"changelist", "history", "export"}  # a POST shows the page (or the export) again


def admin_name(model, view):
    return f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}"


def pages(model, record):
    """Every admin page of the model, by name: Django's, simple_history's, the catalogue's and import-export's."""
    urls = {view: reverse(admin_name(model, view)) for view in ("changelist", "add")}
    urls |= {view: reverse(admin_name(model, view), args=[record.pk]) for view in ("change", "delete", "history")}
    if hasattr(model, "history"):
        version = record.history.order_by("history_id").first().history_id
        urls["version"] = reverse(admin_name(model, "simple_history"), args=[record.pk, version])
        urls["revert"] = reverse(admin_name(model, "revert"), args=[record.pk, version])
        urls["deleted"] = reverse(admin_name(model, "deleted"))
    for view in ("import", "process_import", "export"):
        with contextlib.suppress(NoReverseMatch):  # only the models with import and export
            urls[view] = reverse(admin_name(model, view))
    return urls


@pytest.fixture
def record_of(seeded):
    def get(model):
        if model is MergedRecord and not MergedRecord.objects.exists():
            company = Company.objects.order_by("pk").first()
            MergedRecord.objects.create(model_label="biotech_events.company", old_id=0, survivor_id=company.pk)
        return model._base_manager.order_by("pk").first()

    return get


def staff(*permissions, **fields):
    user = UserFactory(is_staff=True, **fields)
    user.user_permissions.set(permissions)
    return user


def test_every_catalogue_model_is_in_the_admin():
    assert len(REGISTERED) == 20


@pytest.mark.parametrize("model", REGISTERED, ids=IDS)
def test_staff_without_permissions_cannot_open_or_post_to_any_page_of_a_model(record_of, client, model):
    urls = pages(model, record_of(model))
    client.force_login(staff())
    before = database_state()
    for name, url in urls.items():
        assert client.get(url).status_code == (405 if name in POST_ONLY else 403), name
        assert client.post(url, {"name": "Changed", "post": "yes"}).status_code == 403, name
    assert database_state() == before


@pytest.mark.parametrize("model", REGISTERED, ids=IDS)
def test_staff_who_may_only_view_a_model_can_read_its_pages_but_change_nothing(record_of, client, model):
    record = record_of(model)
    client.force_login(staff(Permission.objects.get(codename=f"view_{model._meta.model_name}")))
    before = database_state()
    for name, url in pages(model, record).items():
        expected = 200 if name in READING else 405 if name in POST_ONLY else 403
        assert client.get(url).status_code == expected, name
        # Every POST that could write is refused, including one to a version's page, which simple_history
        # would save. (A POST to a changelist runs an action: the bulk delete below.)
        if name not in POST_READS:
            assert client.post(url, {"name": "Changed", "post": "yes"}).status_code == 403, name
    # The bulk delete is not on offer: it deletes nothing.
    client.post(
        pages(model, record)["changelist"],
        {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"},
    )
    assert database_state() == before


def test_a_viewer_cannot_save_an_old_version_over_a_record_but_an_editor_can(record_of, client):
    company = Company.objects.get(slug="astrazeneca")
    first = company.history.order_by("history_id").first()
    url = reverse(admin_name(Company, "simple_history"), args=[company.pk, first.history_id])
    form = {"name": "Hijacked", "slug": company.slug, "kind": company.kind, "description": "Overwritten."}

    client.force_login(staff(Permission.objects.get(codename="view_company")))
    assert client.get(url).status_code == 200
    assert client.post(url, form).status_code == 403
    company.refresh_from_db()
    assert company.name == "AstraZeneca"

    # The same form from an editor is saved: the refusal above was the permission's.
    client.force_login(staff(*Permission.objects.filter(codename__in=["view_company", "change_company"])))
    assert client.post(url, form).status_code == 302
    company.refresh_from_db()
    assert company.name == "Hijacked"


def test_the_index_lists_only_the_models_a_user_may_view(record_of, client):
    changelists = {model: reverse(admin_name(model, "changelist")) for model in REGISTERED}

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    html = client.get(reverse("admin:index")).content.decode()
    assert all(url in html for url in changelists.values())

    client.force_login(staff(Permission.objects.get(codename="view_company")))
    response = client.get(reverse("admin:index"))
    html = response.content.decode()
    assert changelists[Company] in html
    assert [model for model, url in changelists.items() if url in html and model is not Company] == []
    assert set(response.context["dashboard"]["counts"]) == {"biotech_events.company"}

    client.force_login(staff())
    html = client.get(reverse("admin:index")).content.decode()
    assert [model for model, url in changelists.items() if url in html] == []
    assert client.get(reverse("admin:app_list", args=["biotech_events"])).status_code == 404


def test_users_who_are_not_staff_are_sent_to_the_login_page_whatever_their_permissions(record_of, client):
    user = UserFactory(is_staff=False)
    user.user_permissions.set(catalogue_permissions())
    client.force_login(user)
    before = database_state()
    company = Company.objects.order_by("pk").first()
    for url in [*pages(Company, company).values(), reverse("admin:index")]:
        for response in (client.get(url), client.post(url, {"name": "Changed", "post": "yes"})):
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("admin:login")), url
    assert database_state() == before


def test_anonymous_visitors_are_sent_to_the_login_page(record_of, client):
    before = database_state()
    company = Company.objects.order_by("pk").first()
    for url in pages(Company, company).values():
        for response in (client.get(url), client.post(url, {"name": "Changed", "post": "yes"})):
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("admin:login")), url
    assert database_state() == before


def test_autocomplete_lists_records_only_to_staff_who_may_view_them(record_of, client):
    url = reverse("admin:autocomplete")
    query = {"app_label": "biotech_events", "model_name": "company", "field_name": "parent", "term": "Astra"}

    client.force_login(staff(*Permission.objects.filter(codename__in=["view_event", "change_event"])))
    assert client.get(url, query).status_code == 403

    client.force_login(staff(Permission.objects.get(codename="view_company")))
    response = client.get(url, query)
    assert response.status_code == 200
    assert "AstraZeneca" in [result["text"] for result in response.json()["results"]]
