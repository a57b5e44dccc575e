"""`make serve`'s server as it starts in production: gunicorn with config/gunicorn.conf.py and DEBUG off."""

import http.client
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from benchmarks.servers import free_port

from .conftest import ROOT, production_env


def served_env(port, database):
    """The production environment of one worker on a loopback port, with its own SQLite database."""
    return production_env(
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_CONCURRENCY="1",
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{database}",  # /healthz asks the database for SELECT 1
    )


@pytest.fixture
def served(tmp_path):
    """gunicorn on a free loopback port with the production settings; (port, process)."""
    port = free_port()
    env = served_env(port, tmp_path / "served.sqlite3")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "config/gunicorn.conf.py", "config.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for_health(port, process, 60, lambda: f"gunicorn did not start: {process.communicate(timeout=10)}")
        yield port, process
    finally:
        process.terminate()
        process.wait(timeout=30)


def wait_for_health(port, process, seconds, failure):
    """The first answer to /healthz once the server listens; fails with `failure()` if it exits or times out."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return get(port, "/healthz")
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(failure()) from None
            time.sleep(0.2)


def get(port, path, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1", **(headers or {})})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def test_the_production_server_answers_health_checks_and_sends_everything_else_to_https(served):
    port, process = served
    status, headers, body = get(port, "/healthz")
    assert status == 200 and json.loads(body) == {"status": "ok", "database": "ok"}
    status, headers, _ = get(port, "/api/v1/events/")
    assert status == 301 and headers["Location"] == "https://127.0.0.1/api/v1/events/"
    # Behind a TLS-terminating proxy on this machine, gunicorn believes its X-Forwarded-Proto.
    status, headers, _ = get(port, "/api/v1/", {"X-Forwarded-Proto": "https"})
    assert status == 200
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    process.terminate()
    _, errors = process.communicate(timeout=30)
    lines = [json.loads(line) for line in errors.splitlines() if line.startswith("{")]
    logged = {
        (line.get("path"), line.get("status")) for line in lines if line.get("logger") == "biotech_events.request"
    }
    assert {("/api/v1/events/", 301), ("/api/v1/", 200)} <= logged, errors[-2000:]


def test_make_serve_migrates_collects_static_files_checks_and_serves(tmp_path):
    """The README's production command itself, from the documented variables only."""
    port = free_port()
    database = tmp_path / "make-serve.sqlite3"
    env = served_env(port, database)
    log = tmp_path / "make-serve.log"
    with log.open("w") as output:
        # Its own session: make, its shell and gunicorn are stopped together.
        process = subprocess.Popen(
            ["make", "--no-print-directory", "serve"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        status, _, body = wait_for_health(port, process, 240, lambda: f"make serve failed:\n{log.read_text()[-3000:]}")
        assert status == 200 and json.loads(body) == {"status": "ok", "database": "ok"}

        https = {"X-Forwarded-Proto": "https"}
        status, _, page = get(port, "/admin/login/", https)
        assert status == 200
        # collectstatic ran: the page names the hashed file, and whitenoise serves it for good.
        stylesheet = re.search(rb'href="(/static/admin/css/base\.[0-9a-f]{12}\.css)"', page)
        assert stylesheet, page[:2000]
        status, headers, css = get(port, stylesheet.group(1).decode(), https)
        assert status == 200 and css
        assert "immutable" in headers["Cache-Control"]
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
    output = log.read_text()
    assert "System check identified no issues" in output, output[-3000:]
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT COUNT(*) FROM django_migrations WHERE app = 'biotech_events'").fetchone()[0]
