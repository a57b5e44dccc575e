"""The bounded load test: readers and writers editing the same records at once, through gunicorn and PostgreSQL.

Transactional: the records it writes are committed, for gunicorn's workers to see, and flushed after.
The figures go to artifacts/load_concurrent_writers.json (quoted in docs/reliability.md).
"""

import importlib.util
import time

import pytest
from django.db import connection

from benchmarks.reliability import ARTIFACT, DEFAULTS, prepare, run_reliability, verify

MISSING = [name for name in ("gunicorn", "locust") if importlib.util.find_spec(name) is None]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: gunicorn's workers cannot share pytest's SQLite test database",
)
@pytest.mark.skipif(bool(MISSING), reason=f"the dev packages are not installed: {', '.join(MISSING)}")
def test_concurrent_writers_lose_no_update_and_get_no_server_error():
    started = time.monotonic()
    figures, problems, _ = run_reliability()
    took = time.monotonic() - started

    assert problems == [], "\n".join(problems)
    counts = figures["status_counts"]
    assert counts["5xx"] == 0 and counts["other"] == 0, figures["statuses"]
    assert not figures["capped_by_time_limit"], f"the fixed requests did not finish in {DEFAULTS['time_limit']} s"
    writes = figures["writes"]
    assert writes["logical"] == DEFAULTS["writers"] * DEFAULTS["writes_per_writer"]
    assert writes["accepted"] > 0
    assert writes["refused_412"] > 0, "no two writers ever overlapped: the test proves nothing"
    reads = DEFAULTS["readers"] * DEFAULTS["reads_per_reader"]
    assert figures["requests"] == reads + 2 * writes["attempts"]  # every attempt is one read and one PATCH
    assert counts["2xx"] + counts["412"] == figures["requests"]
    assert took < DEFAULTS["time_limit"] + 30  # the server's start and the checks included
    assert ARTIFACT.exists()


def write(target, token, status, etag, if_match='"1"'):
    return {
        "target": target["name"],
        "token": token,
        "attempt": 0,
        "if_match": if_match,
        "status": status,
        "etag": etag,
    }


@pytest.mark.django_db
def test_the_check_finds_a_lost_update_a_leaked_refusal_and_a_server_error():
    """The load test's verdict can fail: a write answered 200 but missing, a 412'd token stored, a 500."""
    from django.apps import apps

    plan, _ = prepare(DEFAULTS)
    first, second, third = plan["targets"]
    record = apps.get_model(first["model"]).objects.get(pk=first["pk"])
    record.description = "[w1.1.0]"  # what the database kept: one write only
    record.save()
    other = apps.get_model(third["model"]).objects.get(pk=third["pk"])
    other.summary = "[w3.1.0]"
    other.save()
    result = {
        "samples": [["GET", first["name"], 200, 5.0], ["PATCH", first["name"], 500, 9.0]],
        "writes": [
            write(first, "[w1.1.0]", 200, '"2"'),
            write(first, "[w2.1.0]", 200, '"3"'),  # answered 200, yet not stored
            write(third, "[w3.1.0]", 412, '"2"'),  # answered 412, yet stored
        ],
    }
    problems = "\n".join(verify(plan, result))
    assert "1 responses were 5xx or missing" in problems
    assert f"{first['name']}: stored version 2 after 2 accepted writes" in problems
    assert "lost: ['[w2.1.0]']" in problems
    assert f"{third['name']}: tokens of writes answered 412 were written: ['[w3.1.0]']" in problems
    assert second["name"] not in problems  # untouched, and no answers about it: nothing to hold against it

    ok = {"samples": [], "writes": [write(first, "[w1.1.0]", 200, '"2"')]}
    assert [p for p in verify(plan, ok) if first["name"] in p] == []
