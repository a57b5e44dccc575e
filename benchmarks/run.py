"""The benchmark harness: the API and the admin over HTTP, beside a raw floor, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_dev \\
        .venv/bin/python -m benchmarks.run [--scale 1] [--seed 1] [--requests N] [--concurrency C]
                                           [--duration-cap S] [--report PATH]

1. Migrates the database, loads the seeds into an empty catalogue, and makes sure the demo data
   set for (scale, seed) is there: `manage.py generate_demo_data --scale S --seed N` when the demo
   deal count is below 1,000,000 * S (with --clear when other demo rows are there). `--data filler`
   uses the harness's own SQL filler (benchmarks/filler.py) instead, with a note in the report.
   Which data set is in the database is kept in the database's comment.
2. Creates (or resets) the superuser `benchmark` for the admin scenarios.
3. Serves the app with gunicorn (benchmarks.querycount:application: config.wsgi plus an
   X-Query-Count header; DEBUG off) and the raw floor (benchmarks.floor:application) with the same
   worker settings, each on a free port on 127.0.0.1; both are stopped however the run ends.
4. Runs every scenario of benchmarks/scenarios.py: a warm-up, then --requests requests
   (--concurrency at a time, stopping at --duration-cap seconds), on the app and, for the API
   scenarios, on the floor; the CSV export is timed to its first and last byte while the gunicorn
   workers' memory is watched.
5. Writes the report (JSON, plus a timestamped copy beside it), prints a table, draws a PNG chart.

Timings are measurements, never assertions. The exit status is 0, or 1 when a scenario had errors
(the report is written either way), or 2 when it cannot run at all (SQLite, missing packages).
"""

import argparse
import datetime
import http.client
import http.cookies
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from benchmarks.servers import HOST, Server, ServerError, proc_status, reset_peak

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REPORT = ROOT / "benchmarks" / "reports" / "latest.json"
BENCH_USER = "benchmark"
DEALS_PER_SCALE = 1_000_000
REPORT_VERSION = 1


class HarnessError(Exception):
    """The run cannot go on; the message says why."""


def log(message=""):
    print(message, flush=True)


