"""The API records who wrote, and exposes each record's history read-only."""

import pytest

from biotech_events.models import Company

pytestmark = pytest.mark.django_db


def test_api_writes_record_the_authenticated_user_and_history_is_readable(seeded, client_with, api):
    client = client_with("change_company")
    response = client.patch("/api/v1/companies/roche/", {"hq_country": "CH"}, format="json")
    assert response.status_code == 200
    history = api.get("/api/v1/companies/roche/history/").json()
    newest = history["results"][0]
    assert newest["type"] == "changed"
    assert newest["user"] == client.user.username
    assert newest["changes"] == [{"field": "hq_country", "old": "", "new": "CH"}]
    assert history["results"][-1]["type"] == "created"
    assert history["count"] == Company.objects.get(slug="roche").history.count()


def test_history_is_read_only(seeded, client_with):
    client = client_with("change_company", "delete_company", "add_company")
    assert client.post("/api/v1/companies/roche/history/", {}, format="json").status_code == 405
    assert client.delete("/api/v1/companies/roche/history/").status_code == 405


def test_history_of_an_unknown_record_is_404(seeded, api):
    assert api.get("/api/v1/companies/no-such-company/history/").status_code == 404
