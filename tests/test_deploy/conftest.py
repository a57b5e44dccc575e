import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from rest_framework.throttling import SimpleRateThrottle

ROOT = Path(__file__).resolve().parents[2]

# Variables the settings and gunicorn's config read, removed from a subprocess's environment so that
# only what a test gives counts. DATABASE_URL stays: the subprocess uses the suite's database.
SETTINGS_VARIABLES = [
    "DJANGO_SETTINGS_MODULE",
    "DB_CONN_MAX_AGE",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "CACHE_URL",
    "API_THROTTLE_ANON",
    "API_THROTTLE_USER",
    "API_NUM_PROXIES",
    "API_MAX_BODY_BYTES",
    "API_COUNT_CAP",
    "API_CSV_MAX_ROWS",
    "LOG_LEVEL",
    "HOST",
    "PORT",
    "WEB_CONCURRENCY",
    "GUNICORN_CMD_ARGS",
    "FORWARDED_ALLOW_IPS",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests' session; never in production
]


def production_env(**overrides):
    """The production configuration as `make serve` gets it: DEBUG off, a strong key, nothing else set."""
    env = {name: value for name, value in os.environ.items() if name not in SETTINGS_VARIABLES}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="catalogue.example.org",
    )
    env.update(overrides)
    return {name: value for name, value in env.items() if value is not None}


def run_python(code, env, timeout=120):
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def run_manage(*arguments, env, timeout=120):
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def throttle_rates(monkeypatch):
    """Set the API's rates for one test, on an empty cache.

    DRF copies DEFAULT_THROTTLE_RATES onto SimpleRateThrottle when it is imported, so override_settings
    would not reach it: the class attribute is patched instead.
    """
    cache.clear()

    def set_rates(anon=None, user=None):
        monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": anon, "user": user})

    yield set_rates
    cache.clear()
