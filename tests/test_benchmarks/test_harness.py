"""The benchmark harness end to end at a tiny scale: the report's structure, never its timings.

The harness serves the app from gunicorn processes, which cannot see pytest-django's test database
(nor an SQLite file inside a test transaction), so this test makes a PostgreSQL database of its own,
`bench_ci_<random>`, on the server DATABASE_URL names, runs `python -m benchmarks.run` against it in
a subprocess, and drops it afterwards.
"""

import importlib.util
import json
import math
import os
import secrets
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest

from benchmarks.scenarios import SCENARIO_NAMES

ROOT = Path(__file__).resolve().parents[2]
DATABASE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = urllib.parse.urlsplit(DATABASE_URL).scheme in ("postgres", "postgresql")
MISSING = [name for name in ("gunicorn", "orjson", "matplotlib") if importlib.util.find_spec(name) is None]

pytestmark = [
    pytest.mark.skipif(
        not ON_POSTGRES,
        reason="the benchmark harness needs PostgreSQL (DATABASE_URL=postgres://...): its gunicorn servers "
        "cannot share pytest's SQLite test database",
    ),
    pytest.mark.skipif(bool(MISSING), reason=f"the benchmark packages are not installed: {', '.join(MISSING)}"),
]


def maintenance_url(database):
    parts = urllib.parse.urlsplit(DATABASE_URL)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{database}"))


@pytest.fixture
def bench_database():
    """A fresh database on the test server, dropped afterwards (never the project's own databases)."""
    import psycopg
    from psycopg import sql

    name = f"bench_ci_{secrets.token_hex(4)}"
    admin = None
    for candidate in ("postgres", "template1"):
        try:
            with psycopg.connect(maintenance_url(candidate), autocommit=True) as conn:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            admin = candidate
            break
        except psycopg.OperationalError:
            continue
    if admin is None:
        pytest.skip("cannot connect to a maintenance database (postgres or template1) to create one")
    try:
        yield maintenance_url(name)
    finally:
        with psycopg.connect(maintenance_url(admin), autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def is_number(value):
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def check_stats(stats, where):
    assert stats["requests"] >= 1, where
    assert stats["errors"] == 0, f"{where}: {stats['error_samples']}"
    assert is_number(stats["throughput_rps"]) and stats["throughput_rps"] > 0, where
    assert is_number(stats["elapsed_s"]), where
    for key in ("p50", "p95", "p99", "mean", "min", "max"):
        assert is_number(stats["latency_ms"][key]) and stats["latency_ms"][key] > 0, f"{where}: {key}"
    assert stats["latency_ms"]["p50"] <= stats["latency_ms"]["p95"] <= stats["latency_ms"]["p99"], where
    queries = stats["queries_per_request"]
    assert queries is not None, f"{where}: no query count recorded"
    assert all(is_number(queries[key]) for key in ("median", "min", "max")), where
    assert queries["recorded"] >= 1, where


def test_harness_runs_end_to_end(bench_database, tmp_path):
    report_path = tmp_path / "report.json"
    env = {**os.environ, "DATABASE_URL": bench_database}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = [
        sys.executable,
        "-m",
        "benchmarks.run",
        *("--scale", "0.001", "--seed", "7"),
        *("--requests", "4", "--warmup", "1", "--concurrency", "2"),
        *("--duration-cap", "10", "--csv-requests", "1", "--cursor-budget", "30"),
        *("--report", str(report_path)),
    ]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240, check=False)
    output = f"stdout:\n{result.stdout[-4000:]}\nstderr:\n{result.stderr[-4000:]}"
    assert result.returncode == 0, output

    report = json.loads(report_path.read_text())
    assert [entry["name"] for entry in report["scenarios"]] == SCENARIO_NAMES

    assert report["settings"]["scale"] == 0.001 and report["settings"]["seed"] == 7
    machine = report["machine"]
    assert isinstance(machine["cpu_count"], int) and machine["cpu_count"] >= 1
    assert machine["python"] and machine["postgresql"]
    assert "commit" in report["git"]
    assert report["data"]["row_counts"]["deal"] > 0
    assert report["data"]["facts"]["large_event_id"] is not None

    for entry in report["scenarios"]:
        name = entry["name"]
        assert entry["status"] == "ok", f"{name}: {entry['skip_reason']}"
        check_stats(entry["ours"], name)
        if entry["kind"] in ("api-list", "api-detail"):
            assert entry["floor_path"], name
            check_stats(entry["floor"], f"{name} (floor)")
            assert all(is_number(entry["ratios"][key]) for key in ("p50", "p95", "throughput")), name
            assert entry["same_rows"] is True, f"{name}: the floor found other rows"
        if entry["kind"] == "csv":
            export = entry["ours"]["export"]
            assert export["bytes"] > 0 and export["lines"] > 1
            assert is_number(export["ttfb_ms"]) and is_number(export["total_ms"])
            assert export["ttfb_ms"] <= export["first_record_ms"] <= export["total_ms"]
            assert is_number(export["peak_rss_kib"]) and export["peak_rss_kib"] > 0
            assert export["runs"][0]["content_type"].startswith("text/csv")

    png = report_path.with_suffix(".png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(list(tmp_path.glob("report-*.json"))) == 1  # the timestamped copy

    # The plans behind the scenarios, from the same database: every statement explained, none failing.
    explain = subprocess.run(
        [sys.executable, "-m", "benchmarks.explain", "--only", "deals-list", "--only", "admin-deals-changelist"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert explain.returncode == 0, f"stdout:\n{explain.stdout[-4000:]}\nstderr:\n{explain.stderr[-4000:]}"
    sections = explain.stdout.split("\n=== ")[1:]
    assert [section.split(":", 1)[0] for section in sections] == ["deals-list", "admin-deals-changelist"]
    for section in sections:
        assert "status 200" in section, section
        assert section.count("Execution Time:") >= 2, section
