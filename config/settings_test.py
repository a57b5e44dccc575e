"""Test settings: the normal settings with a fast password hasher, and nothing shared between test runs.

Throttling stays on (its code runs on every API request) with rates no test reaches; the throttling
tests set their own rates. The cache is this process's memory whatever CACHE_URL says, so parallel
test runs never share counts. Static files come from the apps' folders: no `collectstatic` needed.
"""

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"anon": "100000/s", "user": "100000/s"},
}
CACHES = {"default": cache_from_url("")}  # noqa: F405

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Find files per request rather than scanning STATIC_ROOT each time a test client starts the middleware.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