# --- arguments and environment ----------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description="Benchmark the API and the admin over HTTP against a raw floor (PostgreSQL from DATABASE_URL).",
    )
    parser.add_argument("--scale", type=float, default=1.0, help="data set scale (1: 1,000,000 deals) [1]")
    parser.add_argument("--seed", type=int, default=1, help="data set seed [1]")
    parser.add_argument("--requests", type=int, default=200, help="measured requests per scenario and server [200]")
    parser.add_argument("--warmup", type=int, default=10, help="unmeasured requests first [10]")
    parser.add_argument("--concurrency", type=int, default=2, help="requests in flight at once [2]")
    parser.add_argument("--duration-cap", type=float, default=30.0, help="seconds at most per scenario and server [30]")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers, app and floor alike [2]")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker [1]")
    parser.add_argument("--csv-requests", type=int, default=2, help="CSV exports to time, one at a time [2]")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds one request may take [3600]")
    parser.add_argument(
        "--cursor-budget", type=float, default=180.0, help="seconds at most following `next` to a deep cursor [180]"
    )
    parser.add_argument(
        "--data",
        choices=["auto", "generator", "filler", "existing"],
        default="auto",
        help="auto: generate_demo_data if it exists, else the harness's SQL filler; existing: use the data as is",
    )
    parser.add_argument("--only", action="append", default=[], metavar="SCENARIO", help="run only these scenarios")
    parser.add_argument("--report", type=Path, default=DEFAULT_REPORT, help=f"report path [{DEFAULT_REPORT}]")
    parser.add_argument("--no-chart", action="store_true", help="skip the PNG chart")
    args = parser.parse_args(argv)
    if args.scale <= 0:
        parser.error("--scale must be positive")
    for name in ("requests", "concurrency", "workers", "threads", "csv_requests"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    return args


def postgres_url():
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        raise HarnessError(
            "DATABASE_URL is not set, so the app would use SQLite. The benchmark runs on PostgreSQL only: "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_dev make bench"
        )
    scheme = urllib.parse.urlsplit(url).scheme
    if scheme not in ("postgres", "postgresql", "pgsql", "postgis"):
        raise HarnessError(
            f"DATABASE_URL names a {scheme or 'non-PostgreSQL'} database. The benchmark runs on PostgreSQL only "
            "(gunicorn workers, the raw floor and the data generator all share one real server); SQLite is refused."
        )
    return url


def check_packages():
    missing = []
    for module in ("gunicorn", "orjson", "matplotlib", "psycopg"):
        try:
            __import__(module)
        except ImportError:
            missing.append(module)
    if missing:
        raise HarnessError(
            f"Missing packages: {', '.join(missing)}. Install the benchmark extras (make bench does it from the lock)."
        )


def base_env(url):
    """The production settings (DEBUG off), but plain HTTP on loopback and no rate limits.

    The harness is the only client, and it measures the app, not the throttle.
    """
    env = os.environ.copy()
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="config.settings",
        PYTHONUNBUFFERED="1",
        DEBUG="0",
        SECRET_KEY=env.get("SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SECURE_HSTS_SECONDS="0",
        API_THROTTLE_ANON="off",
        API_THROTTLE_USER="off",
        LOG_LEVEL="WARNING",
    )
    return env


def manage(env, *arguments, check=True):
    command = [sys.executable, "manage.py", *arguments]
    log(f"$ manage.py {' '.join(arguments)}")
    result = subprocess.run(command, cwd=ROOT, env=env, check=False)
    if check and result.returncode != 0:
        raise HarnessError(f"manage.py {' '.join(arguments)} failed with exit status {result.returncode}.")
    return result.returncode


# --- data -------------------------------------------------------------------------------------


def read_marker(conn):
    with conn.cursor() as cur:
        cur.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = current_database()")
        row = cur.fetchone()
    try:
        return json.loads(row[0]).get("benchmarks") if row and row[0] else None
    except (ValueError, AttributeError):
        return None


def write_marker(conn, marker):
    from psycopg import sql

    with conn.cursor() as cur:
        cur.execute("SELECT current_database()")
        name = cur.fetchone()[0]
        cur.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                sql.Identifier(name), sql.Literal(json.dumps({"benchmarks": marker}))
            )
        )


def count_like(conn, table, prefix):
    with conn.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM biotech_events_{table} WHERE slug LIKE %s", [prefix + "%"])
        return cur.fetchone()[0]


def prepare_data(conn, env, args, *, generator_available):
    """Make sure the data set for (scale, seed) is there; returns what was done, for the report."""
    from benchmarks import filler

    wanted = {"scale": args.scale, "seed": args.seed}
    marker = read_marker(conn)
    mode = args.data
    notes = []
    if mode == "existing":
        return {"source": "existing", "generated": False, "marker": marker, "notes": ["--data existing: used as is"]}
    if mode == "auto":
        mode = "generator" if generator_available else "filler"
        if not generator_available:
            notes.append(
                "manage.py generate_demo_data does not exist yet: the harness's SQL filler (benchmarks/filler.py, "
                "slugs 'bench-') stands in for it"
            )
    if mode == "generator" and not generator_available:
        notes.append("manage.py generate_demo_data does not exist yet: data generation skipped, existing data used")
        return {"source": "existing", "generated": False, "marker": marker, "notes": notes}

    if mode == "generator":
        expected = int(DEALS_PER_SCALE * args.scale)
        demo = count_like(conn, "deal", "demo-")
        matches = marker is not None and marker == {"source": "generate_demo_data", **wanted}
        if matches or (marker is None and demo >= expected):
            notes.append(f"demo data already there: {demo:,} demo deals (expected {expected:,})")
            return {"source": "generate_demo_data", "generated": False, "marker": marker, "notes": notes}
        if filler.has_rows(conn):
            log("Removing the SQL filler's rows: the generated data set replaces them.")
            filler.clear(conn)
        command = ["generate_demo_data", "--scale", f"{args.scale:g}", "--seed", str(args.seed)]
        if demo:
            command.append("--clear")
        started = time.perf_counter()
        manage(env, *command)
        elapsed = time.perf_counter() - started
        write_marker(conn, {"source": "generate_demo_data", **wanted})
        notes.append(f"generated with manage.py {' '.join(command)} in {elapsed:.1f} s")
        return {"source": "generate_demo_data", "generated": True, "seconds": round(elapsed, 1), "notes": notes}

    expected = filler.counts(args.scale)["deal"]
    present = filler.has_rows(conn)
    if marker == {"source": "filler", **wanted} and present >= expected:
        notes.append(f"filler data already there: {present:,} 'bench-' deals")
        return {"source": "filler", "generated": False, "marker": marker, "notes": notes}
    if present:
        log("Removing the SQL filler's previous rows.")
        filler.clear(conn)
    log(f"Filling the database with the SQL filler (scale {args.scale:g}, seed {args.seed}).")
    started = time.perf_counter()
    filler.fill(conn, scale=args.scale, seed=args.seed, log=log)
    elapsed = time.perf_counter() - started
    write_marker(conn, {"source": "filler", **wanted})
    notes.append(f"filled by benchmarks/filler.py in {elapsed:.1f} s")
    return {"source": "filler", "generated": True, "seconds": round(elapsed, 1), "notes": notes}


