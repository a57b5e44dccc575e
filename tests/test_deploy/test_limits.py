"""Limits: request body size (413 JSON naming the limit), page_size capped at 500, a bounded streaming CSV."""

import csv
import io
import json
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from biotech_events import choices
from biotech_events.api.pagination import MAX_PAGE_SIZE
from biotech_events.models import Company
from tests.factories import CompanyFactory, UserFactory

pytestmark = pytest.mark.django_db

LIMIT = 4096


@pytest.fixture
def body_limit(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = LIMIT
    return LIMIT


@pytest.fixture
def writer():
    """An API client for a user who may add companies."""
    user = UserFactory()
    user.user_permissions.set(Permission.objects.filter(codename="add_company"))
    client = APIClient()
    client.force_authenticate(user)
    return client


def company_json(size):
    body = {"name": "Oversized Pharma", "slug": "oversized-pharma", "kind": "pharma", "description": ""}
    body["description"] = "x" * (size - len(json.dumps(body)))
    encoded = json.dumps(body)
    assert len(encoded) == size
    return encoded


def assert_names_the_limit(response, size):
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": f"The request body is {size:,} bytes; at most {LIMIT:,} bytes are accepted (API_MAX_BODY_BYTES).",
        "max_body_bytes": LIMIT,
    }


def test_a_json_body_over_the_limit_is_413_and_nothing_is_written(body_limit, writer):
    response = writer.post("/api/v1/companies/", company_json(LIMIT + 1), content_type="application/json")
    assert_names_the_limit(response, LIMIT + 1)
    assert not Company.objects.filter(slug="oversized-pharma").exists()


def test_a_json_body_at_the_limit_is_read(body_limit, writer):
    response = writer.post("/api/v1/companies/", company_json(LIMIT), content_type="application/json")
    assert response.status_code == 201, response.json()
    assert len(Company.objects.get(slug="oversized-pharma").description) > LIMIT / 2


def test_every_write_method_and_anonymous_clients_get_413_first(body_limit, writer):
    company = CompanyFactory()
    for method in ("put", "patch"):
        response = getattr(writer, method)(
            f"/api/v1/companies/{company.pk}/", company_json(LIMIT + 10), content_type="application/json"
        )
        assert_names_the_limit(response, LIMIT + 10)
    anonymous = APIClient().post("/api/v1/companies/", company_json(LIMIT + 1), content_type="application/json")
    assert_names_the_limit(anonymous, LIMIT + 1)


def test_a_form_post_over_the_limit_outside_the_api_is_413(body_limit, client):
    body = urlencode({"username": "someone", "password": "x" * LIMIT})
    response = client.post("/admin/login/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert response.json()["max_body_bytes"] == LIMIT


def test_file_uploads_outside_the_api_are_not_counted(body_limit, client):
    """The admin's import takes files larger than the body limit (Django does not count uploaded files)."""
    upload = io.BytesIO(b"name,slug\n" + b"a,b\n" * LIMIT)
    upload.name = "companies.csv"
    response = client.post("/admin/login/", {"username": "someone", "password": "x", "file": upload})
    assert response.status_code == 200, "the login form comes back: the body was read"


def test_a_multipart_body_to_the_api_counts_in_full(body_limit, writer):
    upload = io.BytesIO(b"x" * LIMIT)
    upload.name = "big.bin"
    response = writer.post("/api/v1/companies/", {"name": "Uploader", "file": upload}, format="multipart")
    assert response.status_code == 413
    assert response.json()["max_body_bytes"] == LIMIT


def test_without_the_middleware_the_api_still_answers_413_json(body_limit, writer, settings):
    """Defence in depth: Django's own limit, hit while DRF parses a form field, is a 413 JSON too, not a 400 page."""
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("RequestBodyLimitMiddleware")]
    response = writer.post("/api/v1/companies/", {"name": "y" * (LIMIT + 1), "kind": "pharma"}, format="multipart")
    assert response.status_code == 413
    assert response.json() == {
        "detail": f"The request body is too large; at most {LIMIT:,} bytes are accepted (API_MAX_BODY_BYTES).",
        "max_body_bytes": LIMIT,
    }


def test_page_size_beyond_the_maximum_is_capped(api_rows):
    response = APIClient().get("/api/v1/companies/", {"page_size": 100000, "fields": "id"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == MAX_PAGE_SIZE + 5
    assert len(body["results"]) == MAX_PAGE_SIZE == 500
    assert body["next"] is not None, "the rest is on the next page"
    rest = APIClient().get(body["next"]).json()["results"]
    assert len(rest) == 5


@pytest.fixture
def api_rows():
    Company.objects.bulk_create(
        Company(name=f"Bulk Pharma {n:04}", slug=f"bulk-pharma-{n:04}", kind=choices.CompanyKind.PHARMA)
        for n in range(MAX_PAGE_SIZE + 5)
    )


def test_the_csv_export_is_bounded_and_streams(settings):
    CompanyFactory.create_batch(12)
    settings.API_CSV_MAX_ROWS = 5
    with CaptureQueriesContext(connection) as before_reading:
        response = APIClient().get("/api/v1/companies/", {"format": "csv", "fields": "slug", "ordering": "slug"})
    assert response.status_code == 200
    assert response.streaming, "a StreamingHttpResponse: rows are written as they are read"
    assert response["X-Row-Limit"] == "5"
    assert not any("biotech_events_company" in query["sql"] for query in before_reading.captured_queries), (
        "no row is read before the body is"
    )
    with CaptureQueriesContext(connection) as reading:
        text = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["slug"] for row in rows] == list(Company.objects.order_by("slug").values_list("slug", flat=True)[:5])
    [select] = [query["sql"] for query in reading.captured_queries if "biotech_events_company" in query["sql"]]
    assert "LIMIT 5" in select, "the bound is in the query: no more rows are read from the database"
