"""The query plans behind the benchmark's scenarios: each request's SQL, run again under EXPLAIN.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_dev \\
        .venv/bin/python -m benchmarks.explain [--only SCENARIO] [--no-analyze] [--full]

For every scenario of benchmarks/scenarios.py (the same URLs, found in the same data by
`discover()`), the request is made in this process with Django's test client, its statements are
captured, and each one is run again under `EXPLAIN (ANALYZE, BUFFERS)` inside a transaction that is
rolled back. Printed per statement: its time in the request, the plan's top nodes (or the whole
plan with --full) and the execution time PostgreSQL reports. docs/scaling.md summarises this output.

The CSV export is explained from its first chunks only (the response is not read to the end), and
the deep cursor is made at the deep page's depth rather than reached by following `next` links.
"""

import argparse
import os
import sys
import time
import urllib.parse
from pathlib import Path

from benchmarks.run import base_env

ROOT = Path(__file__).resolve().parent.parent

PLAN_LINES = 12  # the top of a plan: where the scan and its index show
STREAMED_CHUNKS = 3  # of a streamed response (the CSV export), read before it is closed
LINE_WIDTH = 200  # a page's 50 ids in an `= ANY(...)` condition make lines of thousands of characters


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.explain", description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", default=[], metavar="SCENARIO", help="explain only these")
    parser.add_argument("--no-analyze", action="store_true", help="plain EXPLAIN: plans without running them")
    parser.add_argument("--full", action="store_true", help="print whole plans, not their top lines")
    return parser.parse_args(argv)


def setup_django():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("benchmarks.explain needs DATABASE_URL naming a PostgreSQL database (EXPLAIN ANALYZE is PostgreSQL's)")
    # The settings the harness serves the app with, on the test client's host.
    os.environ.update(base_env(url), ALLOWED_HOSTS="testserver")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def deep_cursor(client, facts):
    """The API's cursor at the deep page's depth, made from its first page's `next` link.

    Following `next` 10,000 times (as the harness does) takes seconds; the cursor holds the sort
    values of the row it stops at, so the `next` cursor of the first page, with the id of the row that
    many rows down put in, is the one a client would have reached.
    """
    from biotech_events.api.pagination import decode_token, encode_token
    from biotech_events.models import Deal

    if not facts.deep_rows:
        return None
    ids = list(Deal.objects.order_by("-id").values_list("id", flat=True)[facts.deep_rows - 1 : facts.deep_rows])
    response = client.get(scenarios_module().deep_cursor_path(""))
    link = response.json().get("next") if response.status_code == 200 else None
    if not ids or not link:
        return None
    token = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["cursor"][0]
    payload = decode_token(token)
    payload["v"] = [ids[0]]
    return encode_token(payload)


def scenarios_module():
    from benchmarks import scenarios

    return scenarios


def capture(client, path):
    """The statements the request ran, each with (sql, params, seconds), and the response status."""
    from django.db import connection

    statements = []

    def record(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append((sql, params, time.perf_counter() - started))

    with connection.execute_wrapper(record):
        response = client.get(path)
        if getattr(response, "streaming", False):
            chunks = iter(response.streaming_content)
            for _ in range(STREAMED_CHUNKS):  # the header line, then rows: the export's queries have run once
                if next(chunks, None) is None:
                    break
            response.close()
    return response.status_code, statements


def explain(sql, params, *, analyze):
    from django.db import connection, transaction

    options = "ANALYZE, BUFFERS" if analyze else "COSTS"
    with transaction.atomic(), connection.cursor() as cursor:
        # A server-side cursor's DECLARE is explained as the query it declares.
        statement = sql.split(" CURSOR WITH HOLD FOR ", 1)[-1] if sql.startswith("DECLARE ") else sql
        cursor.execute(f"EXPLAIN ({options}) {statement}", params)
        lines = [row[0] for row in cursor.fetchall()]
        transaction.set_rollback(True)
    return lines


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    setup_django()

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    scenario_module = scenarios_module()
    with connection.cursor() as cursor:
        facts = scenario_module.discover(cursor.connection)
    anonymous, admin = Client(), Client()
    scenarios = scenario_module.build(facts, deep_cursor=deep_cursor(anonymous, facts))
    if args.only:
        scenarios = [scenario for scenario in scenarios if scenario.name in args.only]

    user = get_user_model().objects.filter(is_superuser=True, is_active=True).order_by("id").first()
    if user is not None:
        admin.force_login(user)

    for scenario in scenarios:
        print(f"\n=== {scenario.name}: {scenario.title}\n    GET {scenario.path}")
        if scenario.skip or not scenario.path:
            print(f"    skipped: {scenario.skip or 'no path'}")
            continue
        if scenario.admin and user is None:
            print("    skipped: no active superuser for the admin pages")
            continue
        client = admin if scenario.admin else anonymous
        client.get(scenario.path)  # warm: caches, compiled readers, the planner's statistics in memory
        status, statements = capture(client, scenario.path)
        total = sum(seconds for _, _, seconds in statements) * 1000
        print(f"    status {status}, {len(statements)} statements, {total:.1f} ms in the database")
        for number, (sql, params, seconds) in enumerate(statements, 1):
            if not sql.lstrip().upper().startswith(("SELECT", "DECLARE", "WITH", "(")):
                print(f"\n  [{number}] {seconds * 1000:.1f} ms  {sql[:100]}")
                continue
            print(f"\n  [{number}] {seconds * 1000:.1f} ms  {sql[:300]}{' ...' if len(sql) > 300 else ''}")
            plan = explain(sql, params, analyze=not args.no_analyze)
            body = plan if args.full else plan[:PLAN_LINES]
            for line in body:
                print(f"      {line if args.full or len(line) <= LINE_WIDTH else line[:LINE_WIDTH] + ' ...'}")
            if not args.full and len(plan) > PLAN_LINES:
                print(f"      ... ({len(plan) - PLAN_LINES} more lines)")
                print(
                    *(f"      {line}" for line in plan if line.startswith(("Planning Time", "Execution Time"))),
                    sep="\n",
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
