"""One JSON line per request: method, path, status, duration, user, remote address, request id."""

import io
import json
import logging

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from biotech_events.middleware import JSONLogFormatter, RequestLogMiddleware
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGGER = "biotech_events.request"


@pytest.fixture
def request_log(caplog):
    caplog.set_level(logging.DEBUG, logger=LOGGER)

    def records():
        return [record for record in caplog.records if record.name == LOGGER]

    return records


def as_json(record):
    return json.loads(JSONLogFormatter().format(record))


def test_an_anonymous_api_request(client, request_log):
    response = client.get("/api/v1/events/", {"page_size": 1}, REMOTE_ADDR="203.0.113.7")
    [record] = request_log()
    entry = as_json(record)
    assert entry["level"] == "INFO"
    assert entry["logger"] == LOGGER
    assert entry["method"] == "GET"
    assert entry["path"] == "/api/v1/events/"
    assert entry["query"] == "page_size=1"
    assert entry["status"] == 200
    assert isinstance(entry["duration_ms"], float) and entry["duration_ms"] >= 0
    assert entry["user"] == "anonymous"
    assert entry["remote_addr"] == "203.0.113.7"
    assert len(entry["request_id"]) == 32 and entry["request_id"] == response["X-Request-ID"]
    assert entry["message"] == f"GET /api/v1/events/ 200 {entry['duration_ms']:.1f}ms"
    assert "forwarded_for" not in entry


def test_a_token_user_is_logged_by_id(client, request_log):
    """DRF authenticates inside the view; the user it finds is the one logged."""
    user = UserFactory()
    token = Token.objects.create(user=user)
    client.get("/api/v1/companies/", headers={"authorization": f"Token {token.key}"})
    [record] = request_log()
    assert as_json(record)["user"] == str(user.pk)


def test_a_session_user_is_logged_by_id(client, request_log, admin_user):
    client.force_login(admin_user)
    assert client.get("/admin/biotech_events/company/").status_code == 200
    assert as_json(request_log()[-1])["user"] == str(admin_user.pk)


def test_logging_looks_up_no_user_the_view_did_not(client, request_log, admin_user):
    """A probe carrying a session cookie costs its one query: the log does not load the session's user."""
    client.force_login(admin_user)
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/healthz").status_code == 200
    assert len(captured) == 1
    assert as_json(request_log()[-1])["user"] == "anonymous"


def test_a_refused_request_is_logged_with_its_status(client, request_log):
    client.post("/api/v1/companies/", {"name": "x"}, content_type="application/json")
    client.get("/api/v1/companies/no-such-company/")
    assert [(as_json(r)["method"], as_json(r)["status"], r.levelname) for r in request_log()] == [
        ("POST", 401, "INFO"),
        ("GET", 404, "INFO"),
    ]


def test_the_proxy_request_id_is_kept_and_a_malformed_one_replaced(client, request_log):
    kept = client.get("/healthz", headers={"x-request-id": "lb-7f3a.42"})
    assert kept["X-Request-ID"] == "lb-7f3a.42"
    replaced = client.get("/healthz", headers={"x-request-id": "two words\n" + "x" * 200})
    assert len(replaced["X-Request-ID"]) == 32 and replaced["X-Request-ID"].isalnum()
    assert [as_json(r)["request_id"] for r in request_log()] == ["lb-7f3a.42", replaced["X-Request-ID"]]


def test_a_forwarded_for_header_is_logged_beside_the_peer(client, request_log):
    client.get("/healthz", headers={"x-forwarded-for": "198.51.100.4, 10.0.0.2"}, REMOTE_ADDR="10.0.0.3")
    entry = as_json(request_log()[0])
    assert (entry["remote_addr"], entry["forwarded_for"]) == ("10.0.0.3", "198.51.100.4, 10.0.0.2")


def test_health_probes_are_quiet_but_their_failures_are_not(request_log):
    def answer(path, status):
        RequestLogMiddleware(lambda request: HttpResponse(status=status))(RequestFactory().get(path))
        return request_log()[-1].levelname

    assert answer("/healthz", 200) == "DEBUG"
    assert answer("/healthz", 503) == "ERROR"
    assert answer("/api/v1/events/", 200) == "INFO"
    assert answer("/api/v1/events/", 404) == "INFO"
    assert answer("/api/v1/events/", 500) == "ERROR"


def test_nothing_is_built_when_the_level_is_off(caplog):
    caplog.set_level(logging.WARNING, logger=LOGGER)
    RequestLogMiddleware(lambda request: HttpResponse())(RequestFactory().get("/api/v1/"))
    assert not [record for record in caplog.records if record.name == LOGGER]


def test_the_formatter_writes_one_json_object_per_record():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JSONLogFormatter())
    logger = logging.getLogger("tests.deploy.formatter")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("slow: %s", "events", extra={"duration_ms": 12.5, "request": object()})
        try:
            raise ValueError("bad value")
        except ValueError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["message"] == "slow: events"
    assert first["level"] == "WARNING"
    assert first["duration_ms"] == 12.5
    assert first["request"].startswith("<object object"), "what JSON cannot hold is written as text"
    assert first["time"].endswith("+00:00")
    assert not {"args", "msg", "levelno", "pathname", "exc_info"} & set(first)
    assert second["level"] == "ERROR"
    assert "ValueError: bad value" in second["exception"]


def test_settings_send_every_record_through_the_json_formatter():
    from django.conf import settings

    assert settings.LOGGING["formatters"]["json"]["()"] == "biotech_events.middleware.JSONLogFormatter"
    root = logging.getLogger()
    assert any(isinstance(handler.formatter, JSONLogFormatter) for handler in root.handlers)
    assert settings.MIDDLEWARE[0] == "biotech_events.middleware.RequestLogMiddleware"
