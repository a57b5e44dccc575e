"""The bounded load test with concurrent writers: no 5xx, and no lost update under overlapping edits.

The app is served by gunicorn on loopback with the production settings (DEBUG off; plain HTTP and no
rate limits, as in the benchmark harness: the test is the only client). Writers and readers from
benchmarks.locust_writers, run in a subprocess, share a few records: the writers append tokens to a
text field with PATCH and If-Match, retrying on 412. Afterwards `verify` holds the database against
every answer:

- no response was a 5xx, or missing;
- every write answered 2xx is in the final text, and the final text is exactly the starting text
  followed by the accepted tokens in the order of the versions their answers named;
- those versions are consecutive from the starting version, and each is in the record's history with
  the text as that write left it: nothing else wrote, nothing was written twice;
- no token of a write answered 412 is in the text, and each 412 named a version other than the
  If-Match it refused.

`run_reliability` does it all against the database Django is connected to (the test's, from
tests/test_reliability/test_load.py); `python -m benchmarks.reliability` against DATABASE_URL, by hand,
removing the records it made afterwards.
"""

import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from benchmarks.load import percentile
from benchmarks.run import base_env
from benchmarks.servers import HOST, Server

ROOT = Path(__file__).resolve().parent.parent
ARTIFACT = ROOT / "artifacts" / "load_concurrent_writers.json"

# The default run: bounded in requests (each user's fixed iterations) and in time.
DEFAULTS = {
    "writers": 6,
    "readers": 4,
    "writes_per_writer": 10,
    "reads_per_reader": 30,
    "max_retries": 5,
    "time_limit": 30,
    "seed": 6,
    "gunicorn_workers": 2,
    "gunicorn_threads": 4,
}


def database_url(settings_dict):
    """A postgres:// URL for the database Django is connected to, for the gunicorn workers."""
    user = urllib.parse.quote(settings_dict.get("USER") or "", safe="")
    password = settings_dict.get("PASSWORD") or ""
    credentials = f"{user}:{urllib.parse.quote(password, safe='')}" if password else user
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{credentials}@{host}:{port}/{urllib.parse.quote(settings_dict['NAME'], safe='')}"


def prepare(options):
    """The shared records (two organizers and an event) and a writer allowed to change them, with a token."""
    from django.contrib.auth.models import Permission, User
    from rest_framework.authtoken.models import Token

    from biotech_events.models import Event, Organizer

    tag = secrets.token_hex(3)
    records = [
        Organizer.objects.create(name=f"Load Commission {tag} A", slug=f"load-{tag}-a", kind="government"),
        Organizer.objects.create(name=f"Load Commission {tag} B", slug=f"load-{tag}-b", kind="government"),
        Event.objects.create(name=f"Load Forum {tag}", slug=f"load-{tag}-forum", kind="forum"),
    ]
    writer = User.objects.create_user(f"load-writer-{tag}", password=secrets.token_urlsafe(16))
    writer.user_permissions.set(Permission.objects.filter(codename__in=["change_organizer", "change_event"]))
    token = Token.objects.create(user=writer)
    targets = []
    for record in records:
        field = "summary" if isinstance(record, Event) else "description"
        segment = "events" if isinstance(record, Event) else "organizers"
        targets.append(
            {
                "name": f"/api/v1/{segment}/[{record.slug}]/",
                "path": f"/api/v1/{segment}/{record.pk}/",
                "field": field,
                "model": record._meta.label,
                "pk": record.pk,
                "initial_text": getattr(record, field),
                "initial_version": record.version,
            }
        )
    plan = {
        **{key: options[key] for key in ("writers", "readers", "writes_per_writer", "reads_per_reader")},
        **{key: options[key] for key in ("max_retries", "time_limit", "seed")},
        "token": token.key,
        "targets": targets,
        "read_paths": ["/api/v1/organizers/?page_size=20", "/api/v1/events/?page_size=10"],
    }
    return plan, [*records, writer]