ROW_TABLES = [
    "deal",
    "dealparty",
    "company",
    "person",
    "organizer",
    "event",
    "eventcompany",
    "eventparticipant",
    "eventorganizer",
    "attendancefigure",
    "alias",
    "citation",
    "sourcedocument",
]


def row_counts(conn, prefix):
    counts = {}
    with conn.cursor() as cur:
        for table in ROW_TABLES:
            cur.execute(f"SELECT count(*) FROM biotech_events_{table}")
            counts[table] = cur.fetchone()[0]
        if prefix:
            for table in ("deal", "company", "person", "event", "organizer"):
                cur.execute(f"SELECT count(*) FROM biotech_events_{table} WHERE slug LIKE %s", [prefix + "%"])
                counts[f"{table} ({prefix}*)"] = cur.fetchone()[0]
    return counts


# --- Django, in this process ------------------------------------------------------------------


def django_setup(url):
    os.environ["DATABASE_URL"] = url
    # The served settings, whatever the caller had (a test run's settings hash passwords differently).
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def generator_exists():
    from django.core.management import get_commands

    return "generate_demo_data" in get_commands()


def count_cap():
    from django.conf import settings

    cap = getattr(settings, "API_COUNT_CAP", None)
    return int(cap) if cap else None


# Session settings the app may give its connections (biotech_events/signals.py sets pg_trgm's word
# similarity threshold) that change which rows a query returns or how it is planned.
SESSION_SETTINGS = [
    "pg_trgm.similarity_threshold",
    "pg_trgm.word_similarity_threshold",
    "pg_trgm.strict_word_similarity_threshold",
    "default_text_search_config",
    "work_mem",
    "random_page_cost",
    "jit",
]


def app_session_settings(url):
    """The settings on which Django's connections differ from a plain one: the floor applies them too."""
    import psycopg
    from django.db import connection, connections

    statement = "SELECT " + ", ".join("current_setting(%s, true)" for _ in SESSION_SETTINGS)
    with connection.cursor() as cur:
        cur.execute(statement, SESSION_SETTINGS)
        django_values = cur.fetchone()
    connections.close_all()
    with psycopg.connect(url, autocommit=True) as conn:
        plain_values = conn.execute(statement, SESSION_SETTINGS).fetchone()
    return {
        name: ours
        for name, ours, plain in zip(SESSION_SETTINGS, django_values, plain_values, strict=True)
        if ours is not None and ours != plain
    }


