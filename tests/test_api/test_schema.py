"""The OpenAPI description is valid, warning-free, served, and covers every route and filter."""

import pytest
import yaml
from django.core.management import call_command

from biotech_events.api.endpoints import ENDPOINTS
from biotech_events.api.urls import VIEWSETS

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(tmp_path_factory):
    path = tmp_path_factory.mktemp("schema") / "openapi.yaml"
    # --validate checks it against the OpenAPI 3 JSON schema; --fail-on-warn makes any warning an error.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(path.read_text())


def filter_parameters(filterset_class):
    names = set()
    for name, filter_ in filterset_class.base_filters.items():
        widget = filter_.field_class.widget
        suffixes = getattr(widget, "suffixes", None)
        names |= {f"{name}_{suffix}" if suffix else name for suffix in suffixes} if suffixes else {name}
    return names


def test_the_schema_is_openapi_3(schema):
    assert schema["openapi"].startswith("3.")


@pytest.mark.parametrize(("segment", "basename"), ENDPOINTS.values())
def test_every_route_and_method_is_described(schema, segment, basename):
    assert set(schema["paths"][f"/api/v1/{segment}/"]) >= {"get", "post"}
    assert set(schema["paths"][f"/api/v1/{segment}/{{id}}/"]) >= {"get", "put", "patch", "delete"}


@pytest.mark.parametrize(("segment", "basename"), ENDPOINTS.values())
def test_every_filter_is_a_documented_parameter(schema, segment, basename):
    documented = {p["name"] for p in schema["paths"][f"/api/v1/{segment}/"]["get"]["parameters"]}
    expected = filter_parameters(VIEWSETS[basename].filterset_class)
    assert expected <= documented
    assert {"search", "ordering", "page", "page_size", "fields", "brief", "format", "cursor"} <= documented


def test_the_schema_and_its_viewers_are_served(api):
    assert api.get("/api/v1/schema/").status_code == 200
    assert api.get("/api/v1/docs/").status_code == 200
    assert api.get("/api/v1/redoc/").status_code == 200
