"""No lost updates in the admin: a change form saved over a newer version is refused, and says what changed."""

import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from biotech_events.admin.concurrency import LOADED_AT, LOADED_VERSION
from biotech_events.models import Alias, Citation, Event, Organizer, SourceDocument
from tests.factories import EventFactory, OrganizerFactory, SourceDocumentFactory
from tests.test_admin.test_sources import form_data

pytestmark = pytest.mark.django_db


def change_url(record):
    return reverse(f"admin:biotech_events_{record._meta.model_name}_change", args=[record.pk])


@pytest.fixture
def editors(django_user_model):
    """Two editors, each logged in with a client of their own."""

    def editor(name):
        client = Client()
        client.force_login(django_user_model.objects.create_superuser(name, f"{name}@example.org", "pw"))
        return client

    return editor("alice"), editor("bob")


def inline_prefix(response, model):
    return next(i.formset.prefix for i in response.context["inline_admin_formsets"] if i.formset.model is model)


def text(response):
    return unescape(re.sub(r"\s+", " ", response.content.decode()))


def test_the_change_form_carries_the_version_it_was_loaded_at(editors):
    alice, _ = editors
    organizer = OrganizerFactory()
    organizer.save()
    page = alice.get(change_url(organizer))
    form = page.context["adminform"].form
    assert form[LOADED_VERSION].value() == 2
    assert form[LOADED_AT].value()
    html = page.content.decode()
    assert f'type="hidden" name="{LOADED_VERSION}" value="2"' in html
    assert f'name="{LOADED_AT}"' in html
    assert "loaded" not in form.changed_data  # the markers never count as a change of the record


def test_a_stale_save_is_refused_with_what_changed_and_nothing_is_written(editors):
    alice, bob = editors
    organizer = OrganizerFactory(city="Chengdu", description="First text.")
    alice_page = alice.get(change_url(organizer))
    bob_page = bob.get(change_url(organizer))

    saved = bob.post(change_url(organizer), form_data(bob_page) | {"city": "Wuhan"})
    assert saved.status_code == 302
    organizer.refresh_from_db()
    bob_version = organizer.version

    prefix = inline_prefix(alice_page, Alias)
    alias_row = {f"{prefix}-TOTAL_FORMS": 1, f"{prefix}-0-name": "Alice's alias", f"{prefix}-0-kind": "spelling"}
    refused = alice.post(change_url(organizer), form_data(alice_page) | {"description": "Alice's text."} | alias_row)

    assert refused.status_code == 200  # the form again, not a redirect
    page = text(refused)
    assert "Someone else saved this organizer while you were editing it (bob)" in page
    assert f"now at version {bob_version}, you opened version 1" in page
    assert "City: you opened “Chengdu”, it is now “Wuhan”, you entered “Chengdu”." in page
    form = refused.context["adminform"].form
    assert form.errors["city"] == ["Changed meanwhile: now “Wuhan” (you opened “Chengdu”)."]
    assert form["description"].value() == "Alice's text."  # her entries are kept in the form
    organizer.refresh_from_db()
    assert (organizer.city, organizer.description, organizer.version) == ("Wuhan", "First text.", bob_version)
    assert not Alias.objects.filter(name="Alice's alias").exists()  # the inlines were not saved either


def test_saving_again_after_the_refusal_saves_knowingly_and_the_old_page_stays_refused(editors):
    alice, bob = editors
    organizer = OrganizerFactory(city="Chengdu")
    alice_page = alice.get(change_url(organizer))
    bob.post(change_url(organizer), form_data(bob.get(change_url(organizer))) | {"city": "Wuhan"})

    stale = form_data(alice_page) | {"city": "Hefei"}
    refused = alice.post(change_url(organizer), stale)
    assert refused.status_code == 200
    assert alice.post(change_url(organizer), stale).status_code == 200  # the page she first opened: still refused

    form = refused.context["adminform"].form  # re-rendered: her entries, at the version she has now seen
    again = stale | {LOADED_VERSION: form[LOADED_VERSION].value(), LOADED_AT: form[LOADED_AT].value()}
    assert again[LOADED_VERSION] == str(Organizer.objects.get(pk=organizer.pk).version)
    assert alice.post(change_url(organizer), again).status_code == 302
    organizer.refresh_from_db()
    assert organizer.city == "Hefei"