def ensure_superuser():
    """The benchmark's own superuser, with a fresh random password each run."""
    from django.contrib.auth import get_user_model
    from django.db import connections

    password = secrets.token_urlsafe(18)
    user_model = get_user_model()
    user, _ = user_model.objects.get_or_create(username=BENCH_USER)
    user.is_active = user.is_staff = user.is_superuser = True
    user.set_password(password)
    user.save()
    connections.close_all()
    return BENCH_USER, password


# --- HTTP helpers -----------------------------------------------------------------------------


def http_get(port, path, headers=None, timeout=120):
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Accept": "application/json", **(headers or {})})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def cookies_from(response, jar):
    for header in response.headers.get_all("Set-Cookie") or []:
        parsed = http.cookies.SimpleCookie()
        parsed.load(header)
        for key, morsel in parsed.items():
            jar[key] = morsel.value
    return jar


def admin_login(port, username, password):
    """Log in through the admin's login form; returns the Cookie header of the session."""
    jar = {}
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.request("GET", "/admin/login/?next=/admin/", headers={"Accept": "text/html"})
        response = conn.getresponse()
        page = response.read().decode(errors="replace")
        cookies_from(response, jar)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if response.status != 200 or not match or "csrftoken" not in jar:
            raise HarnessError(f"The admin login form did not come (HTTP {response.status}).")
        form = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": match[1], "username": username, "password": password, "next": "/admin/"}
        )
        conn.close()
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        conn.request(
            "POST",
            "/admin/login/?next=/admin/",
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={jar['csrftoken']}",
                "Referer": f"http://{HOST}:{port}/admin/login/",
                "Accept": "text/html",
            },
        )
        response = conn.getresponse()
        response.read()
        cookies_from(response, jar)
    finally:
        conn.close()
    if response.status != 302 or "sessionid" not in jar:
        raise HarnessError(f"The admin login was refused (HTTP {response.status}).")
    return "; ".join(f"{key}={value}" for key, value in jar.items())


def follow_cursor(port, depth, *, budget, timeout):
    """Follow `next` links in cursor mode until `depth` rows are behind; (cursor, info) or (None, info)."""
    from benchmarks.load import Client, Request
    from benchmarks.scenarios import PAGE_SIZE

    client = Client(HOST, port, timeout)
    started = time.perf_counter()
    cursor, rows, hops = "", 0, 0
    info = {"target_rows": depth}
    try:
        while True:
            step = 500 if depth - rows >= 500 else PAGE_SIZE
            query = urllib.parse.urlencode({"ordering": "-id", "page_size": step, "fields": "id", "cursor": cursor})
            sample, body = client.send(Request(f"/api/v1/deals/?{query}"))
            if sample.error:
                info["error"] = f"{sample.error}: {body[:300].decode(errors='replace')}"
                return None, info
            data = json.loads(body)
            if hops == 0 and ("count" in data or "cursor=" not in (data.get("next") or "cursor=")):
                info["error"] = "the API has no cursor mode: ?cursor= answered a page-number page"
                return None, info
            if rows >= depth:
                break
            following = data.get("next")
            if not following:
                info["note"] = f"the data ends after {rows + len(data.get('results', [])):,} rows"
                break
            cursor = urllib.parse.parse_qs(urllib.parse.urlsplit(following).query).get("cursor", [""])[0]
            rows += len(data.get("results", []))
            hops += 1
            if time.perf_counter() - started > budget:
                info["note"] = f"stopped at the {budget:g} s budget: {rows:,} of {depth:,} rows deep"
                break
    finally:
        client.close()
    info.update(rows=rows, hops=hops, seconds=round(time.perf_counter() - started, 2))
    return cursor, info


# --- measuring --------------------------------------------------------------------------------


def describe_page(body):
    """What the first response held: count, count_exact and how many results (JSON pages only)."""
    try:
        data = json.loads(body)
    except ValueError:
        return {}
    if isinstance(data, dict) and "results" in data:
        return {key: data[key] for key in ("count", "count_exact") if key in data} | {"results": len(data["results"])}
    return {"object": True} if isinstance(data, dict) else {}


