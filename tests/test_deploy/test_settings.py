"""The production configuration: `check --deploy` is silent, a missing key fails clearly, switches work."""

import json
import re

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings import cache_from_url, env_flag, env_int, env_throttle_rate

from .conftest import ROOT, SETTINGS_VARIABLES, production_env, run_manage, run_python

DUMPED = [
    "DEBUG",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "SECURE_REDIRECT_EXEMPT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "STORAGES",
    "CACHES",
    "REST_FRAMEWORK",
    "DATA_UPLOAD_MAX_MEMORY_SIZE",
    "LOGGING",
    "MIDDLEWARE",
    "DATABASES",
    "API_COUNT_CAP",
    "API_CSV_MAX_ROWS",
]
DUMP = f"""
import json
from django.conf import settings
print(json.dumps({{name: getattr(settings, name) for name in {DUMPED!r}}}, default=str))
"""


def effective_settings(**env):
    result = run_python(DUMP, production_env(**env))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_check_deploy_reports_nothing_in_production():
    result = run_manage("check", "--deploy", "--fail-level", "DEBUG", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    # On SQLite, the warning that covering indexes lose their included column there is silenced.
    assert re.fullmatch(r"System check identified no issues \(\d+ silenced\)\.", result.stdout.strip())
    assert result.stderr == ""


def test_check_deploy_names_a_switched_off_protection():
    """The check is live: turning a protection off is reported (so a silent check means something)."""
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(SECURE_SSL_REDIRECT="0"))
    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr


def test_a_missing_secret_key_stops_start_up_saying_what_to_do():
    result = run_manage("check", env=production_env(SECRET_KEY=None))
    assert result.returncode != 0
    message = result.stderr.strip().splitlines()[-1]
    assert message.startswith("django.core.exceptions.ImproperlyConfigured: SECRET_KEY is not set.")
    assert "secrets.token_urlsafe(50)" in message
    assert "export SECRET_KEY=" in message


def test_an_empty_secret_key_counts_as_missing():
    result = run_manage("check", env=production_env(SECRET_KEY=""))
    assert result.returncode != 0
    assert "SECRET_KEY is not set." in result.stderr


