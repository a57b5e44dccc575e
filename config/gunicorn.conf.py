"""gunicorn settings for `make serve`: `gunicorn -c config/gunicorn.conf.py config.wsgi`.

HOST, PORT and WEB_CONCURRENCY come from the environment; any other gunicorn option can be given in
GUNICORN_CMD_ARGS (it overrides this file), e.g. GUNICORN_CMD_ARGS="--timeout 300 --threads 4".
"""

import os

host = os.environ.get("HOST", "").strip() or "127.0.0.1"
port = os.environ.get("PORT", "").strip() or "8000"
if ":" in host and not host.startswith("["):
    host = f"[{host}]"  # an IPv6 address
bind = [f"{host}:{port}"]

# gunicorn's rule of thumb, capped so that the database connections (one per thread, kept open for
# DB_CONN_MAX_AGE) stay well below PostgreSQL's default max_connections of 100.
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * (os.cpu_count() or 1) + 1, 8))

# Threads make gunicorn use its gthread worker, whose main thread keeps reporting to the arbiter while a
# request runs: `timeout` then catches a hung worker without killing a long request. A CSV export of a
# million deals streams for minutes; under the sync worker it would be killed after `timeout` seconds.
threads = 4
timeout = 120
graceful_timeout = 30

# The app writes one JSON line per request (biotech_events.middleware); gunicorn's access log would repeat it.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").strip().lower()

# No control socket: its default path is shared by every gunicorn of this user on the machine.
control_socket_disable = True

# X-Forwarded-Proto and X-Forwarded-For are believed from these addresses only (gunicorn's default,
# 127.0.0.1 and ::1, unless FORWARDED_ALLOW_IPS says otherwise): a proxy on this machine.


def on_starting(server):
    if workers > 1 and not os.environ.get("CACHE_URL"):
        server.log.warning(
            "CACHE_URL is not set: each of the %d workers keeps its own API throttle counts, so a client "
            "may make up to %d times the configured rate. Set CACHE_URL=redis://host:6379/1 to share them.",
            workers,
            workers,
        )