def shape_diff(ours, floor, path="$", limit=20):
    """Key differences between two JSON documents (first list items compared); [] when the shapes agree."""
    diffs = []
    if isinstance(ours, dict) and isinstance(floor, dict):
        diffs += [f"{path}.{key}: only in ours" for key in sorted(set(ours) - set(floor))]
        diffs += [f"{path}.{key}: only in the floor" for key in sorted(set(floor) - set(ours))]
        for key in sorted(set(ours) & set(floor)):
            diffs += shape_diff(ours[key], floor[key], f"{path}.{key}", limit)
    elif isinstance(ours, list) and isinstance(floor, list) and ours and floor:
        diffs += shape_diff(ours[0], floor[0], f"{path}[0]", limit)
    return diffs[:limit]


def ratio(numerator, denominator):
    if numerator is None or not denominator:
        return None
    return round(numerator / denominator, 3)


def measure_load(port, scenario_path, args, headers=None):
    from benchmarks.load import Request, run_load, summarize

    result = run_load(
        HOST,
        port,
        [Request(scenario_path, headers=headers or {})],
        total=args.requests,
        concurrency=args.concurrency,
        warmup=args.warmup,
        duration_cap=args.duration_cap,
        timeout=args.timeout,
    )
    return summarize(result), result.first_body


class RssPoller(threading.Thread):
    """Samples the workers' resident memory every few milliseconds."""

    def __init__(self, pids, interval=0.01):
        super().__init__(daemon=True)
        self.pids, self.interval = pids, interval
        self.peak = dict.fromkeys(pids, 0)
        self.done = threading.Event()

    def run(self):
        while not self.done.is_set():
            for pid in self.pids:
                rss = proc_status(pid).get("VmRSS", 0)
                self.peak[pid] = max(self.peak[pid], rss)
            self.done.wait(self.interval)

    def stop(self):
        self.done.set()
        self.join()


def final_query_count(log_path, offset, path, wait=2.0):
    """The final count the app logged for `path` since `offset` (streamed responses only; None if none)."""
    deadline = time.monotonic() + wait
    while True:
        try:
            with open(log_path, "rb") as lines:
                lines.seek(offset)
                entries = [json.loads(line) for line in lines if line.strip()]
        except (OSError, ValueError):
            entries = []
        matching = [entry for entry in entries if entry.get("path") == path]
        if matching:
            return matching[-1]["queries"]
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.05)