def serve_and_load(plan, url, options, workdir):
    """Start gunicorn on loopback against `url`, send the load from a subprocess, return what it recorded."""
    env = base_env(url)
    with Server(
        "reliability",
        "config.wsgi:application",
        env,
        workers=options["gunicorn_workers"],
        threads=options["gunicorn_threads"],
        timeout=plan["time_limit"],
        ready_path="/api/v1/",
        workdir=workdir,
    ) as server:
        plan = {**plan, "host": f"http://{HOST}:{server.port}"}
        plan_path, result_path = Path(workdir) / "plan.json", Path(workdir) / "result.json"
        plan_path.write_text(json.dumps(plan))
        command = [sys.executable, "-m", "benchmarks.locust_writers", str(plan_path), str(result_path)]
        done = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, timeout=plan["time_limit"] + 60, check=False
        )
        if done.returncode != 0 or not result_path.exists():
            raise RuntimeError(
                f"the load generator failed ({done.returncode}):\n{done.stderr[-3000:]}\n"
                f"server log:\n{server.log_tail()}"
            )
        result = json.loads(result_path.read_text())
        result["server_log_tail"] = server.log_tail() if any(s[2] >= 500 for s in result["samples"]) else ""
    return result


def _version(etag):
    try:
        return int(etag.removeprefix("W/").strip('"'))
    except (AttributeError, ValueError):
        return None


def verify(plan, result):
    """Every way the database disagrees with the answers the clients got; empty when nothing was lost."""
    from django.apps import apps

    problems = []
    broken = [sample for sample in result["samples"] if sample[2] >= 500 or sample[2] == 0]
    if broken:
        problems.append(f"{len(broken)} responses were 5xx or missing, e.g. {broken[:3]}")
    for target in plan["targets"]:
        name = target["name"]
        model = apps.get_model(target["model"])
        record = model.objects.get(pk=target["pk"])
        text = getattr(record, target["field"])
        writes = [write for write in result["writes"] if write["target"] == name]
        accepted = sorted(
            (write for write in writes if 200 <= write["status"] < 300), key=lambda write: _version(write["etag"]) or 0
        )
        refused = [write for write in writes if write["status"] == 412]
        others = [write for write in writes if write not in accepted and write not in refused]
        if others:
            problems.append(f"{name}: writes answered neither 2xx nor 412: {others[:3]}")
        versions = [_version(write["etag"]) for write in accepted]
        expected_versions = list(range(target["initial_version"] + 1, target["initial_version"] + 1 + len(accepted)))
        if versions != expected_versions:
            problems.append(f"{name}: accepted writes named versions {versions}, expected {expected_versions}")
        if record.version != target["initial_version"] + len(accepted):
            problems.append(
                f"{name}: stored version {record.version} after {len(accepted)} accepted writes "
                f"from version {target['initial_version']}"
            )
        expected_text = target["initial_text"] + "".join(write["token"] for write in accepted)
        if text != expected_text:
            lost = [write["token"] for write in accepted if write["token"] not in text]
            problems.append(f"{name}: final text is not every accepted token in version order; lost: {lost[:10]}")
        leaked = [write["token"] for write in refused if write["token"] in text]
        if leaked:
            problems.append(f"{name}: tokens of writes answered 412 were written: {leaked[:10]}")
        unexplained = [write for write in refused if write["etag"] is None or write["etag"] == write["if_match"]]
        if unexplained:
            problems.append(f"{name}: 412 answers that did not name a newer version: {unexplained[:3]}")
        history = list(model.history.filter(id=target["pk"], version__gt=target["initial_version"]).order_by("version"))
        recorded = [(entry.version, getattr(entry, target["field"])) for entry in history]
        wanted, so_far = [], target["initial_text"]
        for write in accepted:
            so_far += write["token"]
            wanted.append((_version(write["etag"]), so_far))
        if recorded != wanted:
            problems.append(
                f"{name}: history has {len(recorded)} versions after the start, not the {len(wanted)} writes"
            )
    return problems


