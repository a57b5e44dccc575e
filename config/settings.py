"""Settings for the biotech events catalogue, read from the environment in one place.

Every variable is listed with its default in README.md ("Configuration"). DEBUG defaults to on for
the local demo; with DEBUG off the secure defaults apply (HTTPS only, secure cookies, HSTS) and
SECRET_KEY must be given.
"""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
SEEDS_DIR = BASE_DIR / "seeds"
FIXTURES_DIR = BASE_DIR / "fixtures"

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_flag(name, default):
    """A boolean variable; a value that is neither true nor false is refused rather than read as false."""
    raw = os.environ.get(name)
    if raw is None:
        return bool(default)
    value = raw.strip().lower()
    if value not in TRUE_WORDS | FALSE_WORDS:
        raise ImproperlyConfigured(f"{name} must be 1/0, true/false, yes/no or on/off; got {raw!r}.")
    return value in TRUE_WORDS


def env_list(name, default):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name, default, *, minimum=0):
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or value < minimum:
        raise ImproperlyConfigured(f"{name} must be a whole number of at least {minimum}; got {raw!r}.")
    return value


THROTTLE_RATE = re.compile(r"\d+/(s|sec|second|m|min|minute|h|hour|d|day)")


def env_throttle_rate(name, default):
    """A DRF rate such as "120/min"; "off" (or empty) means no limit."""
    raw = os.environ.get(name, default).strip().lower()
    if raw in {"off", "none", ""}:
        return None
    if not THROTTLE_RATE.fullmatch(raw):
        raise ImproperlyConfigured(
            f"{name} must be a rate such as 120/min (per s, min, hour or day) or off; got {raw!r}."
        )
    return raw


def cache_from_url(url):
    """CACHES["default"] from CACHE_URL: redis://, rediss:// or unix:// (Redis), locmem:// (this process only)."""
    if not url:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "biotech-events"}
    scheme = urlsplit(url).scheme
    if scheme in {"redis", "rediss", "unix"}:
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "biotech-events",
        }
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": urlsplit(url).netloc}
    raise ImproperlyConfigured(
        f"CACHE_URL must start with redis://, rediss://, unix:// or locmem://; got {url!r} "
        "(e.g. redis://127.0.0.1:6379/1)."
    )


DEBUG = env_flag("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off the secret key must come from the environment: generate one "
            "with `python -c 'import secrets; print(secrets.token_urlsafe(50))'`, keep it secret and the same "
            "across restarts, and export SECRET_KEY=<that value> (or set DEBUG=1 for local development only)."
        )
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
# Origins (scheme://host[:port]) allowed to send unsafe requests from another host, e.g. a separate admin domain.
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# HTTPS. With DEBUG off everything defaults to HTTPS only; behind a proxy that terminates TLS, the app sees
# plain HTTP and must be told which header carries the original scheme (gunicorn already honours
# X-Forwarded-Proto from FORWARDED_ALLOW_IPS, by default 127.0.0.1). Set a switch to 0 to serve plain HTTP.
_proxy_ssl_header = os.environ.get("SECURE_PROXY_SSL_HEADER", "").strip()
_proxy_ssl_header = _proxy_ssl_header.upper().replace("-", "_").removeprefix("HTTP_")
SECURE_PROXY_SSL_HEADER = (f"HTTP_{_proxy_ssl_header}", "https") if _proxy_ssl_header else None
SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", not DEBUG)
# A load balancer's health probe speaks plain HTTP to the app.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env_flag("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_flag("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_flag("SECURE_HSTS_PRELOAD", not DEBUG)

INSTALLED_APPS = [
    # First, so that its templates refine the admin's and simple_history's.
    "biotech_events",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",  # trigram search lookups, used on PostgreSQL only
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and ReDoc served locally, not from a CDN
    "simple_history",
    "import_export",
]