def test_a_part_changed_elsewhere_refuses_the_save_and_is_listed(editors):
    alice, bob = editors
    source = SourceDocumentFactory()
    organizer = OrganizerFactory(name="AstraZeneca China")
    alice_page = alice.get(change_url(organizer))

    add_citation = reverse("admin:biotech_events_citation_add")
    added = bob.post(add_citation, {"source": source.pk, "quote": "AstraZeneca", "organizer": organizer.pk})
    assert added.status_code == 302
    assert Citation.objects.filter(organizer=organizer).exists()

    refused = alice.post(change_url(organizer), form_data(alice_page) | {"city": "Beijing"})
    assert refused.status_code == 200
    page = text(refused)
    assert "Someone else saved this organizer while you were editing it (bob)" in page
    assert re.search(
        r"Citation: 000_bde207d968dfe5fb.txt: “AstraZeneca” — added by bob at \d{4}-\d\d-\d\d \d\d:\d\d", page
    )
    organizer.refresh_from_db()
    assert organizer.city == ""


def test_an_inline_row_changed_elsewhere_is_refused_when_changed_in_the_form(editors):
    alice, bob = editors
    forum = EventFactory()
    session = EventFactory(parent=forum, name="Morning session")
    alice_page = alice.get(change_url(forum))
    renamed = bob.post(change_url(session), form_data(bob.get(change_url(session))) | {"name": "Opening session"})
    assert renamed.status_code == 302

    prefix = inline_prefix(alice_page, Event)
    refused = alice.post(change_url(forum), form_data(alice_page) | {f"{prefix}-0-name": "Morning panel"})
    assert refused.status_code == 200
    formset = next(i.formset for i in refused.context["inline_admin_formsets"] if i.formset.prefix == prefix)
    assert "1 row was changed by someone else since you opened this page" in " ".join(formset.non_form_errors())
    row = " ".join(formset.forms[0].non_field_errors())
    assert "“Opening session” was changed by someone else (bob) since you opened this page" in row
    assert "name now “Opening session” (was “Morning session”)" in row
    session.refresh_from_db()
    assert session.name == "Opening session"

    deleting = form_data(alice_page) | {f"{prefix}-0-DELETE": "on"}
    assert alice.post(change_url(forum), deleting).status_code == 200  # a stale deletion is refused too
    assert Event.objects.filter(pk=session.pk).exists()


def test_an_inline_row_changed_elsewhere_is_refused_even_when_left_alone_in_the_form(editors):
    """Django compares a row with the stored record, so it would write her stale row back: refused too."""
    alice, bob = editors
    forum = EventFactory(city="")
    session = EventFactory(parent=forum, name="Morning session")
    alice_page = alice.get(change_url(forum))
    bob.post(change_url(session), form_data(bob.get(change_url(session))) | {"name": "Opening session"})

    refused = alice.post(change_url(forum), form_data(alice_page) | {"city": "Chengdu"})
    assert refused.status_code == 200
    assert "“Opening session” was changed by someone else (bob)" in text(refused)
    forum.refresh_from_db()
    session.refresh_from_db()
    assert (forum.city, session.name) == ("", "Opening session")

    fresh = alice.get(change_url(forum))  # reloaded: her change goes through, his stays
    assert alice.post(change_url(forum), form_data(fresh) | {"city": "Chengdu"}).status_code == 302
    forum.refresh_from_db()
    session.refresh_from_db()
    assert (forum.city, session.name) == ("Chengdu", "Opening session")


def test_a_post_without_the_version_is_not_checked(editors):
    """A script or a page from before this check: last writer wins, as before."""
    alice, _ = editors
    organizer = OrganizerFactory(city="Chengdu")
    data = form_data(alice.get(change_url(organizer)))
    organizer.city = "Wuhan"
    organizer.save()
    del data[LOADED_VERSION], data[LOADED_AT]
    assert alice.post(change_url(organizer), data | {"city": "Hefei"}).status_code == 302
    organizer.refresh_from_db()
    assert organizer.city == "Hefei"


def test_the_source_page_with_its_own_fieldsets_is_checked_too(editors):
    alice, bob = editors
    source = SourceDocument.objects.create(key="concurrency.txt", title="An article", text="Some text.")
    alice_page = alice.get(change_url(source))
    bob.post(change_url(source), form_data(bob.get(change_url(source))) | {"title": "Bob's title"})
    refused = alice.post(change_url(source), form_data(alice_page) | {"outlet": "Alice's outlet"})
    assert refused.status_code == 200
    assert "Title: you opened “An article”, it is now “Bob's title”, you entered “An article”." in text(refused)
    source.refresh_from_db()
    assert (source.title, source.outlet) == ("Bob's title", "")


def test_view_only_staff_see_no_version_markers(client, django_user_model):
    from django.contrib.auth.models import Permission

    viewer = django_user_model.objects.create_user("viewer", password="pw", is_staff=True)
    viewer.user_permissions.set(Permission.objects.filter(codename="view_organizer"))
    client.force_login(viewer)
    page = client.get(change_url(OrganizerFactory()))
    assert page.status_code == 200
    assert LOADED_VERSION not in page.content.decode()
