"""/healthz: database reachable → 200, unreachable → 503 naming the error; plain HTTP, never throttled."""

import json

import pytest

from .conftest import production_env, run_python

pytestmark = pytest.mark.django_db


def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-store" in response["Cache-Control"], "a probe must never be answered from a cache"


def test_head_is_answered_and_writes_are_not(client):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


def test_answers_plain_http_while_everything_else_redirects_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    redirected = client.get("/api/v1/events/")
    assert redirected.status_code == 301
    assert redirected["Location"] == "https://testserver/api/v1/events/"
    assert client.get("/api/v1/events/", secure=True).status_code == 200


def test_needs_no_credentials_and_is_never_throttled(client, throttle_rates):
    throttle_rates(anon="1/min")
    assert client.get("/api/v1/events/").status_code == 200
    assert client.get("/api/v1/events/").status_code == 429, "the API is throttled at this rate"
    assert [client.get("/healthz").status_code for _ in range(5)] == [200] * 5


# Runs in its own process: a database that refuses connections, the real driver's error, the real log output.
UNREACHABLE = """
from django.conf import settings
import django
django.setup()
from django.test import Client
response = Client().get("/healthz", headers={"host": "catalogue.example.org"}, secure=True)
print(response.status_code)
print(response.content.decode())
"""


def test_an_unreachable_database_answers_503_naming_the_error():
    # Nothing listens on port 9 (discard): the connection is refused at once.
    result = run_python(UNREACHABLE, production_env(DATABASE_URL="postgres://postgres@127.0.0.1:9/nowhere"))
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.strip().splitlines()
    assert status == "503"
    assert json.loads(body) == {"status": "error", "database": "unavailable (OperationalError)"}
    logs = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    failure = next(entry for entry in logs if entry["logger"] == "biotech_events.health")
    assert failure["level"] == "ERROR"
    assert "127.0.0.1" in failure["message"], "the log names what failed; the public body does not"
    request = next(entry for entry in logs if entry["logger"] == "biotech_events.request")
    assert (request["path"], request["status"], request["level"]) == ("/healthz", 503, "ERROR")