def summary(plan, result, options):
    """The figures docs/reliability.md quotes."""
    samples = result["samples"]
    latencies = [sample[3] for sample in samples]
    reads = [sample[3] for sample in samples if sample[0] == "GET"]
    writes = [sample[3] for sample in samples if sample[0] == "PATCH"]
    statuses = {}
    for sample in samples:
        statuses[str(sample[2])] = statuses.get(str(sample[2]), 0) + 1
    attempts = result["writes"]
    first_attempts = [write for write in attempts if write["attempt"] == 0]
    accepted = [write for write in attempts if 200 <= write["status"] < 300]
    elapsed = result["elapsed_s"]

    def ms(values, fraction):
        value = percentile(values, fraction)
        return round(value, 1) if value is not None else None

    return {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "setup": {
            "server": f"gunicorn config.wsgi ({options['gunicorn_workers']} workers x {options['gunicorn_threads']} "
            "threads), DEBUG off, PostgreSQL, loopback",
            "machine_cpus": os.cpu_count(),
            "writers": plan["writers"],
            "readers": plan["readers"],
            "shared_records": len(plan["targets"]),
            "writes_per_writer": plan["writes_per_writer"],
            "reads_per_reader": plan["reads_per_reader"],
            "max_retries": plan["max_retries"],
            "time_limit_s": plan["time_limit"],
        },
        "elapsed_s": round(elapsed, 2),
        "capped_by_time_limit": result["capped"],
        "requests": len(samples),
        "throughput_rps": round(len(samples) / elapsed, 1) if elapsed > 0 else None,
        "latency_ms": {
            "all": {"p50": ms(latencies, 0.5), "p95": ms(latencies, 0.95)},
            "reads": {"p50": ms(reads, 0.5), "p95": ms(reads, 0.95)},
            "writes": {"p50": ms(writes, 0.5), "p95": ms(writes, 0.95)},
        },
        "status_counts": {
            "2xx": sum(n for code, n in statuses.items() if code.startswith("2")),
            "412": statuses.get("412", 0),
            "5xx": sum(n for code, n in statuses.items() if code.startswith("5")),
            "other": sum(n for code, n in statuses.items() if not code.startswith(("2", "5")) and code != "412"),
        },
        "statuses": statuses,
        "writes": {
            "logical": len(first_attempts),
            "attempts": len(attempts),
            "accepted": len(accepted),
            "refused_412": sum(write["status"] == 412 for write in attempts),
            "gave_up_after_retries": len(first_attempts) - len(accepted),
        },
    }


def run_reliability(options=None, *, workdir=None, artifact=ARTIFACT):
    """Prepare, load, verify, summarise, against the database Django is connected to.

    Returns (figures, problems, the records it created); writes the figures and problems to `artifact`.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        raise RuntimeError("The load test needs PostgreSQL: gunicorn's workers must share the database.")
    options = {**DEFAULTS, **(options or {})}
    plan, created = prepare(options)
    with tempfile.TemporaryDirectory(dir=workdir) as scratch:
        result = serve_and_load(plan, database_url(connection.settings_dict), options, scratch)
    problems = verify(plan, result)
    figures = summary(plan, result, options)
    figures["problems"] = problems
    if result.get("server_log_tail"):
        figures["server_log_tail"] = result["server_log_tail"]
    if artifact is not None:
        artifact.parent.mkdir(parents=True, exist_ok=True)
        artifact.write_text(json.dumps(figures, indent=2) + "\n")
    return figures, problems, created


def main():
    """By hand: `DATABASE_URL=postgres://... python -m benchmarks.reliability` (migrated; records removed after)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    figures, problems, created = run_reliability()
    for record in reversed(created):
        record.delete()
    print(json.dumps(figures, indent=2))
    print(f"figures written to {ARTIFACT.relative_to(ROOT)}")
    if problems:
        print("PROBLEMS:\n" + "\n".join(problems), file=sys.stderr)
        raise SystemExit(1)


if __name__ == "__main__":
    main()
