"""Editors see each record's history with its differences, revert a version, and restore deletions."""

import pytest
from django.urls import reverse

from biotech_events.models import Event, Park

pytestmark = pytest.mark.django_db

CBIC = "2023-china-biotechnology-innovation-conference"


def test_the_history_page_lists_versions_with_changes_and_revert_links(seeded, admin_client):
    event = Event.objects.get(slug=CBIC)
    event.city = "Chongqing"
    event.save()
    page = admin_client.get(reverse("admin:biotech_events_event_history", args=[event.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Chengdu" in html and "Chongqing" in html
    first = event.history.earliest()
    assert reverse("admin:biotech_events_event_revert", args=[event.pk, first.history_id]) in html


def test_reverting_from_the_admin_restores_fields_and_citations(seeded, admin_client):
    event = Event.objects.get(slug=CBIC)
    version = event.history.latest()
    quotes = set(event.citations.values_list("quote", flat=True))
    event.city = "Chongqing"
    event.save()
    event.citations.all().delete()

    url = reverse("admin:biotech_events_event_revert", args=[event.pk, version.history_id])
    confirmation = admin_client.get(url)
    assert confirmation.status_code == 200
    assert "Chongqing" in confirmation.content.decode()
    response = admin_client.post(url)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.city == "Chengdu"
    assert set(event.citations.values_list("quote", flat=True)) == quotes


def test_deleted_records_are_listed_and_restored(seeded, admin_client):
    park = Park.objects.create(name="Short-lived Park", slug="short-lived-park", kind="industrial_park")
    pk = park.pk
    park.delete()
    listing = admin_client.get(reverse("admin:biotech_events_park_deleted"))
    assert "Short-lived Park" in listing.content.decode()
    response = admin_client.post(reverse("admin:biotech_events_park_deleted"), {"pk": pk})
    assert response.status_code == 302
    assert Park.objects.filter(pk=pk, slug="short-lived-park").exists()


def test_staff_without_change_permission_cannot_revert(seeded, client, django_user_model):
    staff = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    client.force_login(staff)
    event = Event.objects.get(slug=CBIC)
    url = reverse("admin:biotech_events_event_revert", args=[event.pk, event.history.latest().history_id])
    assert client.post(url).status_code == 403