MIDDLEWARE = [
    # First, so that it times and logs every response: redirects, static files and refusals included.
    "biotech_events.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Refuses an oversized body from its Content-Length before anything reads it (DRF's parsers bypass Django's check).
    "biotech_events.middleware.RequestBodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records who made each change (admin session or API token) in the history tables.
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Covering indexes (INCLUDE) are PostgreSQL's; on SQLite the index simply has no extra column.
SILENCED_SYSTEM_CHECKS = ["models.W040"] if DATABASES["default"]["ENGINE"].endswith("sqlite3") else []

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "Asia/Shanghai"
# The catalogue and its admin are in English: no translation machinery on every label rendered.
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# `collectstatic` writes content-hashed, compressed copies that whitenoise serves with far-future caching;
# with DEBUG off, pages need its manifest (`make serve` runs it first).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# The API's throttle counts live here: set CACHE_URL (Redis) when several workers or machines serve the
# app, or each process counts on its own (the default, locmem).
CACHES = {"default": cache_from_url(os.environ.get("CACHE_URL", "").strip())}

# The largest request body accepted (not counting uploaded files outside the API): 413 beyond it.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("API_MAX_BODY_BYTES", 1024 * 1024, minimum=1)

# Logs are JSON lines on stderr: one per request from biotech_events.request (a successful /healthz at
# DEBUG only), and Django's own warnings and errors.
LOG_LEVEL = os.environ.get("LOG_LEVEL", "").strip().upper() or "INFO"
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL; got {LOG_LEVEL!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "biotech_events.middleware.JSONLogFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # Django's default sends its records to its own console handler (DEBUG only) and to mail_admins;
    # here they go through the root's JSON handler instead.
    "loggers": {"django": {"handlers": [], "level": LOG_LEVEL, "propagate": True}},
}

FIXTURE_DIRS = [FIXTURES_DIR, SEEDS_DIR]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an anonymous write is answered 401 with a WWW-Authenticate challenge.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Anyone may read; writing needs the Django model permission (add, change or delete).
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.DjangoModelPermissionsOrAnonReadOnly"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "biotech_events.api.filters.CatalogueSearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "biotech_events.api.pagination.CataloguePagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "biotech_events.api.exceptions.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # 429 with Retry-After past these rates; anonymous clients are counted by address, users by id.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_throttle_rate("API_THROTTLE_ANON", "120/min"),
        "user": env_throttle_rate("API_THROTTLE_USER", "1200/min"),
    },
    # How many proxies append to X-Forwarded-For; 0 counts the peer address and ignores the header,
    # which a client could otherwise forge to dodge its limit.
    "NUM_PROXIES": env_int("API_NUM_PROXIES", 0),
}

# Lists count at most this many rows exactly; beyond, they say "at least" (count_exact: false).
API_COUNT_CAP = env_int("API_COUNT_CAP", 10000, minimum=1)
# ?format=csv streams every filtered row of a list, up to this many.
API_CSV_MAX_ROWS = env_int("API_CSV_MAX_ROWS", 1000000, minimum=1)

SPECTACULAR_SETTINGS = {
    "TITLE": "Biotech events catalogue API",
    "DESCRIPTION": (
        "A curated, citable catalogue of China's biopharma industry events. Every record carries "
        "citations quoting its source article verbatim. Anyone may read; writing needs a token "
        "(or a session) of a user holding the Django model permission."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # One named enum per vocabulary in biotech_events/choices.py.
    "ENUM_NAME_OVERRIDES": {
        f"{name}Enum": f"biotech_events.choices.{name}"
        for name in [
            "DatePrecision",
            "EventKind",
            "OrganizerKind",
            "CompanyKind",
            "HostRole",
            "CompanyRole",
            "PersonRole",
            "NameOrder",
            "HonourKind",
            "DealKind",
            "DealRole",
            "AmountQualifier",
            "ParkKind",
            "RankingCategory",
            "Language",
            "AliasKind",
        ]
    },
}

# django-import-export: import and export buttons on the catalogue's changelists
# (biotech_events/admin/resources.py). Only these three formats are offered, for both directions.
from import_export.formats.base_formats import CSV, JSON, XLSX  # noqa: E402

IMPORT_EXPORT_FORMATS = [CSV, XLSX, JSON]
IMPORT_EXPORT_USE_TRANSACTIONS = True  # one transaction per import; the resources roll it back on any invalid row