def measure_csv(server, scenario, args, query_log):
    """Time each export to its first and last byte and watch the workers' memory while it runs."""
    from benchmarks.load import Request, percentile, stream_once

    path_only = urllib.parse.urlsplit(scenario.path).path
    runs = []
    started = time.perf_counter()
    for number in range(args.csv_requests):
        if number and time.perf_counter() - started > args.duration_cap:
            break
        pids = server.worker_pids()
        before = {pid: proc_status(pid) for pid in pids}
        reset = {pid: reset_peak(pid) for pid in pids}
        offset = query_log.stat().st_size if query_log.exists() else 0
        poller = RssPoller(pids)
        poller.start()
        try:
            result = stream_once(
                HOST, server.port, Request(scenario.path, headers={"Accept": "text/csv"}), timeout=args.timeout
            )
        finally:
            poller.stop()
        peaks = {}
        for pid in pids:
            hwm = proc_status(pid).get("VmHWM", 0) if reset[pid] else 0
            peaks[pid] = max(hwm, poller.peak.get(pid, 0))
        # The worker that served it is the one whose memory grew most.
        pid = max(pids, key=lambda p: peaks[p] - before[p].get("VmRSS", 0)) if pids else None
        final = final_query_count(query_log, offset, path_only)
        runs.append(
            {
                "status": result.status,
                "error": result.error,
                "content_type": result.headers.get("Content-Type", ""),
                "ttfb_ms": round(result.ttfb * 1000, 3),
                "first_body_byte_ms": round(result.ttfb_body * 1000, 3) if result.ttfb_body is not None else None,
                # The header line may leave before any query has run: the first record is when rows come.
                "first_record_ms": round(result.first_record * 1000, 3) if result.first_record is not None else None,
                "total_ms": round(result.total * 1000, 3),
                "bytes": result.size,
                "lines": result.lines,
                "queries_header": result.queries_header,
                "queries": final if final is not None else result.queries_header,
                "worker_pid": pid,
                "rss_before_kib": before[pid].get("VmRSS") if pid else None,
                "peak_rss_kib": peaks[pid] if pid else None,
                "peak_rss_growth_kib": (peaks[pid] - before[pid].get("VmRSS", 0)) if pid else None,
                "peak_from": "VmHWM (reset before the request) and VmRSS polling"
                if pid and reset[pid]
                else "VmRSS polling",
                "head": result.head[:300].decode(errors="replace"),
            }
        )
    totals = [run["total_ms"] for run in runs]
    errors = [run for run in runs if run["error"]]
    queries = sorted(run["queries"] for run in runs if run["queries"] is not None)
    elapsed = time.perf_counter() - started
    return {
        "requests": len(runs),
        "requested": args.csv_requests,
        "capped": len(runs) < args.csv_requests,
        "errors": len(errors),
        "statuses": {
            str(status): sum(1 for r in runs if r["status"] == status) for status in {r["status"] for r in runs}
        },
        "error_samples": [{"status": r["status"], "error": r["error"], "body": r["head"]} for r in errors[:3]],
        "elapsed_s": round(elapsed, 4),
        "throughput_rps": round(len(runs) / elapsed, 3) if elapsed > 0 else 0.0,
        "latency_ms": {
            "p50": round(percentile(totals, 0.5), 3) if totals else None,
            "p95": round(percentile(totals, 0.95), 3) if totals else None,
            "p99": round(percentile(totals, 0.99), 3) if totals else None,
            "mean": round(sum(totals) / len(totals), 3) if totals else None,
            "min": min(totals) if totals else None,
            "max": max(totals) if totals else None,
        },
        "bytes_per_response": runs[-1]["bytes"] if runs else 0,
        "queries_per_request": (
            {"median": percentile(queries, 0.5), "min": queries[0], "max": queries[-1], "recorded": len(queries)}
            if queries
            else None
        ),
        "export": {
            "ttfb_ms": _median([r["ttfb_ms"] for r in runs]),
            "first_body_byte_ms": _median(
                [r["first_body_byte_ms"] for r in runs if r["first_body_byte_ms"] is not None]
            ),
            "first_record_ms": _median([r["first_record_ms"] for r in runs if r["first_record_ms"] is not None]),
            "total_ms": _median(totals),
            "bytes": runs[-1]["bytes"] if runs else 0,
            "lines": runs[-1]["lines"] if runs else 0,
            "peak_rss_kib": max((r["peak_rss_kib"] or 0) for r in runs) if runs else None,
            "peak_rss_growth_kib": max((r["peak_rss_growth_kib"] or 0) for r in runs) if runs else None,
            "runs": runs,
        },
    }


def _median(values):
    from benchmarks.load import percentile

    value = percentile(values, 0.5)
    return None if value is None else round(value, 3)


