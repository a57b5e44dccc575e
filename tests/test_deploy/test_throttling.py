"""API rate limits: 429 with Retry-After past the anonymous or per-user rate; Redis shares the counts."""

import uuid

import pytest
import redis
from django.conf import settings
from django.core.cache import caches
from django.test import override_settings
from rest_framework.settings import api_settings
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from config.settings import cache_from_url
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/companies/"


def statuses(client, count, path=LIST):
    return [client.get(path).status_code for _ in range(count)]


def as_user():
    client = APIClient()
    client.force_authenticate(UserFactory())
    return client


def test_throttling_is_on_in_tests_with_rates_no_test_reaches():
    classes = api_settings.DEFAULT_THROTTLE_CLASSES
    assert classes == [AnonRateThrottle, UserRateThrottle]
    assert SimpleRateThrottle.THROTTLE_RATES == {"anon": "100000/s", "user": "100000/s"}
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_anonymous_clients_get_429_with_retry_after(throttle_rates):
    throttle_rates(anon="3/min", user="100/min")
    client = APIClient()
    assert statuses(client, 3) == [200, 200, 200]
    refused = client.get(LIST)
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/json"
    assert 0 < int(refused["Retry-After"]) <= 60
    assert refused.json()["detail"].startswith("Request was throttled.")
    assert client.get("/api/v1/events/").status_code == 429, "the rate counts every endpoint together"


def test_each_user_has_a_budget_of_their_own(throttle_rates):
    throttle_rates(anon="1/min", user="4/min")
    assert statuses(APIClient(), 2) == [200, 429]
    first = as_user()
    assert statuses(first, 5) == [200, 200, 200, 200, 429], "a user is held to the user rate, not the anonymous one"
    assert int(first.get(LIST)["Retry-After"]) <= 60
    assert statuses(as_user(), 4) == [200] * 4, "another user is counted apart"


def test_anonymous_clients_are_counted_by_address_not_by_a_forgeable_header(throttle_rates):
    throttle_rates(anon="2/min")
    client = APIClient()
    forged = [
        client.get(LIST, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}", REMOTE_ADDR="203.0.113.9").status_code
        for n in range(3)
    ]
    assert forged == [200, 200, 429]
    assert client.get(LIST, REMOTE_ADDR="203.0.113.10").status_code == 200, "another address has its own count"


def test_the_window_passes_and_requests_are_answered_again(throttle_rates, monkeypatch):
    throttle_rates(anon="2/min")
    now = [1_000_000.0]
    monkeypatch.setattr(SimpleRateThrottle, "timer", lambda self: now[0])
    client = APIClient()
    assert statuses(client, 3) == [200, 200, 429]
    assert client.get(LIST)["Retry-After"] == "60"
    now[0] += 30
    assert client.get(LIST)["Retry-After"] == "30"
    now[0] += 31
    assert statuses(client, 1) == [200]


def test_off_means_no_limit(throttle_rates):
    throttle_rates(anon=None, user=None)
    assert set(statuses(APIClient(), 30)) == {200}


def test_the_counts_live_in_the_configured_redis_cache(throttle_rates):
    """With CACHE_URL set, every worker reads and writes the same counts."""
    throttle_rates(anon="2/min")
    config = {**cache_from_url("redis://127.0.0.1:6379/1"), "KEY_PREFIX": f"test-throttle-{uuid.uuid4().hex}"}
    key = "throttle_anon_203.0.113.20"
    with override_settings(CACHES={"default": config}):
        client = APIClient()
        try:
            first = client.get(LIST, REMOTE_ADDR="203.0.113.20").status_code
        except redis.exceptions.ConnectionError as error:
            pytest.fail(
                f"Redis at 127.0.0.1:6379 is not reachable ({error}); it is a service of this project's machines."
            )
        assert first == 200
        # Another worker: its own connection to the same Redis.
        other_worker = caches.create_connection("default")
        assert len(other_worker.get(key)) == 1
        other_worker.set(key, [*other_worker.get(key), *other_worker.get(key)], 60)  # its requests count too
        try:
            assert client.get(LIST, REMOTE_ADDR="203.0.113.20").status_code == 429
        finally:
            other_worker.delete(key)
