"""Request middleware: one JSON log line per request, and the request body size limit.

RequestLogMiddleware logs method, path, status, duration, user, remote address and request id to the
`biotech_events.request` logger; JSONLogFormatter (used by settings.LOGGING) writes every log record as
one JSON line. RequestBodyLimitMiddleware answers 413 to a body over DATA_UPLOAD_MAX_MEMORY_SIZE before
anything reads it: DRF's parsers read the request stream directly, so Django's own check never runs for
a JSON body.
"""

import datetime
import json
import logging
import re
import time
import uuid

from django.conf import settings
from django.http import JsonResponse
from django.utils.functional import LazyObject, empty

logger = logging.getLogger("biotech_events.request")

API_PREFIX = "/api/"  # where config/urls.py mounts the API
# Paths polled by load balancers: a success there is logged at DEBUG, not INFO.
QUIET_PATHS = {"/healthz"}
# A request id from the proxy (X-Request-ID) is kept when it looks like one; otherwise a new one is made.
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")

# Attributes every LogRecord has; anything else on a record came through `extra=` and is written as a field.
STANDARD_RECORD_ATTRIBUTES = {*vars(logging.LogRecord("", 0, "", 0, "", (), None)), "message", "asctime"}


class JSONLogFormatter(logging.Formatter):
    """One JSON object per record: time (UTC), level, logger, message, the `extra=` fields, any traceback."""

    def format(self, record):
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(
            (key, value)
            for key, value in vars(record).items()
            if key not in STANDARD_RECORD_ATTRIBUTES and not key.startswith("_")
        )
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class RequestLogMiddleware:
    """Logs each request as it is answered; the duration runs to the response headers (a streamed body goes on)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        given = request.headers.get("X-Request-ID", "")
        request.request_id = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        response["X-Request-ID"] = request.request_id
        self.log(request, response, duration_ms)
        return response

    def log(self, request, response, duration_ms):
        status = response.status_code
        if status >= 500:
            level = logging.ERROR
        elif request.path_info in QUIET_PATHS and status < 400:
            level = logging.DEBUG
        else:
            level = logging.INFO
        if not logger.isEnabledFor(level):
            return
        fields = {
            "method": request.method,
            "path": request.path,
            "query": request.META.get("QUERY_STRING", ""),
            "status": status,
            "duration_ms": duration_ms,
            "user": user_label(request),
            "remote_addr": request.META.get("REMOTE_ADDR", ""),
            "request_id": request.request_id,
        }
        if forwarded_for := request.META.get("HTTP_X_FORWARDED_FOR"):
            fields["forwarded_for"] = forwarded_for
        logger.log(level, "%s %s %s %.1fms", request.method, request.path, status, duration_ms, extra=fields)


def user_label(request):
    """The id (a string) of the user the request was served as, or "anonymous".

    A user no one looked at (a health probe, a redirect, a request refused before authentication) is not
    looked up here: that would cost queries, and fail when the database is down.
    """
    user = getattr(request, "user", None)  # DRF sets it here too, for token authentication
    if user is None or (isinstance(user, LazyObject) and user._wrapped is empty):
        return "anonymous"
    return str(user.pk) if user.is_authenticated else "anonymous"


def body_limit_detail(length=None):
    """The 413 body: what the limit is and which variable sets it."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    size = f"is {length:,} bytes" if length is not None else "is too large"
    return {
        "detail": f"The request body {size}; at most {limit:,} bytes are accepted (API_MAX_BODY_BYTES).",
        "max_body_bytes": limit,
    }


class RequestBodyLimitMiddleware:
    """413 for a declared body over the limit: any API request, and non-multipart requests elsewhere.

    Uploaded files (the admin's imports) are multipart and not counted by Django's limit, so they pass
    outside the API; the API takes no files. WSGI servers pass only Content-Length bytes on, so the
    declared length bounds what can be read.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        length = declared_length(request)
        if limit is not None and length > limit:
            is_upload = request.content_type == "multipart/form-data"
            if request.path_info.startswith(API_PREFIX) or not is_upload:
                return JsonResponse(body_limit_detail(length), status=413)
        return self.get_response(request)


def declared_length(request):
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0  # as Django reads it