def run_scenarios(scenarios, app, floor, args, *, cookie, query_log):
    results = []
    for scenario in scenarios:
        entry = {
            "name": scenario.name,
            "title": scenario.title,
            "kind": scenario.kind,
            "path": scenario.path,
            "floor_path": scenario.floor_path,
            "note": scenario.note,
            "status": "skipped" if scenario.skip else "ok",
            "skip_reason": scenario.skip or None,
            "ours": None,
            "floor": None,
            "ratios": None,
        }
        results.append(entry)
        if scenario.skip:
            log(f"- {scenario.name}: skipped ({scenario.skip})")
            continue
        log(f"- {scenario.name}: {scenario.path}")
        if scenario.kind == "csv":
            entry["ours"] = measure_csv(app, scenario, args, query_log)
            continue
        headers = {"Cookie": cookie, "Accept": "text/html"} if scenario.admin else {}
        entry["ours"], ours_body = measure_load(app.port, scenario.path, args, headers)
        entry["ours"]["first_response"] = describe_page(ours_body)
        if scenario.floor_path:
            entry["floor"], floor_body = measure_load(floor.port, scenario.floor_path, args)
            entry["floor"]["first_response"] = describe_page(floor_body)
            entry["ratios"] = {
                "p50": ratio(entry["ours"]["latency_ms"]["p50"], entry["floor"]["latency_ms"]["p50"]),
                "p95": ratio(entry["ours"]["latency_ms"]["p95"], entry["floor"]["latency_ms"]["p95"]),
                "throughput": ratio(entry["ours"]["throughput_rps"], entry["floor"]["throughput_rps"]),
            }
            try:
                entry["shape_differences"] = shape_diff(json.loads(ours_body), json.loads(floor_body))
            except ValueError:
                entry["shape_differences"] = ["a response was not JSON"]
            ours_first, floor_first = entry["ours"]["first_response"], entry["floor"]["first_response"]
            entry["same_rows"] = all(
                ours_first.get(key) == floor_first.get(key) for key in ("count", "count_exact", "results")
            )
    return results


# --- main -------------------------------------------------------------------------------------


def _terminate(signum, frame):
    raise SystemExit(128 + signum)


