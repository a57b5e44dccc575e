"""The browsable API renders, forms included, for a logged-in editor."""

import pytest

from biotech_events.api.endpoints import ENDPOINTS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("segment", [segment for segment, _ in ENDPOINTS.values()])
def test_list_and_detail_pages_render_in_a_browser(seeded, admin_client, segment):
    listing = admin_client.get(f"/api/v1/{segment}/", HTTP_ACCEPT="text/html")
    assert listing.status_code == 200
    assert b"<form" in listing.content, "an editor sees the create form"
    record_id = admin_client.get(f"/api/v1/{segment}/", {"format": "json"}).json()["results"][0]["id"]
    detail = admin_client.get(f"/api/v1/{segment}/{record_id}/", HTTP_ACCEPT="text/html")
    assert detail.status_code == 200


def test_an_editor_can_write_through_the_browsable_api_session(seeded, admin_client):
    response = admin_client.post(
        "/api/v1/parks/",
        {"name": "Session Park", "slug": "session-park", "kind": "industrial_park"},
        content_type="application/json",
    )
    assert response.status_code == 201