def test_production_defaults_are_secure():
    values = effective_settings()
    assert values["DEBUG"] is False
    assert values["ALLOWED_HOSTS"] == ["catalogue.example.org"]
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_HSTS_PRELOAD"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] is None, "X-Forwarded-Proto is believed only when configured"
    assert any(re.search(pattern, "healthz") for pattern in values["SECURE_REDIRECT_EXEMPT"])
    assert not any(re.search(pattern, "api/v1/events/") for pattern in values["SECURE_REDIRECT_EXEMPT"])
    assert values["STORAGES"]["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in values["MIDDLEWARE"]
    assert values["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    api = values["REST_FRAMEWORK"]
    assert api["DEFAULT_THROTTLE_RATES"] == {"anon": "120/min", "user": "1200/min"}
    assert api["DEFAULT_THROTTLE_CLASSES"] == [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ]
    assert api["NUM_PROXIES"] == 0
    assert values["DATA_UPLOAD_MAX_MEMORY_SIZE"] == 1024 * 1024
    assert values["LOGGING"]["root"]["level"] == "INFO"
    assert values["DATABASES"]["default"]["CONN_MAX_AGE"] == 60
    assert values["API_COUNT_CAP"] == 10_000
    assert values["API_CSV_MAX_ROWS"] == 1_000_000


def test_local_development_defaults_serve_plain_http():
    values = effective_settings(DEBUG=None, SECRET_KEY=None)
    assert values["DEBUG"] is True
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["CSRF_COOKIE_SECURE"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0


def test_every_switch_is_read_from_the_environment():
    values = effective_settings(
        CSRF_TRUSTED_ORIGINS="https://admin.example.org, https://catalogue.example.org",
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="no",
        CSRF_COOKIE_SECURE="off",
        SECURE_HSTS_SECONDS="3600",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="0",
        SECURE_HSTS_PRELOAD="0",
        CACHE_URL="redis://127.0.0.1:6379/1",
        API_THROTTLE_ANON="10/s",
        API_THROTTLE_USER="off",
        API_NUM_PROXIES="1",
        API_MAX_BODY_BYTES="2048",
        LOG_LEVEL="warning",
        DB_CONN_MAX_AGE="0",
        API_COUNT_CAP="500",
        API_CSV_MAX_ROWS="20000",
    )
    assert values["CSRF_TRUSTED_ORIGINS"] == ["https://admin.example.org", "https://catalogue.example.org"]
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["CSRF_COOKIE_SECURE"] is False
    assert values["SECURE_HSTS_SECONDS"] == 3600
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert values["SECURE_HSTS_PRELOAD"] is False
    assert values["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert values["CACHES"]["default"]["LOCATION"] == "redis://127.0.0.1:6379/1"
    assert values["REST_FRAMEWORK"]["DEFAULT_THROTTLE_RATES"] == {"anon": "10/s", "user": None}
    assert values["REST_FRAMEWORK"]["NUM_PROXIES"] == 1
    assert values["DATA_UPLOAD_MAX_MEMORY_SIZE"] == 2048
    assert values["LOGGING"]["root"]["level"] == "WARNING"
    assert values["DATABASES"]["default"]["CONN_MAX_AGE"] == 0
    assert values["API_COUNT_CAP"] == 500
    assert values["API_CSV_MAX_ROWS"] == 20_000


def configuration_variables():
    """The environment variables the settings and gunicorn's config read, found in their source."""
    pattern = r'(?:environ\.get|environ\.setdefault|env_[a-z]+)\(\s*"([A-Z][A-Z0-9_]*)"'
    sources = [(ROOT / "config" / name).read_text() for name in ("settings.py", "gunicorn.conf.py")]
    return {name for source in sources for name in re.findall(pattern, source)}


def test_every_variable_the_configuration_reads_is_documented_in_the_readme():
    documented = set()
    for row in re.findall(r"^\| (`[A-Z][^|]*)\|", (ROOT / "README.md").read_text(), flags=re.MULTILINE):
        documented |= set(re.findall(r"`([A-Z][A-Z0-9_]*)`", row))
    read = configuration_variables()
    assert {"SECRET_KEY", "DATABASE_URL", "WEB_CONCURRENCY"} <= read, "the pattern finds the variables"
    assert read - documented == set()


def test_the_deployment_tests_start_from_none_of_the_variables_but_the_database():
    assert configuration_variables() - set(SETTINGS_VARIABLES) == {"DATABASE_URL"}


def test_a_bad_value_stops_start_up_naming_the_variable():
    result = run_manage("check", env=production_env(API_THROTTLE_ANON="lots"))
    assert result.returncode != 0
    assert "API_THROTTLE_ANON must be a rate such as 120/min" in result.stderr


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("TRUE", True), (" yes ", True), ("on", True), ("0", False), ("False", False), ("", False)],
)
def test_env_flag_reads_the_usual_words(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert env_flag("SOME_FLAG", not expected) is expected


def test_env_flag_refuses_a_word_it_does_not_know(monkeypatch):
    """A typo must not turn a security switch off quietly."""
    monkeypatch.setenv("SECURE_SSL_REDIRECT", "ture")
    with pytest.raises(ImproperlyConfigured, match=r"SECURE_SSL_REDIRECT must be 1/0.*got 'ture'"):
        env_flag("SECURE_SSL_REDIRECT", True)


def test_env_flag_default_when_unset(monkeypatch):
    monkeypatch.delenv("SOME_FLAG", raising=False)
    assert env_flag("SOME_FLAG", True) is True
    assert env_flag("SOME_FLAG", False) is False


@pytest.mark.parametrize("raw", ["many", "-1", "1.5"])
def test_env_int_refuses_what_is_not_a_whole_number(monkeypatch, raw):
    monkeypatch.setenv("API_MAX_BODY_BYTES", raw)
    with pytest.raises(
        ImproperlyConfigured, match=rf"API_MAX_BODY_BYTES must be a whole number of at least 0; got {raw!r}"
    ):
        env_int("API_MAX_BODY_BYTES", 10)


def test_env_int_reads_a_number_or_falls_back(monkeypatch):
    monkeypatch.setenv("API_MAX_BODY_BYTES", " 4096 ")
    assert env_int("API_MAX_BODY_BYTES", 10) == 4096
    monkeypatch.setenv("API_MAX_BODY_BYTES", "")
    assert env_int("API_MAX_BODY_BYTES", 10) == 10


@pytest.mark.parametrize(
    ("raw", "expected"), [("120/min", "120/min"), ("5/S", "5/s"), ("1000/day", "1000/day"), ("off", None), ("", None)]
)
def test_env_throttle_rate(monkeypatch, raw, expected):
    monkeypatch.setenv("API_THROTTLE_ANON", raw)
    assert env_throttle_rate("API_THROTTLE_ANON", "120/min") == expected


@pytest.mark.parametrize("raw", ["120", "120/fortnight", "/min", "x/min", "120 per min"])
def test_env_throttle_rate_refuses_what_drf_cannot_read(monkeypatch, raw):
    monkeypatch.setenv("API_THROTTLE_USER", raw)
    with pytest.raises(ImproperlyConfigured, match="API_THROTTLE_USER must be a rate such as 120/min"):
        env_throttle_rate("API_THROTTLE_USER", "1200/min")


def test_cache_from_url():
    assert cache_from_url("")["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    for url in ["redis://127.0.0.1:6379/1", "rediss://cache.example.org:6380/0", "unix:///run/redis.sock?db=1"]:
        assert cache_from_url(url) == {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "biotech-events",
        }
    assert cache_from_url("locmem://throttle") == {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "throttle",
    }
    with pytest.raises(ImproperlyConfigured, match=r"CACHE_URL must start with redis://.*got 'memcached://x:11211'"):
        cache_from_url("memcached://x:11211")