def run(args):
    import psycopg

    from benchmarks import report as reporting

    url = postgres_url()
    check_packages()
    env = base_env(url)
    started_at = datetime.datetime.now(datetime.UTC)
    clock = time.perf_counter()

    manage(env, "migrate", "--no-input")
    manage(env, "collectstatic", "--no-input", "-v", "0")  # DEBUG off: admin pages need the static manifest
    django_setup(url)
    with psycopg.connect(url, autocommit=True) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM biotech_events_sourcedocument")
        empty = cur.fetchone()[0] == 0
    if empty:
        manage(env, "load_seeds")

    from benchmarks import scenarios as scenario_module
    from benchmarks.floor import encode_cursor

    with psycopg.connect(url, autocommit=True) as conn:
        data = prepare_data(conn, env, args, generator_available=generator_exists())
        for note in data["notes"]:
            log(f"note: {note}")
        if data.get("generated"):
            log("ANALYZE (fresh statistics for the planner)")
            conn.execute("ANALYZE")
        facts = scenario_module.discover(conn)
        counts = row_counts(conn, facts.prefix)
        machine = reporting.machine_info(conn)
    cap = count_cap()
    session_settings = app_session_settings(url)
    username, password = ensure_superuser()

    workdir = Path(tempfile.mkdtemp(prefix="benchmarks-"))
    query_log = workdir / "queries.jsonl"
    secret = secrets.token_urlsafe(50)
    app_env = {
        **env,
        "DEBUG": "0",
        "SECRET_KEY": secret,
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "BENCHMARK_QUERY_COUNT": "1",
        "BENCHMARK_QUERY_COUNT_LOG": str(query_log),
    }
    floor_env = {**env, "API_COUNT_CAP": str(cap or 0), "FLOOR_SESSION_SETTINGS": json.dumps(session_settings)}
    server_options = {
        "workers": args.workers,
        "threads": args.threads,
        "timeout": args.timeout,
        "workdir": workdir,
    }
    try:
        cursor_info = {}
        with (
            Server("app", "benchmarks.querycount:application", app_env, ready_path="/api/v1/", **server_options) as app,
            Server("floor", "benchmarks.floor:application", floor_env, ready_path="/health", **server_options) as floor,
        ):
            cookie = admin_login(app.port, username, password)
            log(f"Following `next` links to a cursor {facts.deep_rows:,} rows deep")
            deep_cursor, cursor_info = follow_cursor(
                app.port, facts.deep_rows, budget=args.cursor_budget, timeout=args.timeout
            )
            floor_cursor, cursor_skip = None, ""
            if deep_cursor is None:
                cursor_skip = cursor_info.get("error", "no cursor")
            else:
                status, body = http_get(app.port, scenario_module.deep_cursor_path(deep_cursor) + "&fields=id")
                results = json.loads(body).get("results", []) if status == 200 else []
                if results:
                    floor_cursor = encode_cursor(results[0]["id"])
                log(f"  cursor: {cursor_info}")
            scenarios = scenario_module.build(
                facts, deep_cursor=deep_cursor, floor_cursor=floor_cursor, cursor_skip=cursor_skip
            )
            if args.only:
                unknown = sorted(set(args.only) - {s.name for s in scenarios})
                if unknown:
                    raise HarnessError(f"Unknown scenario(s): {', '.join(unknown)}")
                scenarios = [s for s in scenarios if s.name in args.only]
            results = run_scenarios(scenarios, app, floor, args, cookie=cookie, query_log=query_log)
            server_logs = {"app": app.log_tail(20), "floor": floor.log_tail(20)}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    report = {
        "report_version": REPORT_VERSION,
        "started_at": started_at.isoformat(timespec="seconds"),
        "finished_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "duration_s": round(time.perf_counter() - clock, 1),
        "machine": machine,
        "git": reporting.git_commit(),
        "settings": {
            "scale": args.scale,
            "seed": args.seed,
            "requests": args.requests,
            "warmup": args.warmup,
            "concurrency": args.concurrency,
            "duration_cap_s": args.duration_cap,
            "csv_requests": args.csv_requests,
            "workers": args.workers,
            "threads": args.threads,
            "app": "gunicorn benchmarks.querycount:application (DEBUG off)",
            "floor": "gunicorn benchmarks.floor:application",
            "api_count_cap": cap,
            "floor_session_settings": session_settings,
        },
        "data": {
            **data,
            "prefix": facts.prefix,
            "row_counts": counts,
            "facts": {
                "deal_kind": facts.deal_kind,
                "city": facts.city,
                "company_kind": facts.company_kind,
                "total_deals": facts.total_deals,
                "deep_page": facts.deep_page,
                "deep_rows": facts.deep_rows,
                "large_event_id": facts.large_event_id,
                "large_event_relations": facts.large_event_relations,
                "search_company_id": facts.search_company_id,
                "search_name": facts.search_name,
                "search_alias": facts.search_alias,
                "search_misspelled": facts.search_misspelled,
            },
            "deep_cursor": cursor_info,
        },
        "scenarios": results,
        "server_log_tail": server_logs,
    }
    report_path = args.report if args.report.is_absolute() else Path.cwd() / args.report
    copy = reporting.write_report(report, report_path)
    log("")
    log(reporting.table(report))
    log("")
    chart = report_path.with_suffix(".png")
    if not args.no_chart:
        reporting.draw_chart(report, chart)
        log(f"Chart: {chart}")
    log(f"Report: {report_path} (and {copy.name})")
    failed = [entry["name"] for entry in results if entry["ours"] and entry["ours"]["errors"]]
    failed += [entry["name"] + " (floor)" for entry in results if entry["floor"] and entry["floor"]["errors"]]
    for entry in results:
        if entry.get("shape_differences"):
            log(f"warning: {entry['name']}: the floor's shape differs: {entry['shape_differences'][:5]}")
        if entry.get("same_rows") is False:
            log(
                f"warning: {entry['name']}: the floor found other rows than the API "
                f"(ours {entry['ours']['first_response']}, floor {entry['floor']['first_response']})"
            )
    if failed:
        log(f"Errors in: {', '.join(failed)} (see error_samples in the report)")
        return 1
    return 0


def main(argv=None):
    args = parse_args(argv)
    previous = {sig: signal.signal(sig, _terminate) for sig in (signal.SIGTERM, signal.SIGHUP)}
    # Ctrl-C stops the run (and its servers) even where SIGINT was inherited ignored (a background job).
    previous[signal.SIGINT] = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return run(args)
    except (HarnessError, ServerError) as error:
        print(f"benchmarks.run: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("benchmarks.run: interrupted; servers stopped.", file=sys.stderr)
        return 130
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


if __name__ == "__main__":
    sys.exit(main())
