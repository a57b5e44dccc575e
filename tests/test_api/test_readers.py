"""The row reader (lists, details, CSV) answers exactly what the DRF serializers answer."""

import pytest

from biotech_events.api import views
from biotech_events.api.endpoints import ENDPOINTS
from biotech_events.api.readers import reader_for

pytestmark = pytest.mark.django_db

SEGMENTS = [segment for segment, _ in ENDPOINTS.values()]
# Endpoints whose every field the reader builds from rows: the ones that must stay fast.
READ_FROM_ROWS = ["events", "organizers", "companies", "people", "deals", "parks", "rankings", "reports"]


@pytest.fixture
def drf_only(monkeypatch):
    """Switch the reader off, so the same request is answered by the DRF serializers."""

    def answer(api, path, params=None):
        with monkeypatch.context() as patch:
            patch.setattr(views, "reader_for", lambda *args, **kwargs: None)
            return api.get(path, params)

    return answer


def viewset(segment):
    return next(
        view for view in views.CatalogueViewSet.__subclasses__() + _all_subclasses() if _segment(view) == segment
    )


def _all_subclasses(cls=views.CatalogueViewSet):
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_all_subclasses(sub)]
    return found


def _segment(view):
    queryset = getattr(view, "queryset", None)
    return ENDPOINTS.get(queryset.model, (None,))[0] if queryset is not None else None


@pytest.mark.parametrize("segment", READ_FROM_ROWS)
def test_the_main_endpoints_are_read_from_rows(segment):
    assert reader_for(viewset(segment).serializer_class) is not None


@pytest.mark.parametrize("segment", SEGMENTS)
@pytest.mark.parametrize(
    "params",
    [{}, {"brief": "1"}, {"fields": "id,display,citations"}, {"ordering": "-id"}],
    ids=["all-fields", "brief", "some-fields", "ordered"],
)
def test_a_list_page_is_the_same_on_both_paths(seeded, api, drf_only, segment, params):
    path = f"/api/v1/{segment}/"
    params = {"page_size": 500, **params}
    if params.get("fields") and segment in ("sources",):
        params["fields"] = "id,display"
    fast, slow = api.get(path, params), drf_only(api, path, params)
    assert fast.status_code == slow.status_code == 200, fast.content
    assert fast.json() == slow.json()
    assert fast.json()["results"], "the seeds have records of every kind"


@pytest.mark.parametrize("segment", SEGMENTS)
def test_every_detail_is_the_same_on_both_paths(seeded, api, drf_only, segment):
    for row in api.get(f"/api/v1/{segment}/", {"page_size": 500, "fields": "id"}).json()["results"]:
        path = f"/api/v1/{segment}/{row['id']}/"
        fast, slow = api.get(path), drf_only(api, path)
        assert fast.status_code == slow.status_code == 200
        assert fast.json() == slow.json(), path


@pytest.mark.parametrize("segment", ["events", "deals", "companies"])
def test_csv_is_the_same_on_both_paths(seeded, api, drf_only, segment):
    path = f"/api/v1/{segment}/"
    fast, slow = api.get(path, {"format": "csv"}), drf_only(api, path, {"format": "csv"})
    assert b"".join(fast.streaming_content) == b"".join(slow.streaming_content)


def test_the_cursor_mode_walks_rows_read_from_rows(seeded, api, drf_only):
    params = {"cursor": "", "ordering": "-start_date", "page_size": 4}
    fast, slow = api.get("/api/v1/events/", params).json(), drf_only(api, "/api/v1/events/", params).json()
    assert fast == slow
    assert api.get(fast["next"]).json() == drf_only(api, fast["next"]).json()


def test_nested_lists_are_compiled_once_and_sent_the_ids_as_one_array_on_postgresql(seeded, api):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from biotech_events.api.readers import _children_statement

    if connection.vendor != "postgresql":
        pytest.skip("SQLite reads nested lists with IN (...), compiled each time")
    api.get("/api/v1/events/", {"page_size": 20})
    compiled = _children_statement.cache_info().currsize
    with CaptureQueriesContext(connection) as queries:
        api.get("/api/v1/events/", {"page_size": 50, "page": 1})
    assert _children_statement.cache_info().currsize == compiled, "the same statements, whatever the page"
    nested = [q["sql"] for q in queries if "= ANY(" in q["sql"]]
    assert len(nested) >= 10
    assert not any(" IN (" in sql for sql in nested)
