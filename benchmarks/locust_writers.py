"""The load of concurrent readers and writers that benchmarks.reliability sends, with locust as a library.

Run as `python -m benchmarks.locust_writers PLAN.json RESULT.json` (benchmarks.reliability does).
Importing locust patches the process for gevent, so this runs in a process of its own, never inside
Django's or pytest's. Loopback only: the plan must name a server on 127.0.0.0/8 or localhost.

Writers edit a few shared records: each write reads a record (its ETag and a text field), appends a
token of its own to the text and PATCHes it with If-Match: the ETag it read. On 412 it reads again and
retries with a new token, up to `max_retries` times. Readers list and read the same records meanwhile.
Each user stops after its fixed number of iterations, and the whole run at `time_limit` seconds in
any case. Every request (status, latency) and every write attempt (token, If-Match sent, status, ETag
answered) goes to RESULT.json, which benchmarks.reliability holds against the database.
"""

import itertools
import json
import random
import sys
import time
import urllib.parse
from pathlib import Path

import gevent
from locust import FastHttpUser, constant, task
from locust.env import Environment
from locust.exception import StopUser

PLAN = {}
SAMPLES = []  # [method, name, status, latency in ms]; status 0: no response
WRITES = []  # one per PATCH attempt
_numbers = itertools.count(1)


def _header(response, name):
    headers = response.headers or {}
    return headers.get(name) or headers.get(name.lower())


class Writer(FastHttpUser):
    wait_time = constant(0)
    network_timeout = connection_timeout = 20.0

    def on_start(self):
        self.number = next(_numbers)
        self.rng = random.Random(PLAN["seed"] * 1000 + self.number)
        self.done = 0
        self.auth = {"Authorization": f"Token {PLAN['token']}", "Accept": "application/json"}

    @task
    def write(self):
        if self.done >= PLAN["writes_per_writer"]:
            raise StopUser
        self.done += 1
        target = self.rng.choice(PLAN["targets"])
        for attempt in range(PLAN["max_retries"] + 1):
            with self.client.get(
                target["path"], headers=self.auth, name=f"GET {target['name']}", catch_response=True
            ) as read:
                if read.status_code != 200:
                    read.failure(f"read for a write answered {read.status_code}")
                    return
                if_match = _header(read, "ETag")
                text = read.json()[target["field"]]
            token = f"[w{self.number}.{self.done}.{attempt}]"
            with self.client.patch(
                target["path"],
                json={target["field"]: text + token},
                headers={**self.auth, "If-Match": if_match},
                name=f"PATCH {target['name']}",
                catch_response=True,
            ) as answer:
                if answer.status_code == 412:
                    answer.success()  # expected under contention: read again and retry
            WRITES.append(
                {
                    "target": target["name"],
                    "token": token,
                    "attempt": attempt,
                    "if_match": if_match,
                    "status": answer.status_code,
                    "etag": _header(answer, "ETag"),
                }
            )
            if answer.status_code != 412:
                return


class Reader(FastHttpUser):
    wait_time = constant(0)
    network_timeout = connection_timeout = 20.0

    def on_start(self):
        self.rng = random.Random(PLAN["seed"] * 1000 + 500 + next(_numbers))
        self.done = 0

    @task
    def read(self):
        if self.done >= PLAN["reads_per_reader"]:
            raise StopUser
        self.done += 1
        if self.done % 2:
            path = self.rng.choice(PLAN["read_paths"])
            name = f"GET {path.split('?')[0]}"
        else:
            target = self.rng.choice(PLAN["targets"])
            path, name = target["path"], f"GET {target['name']}"
        self.client.get(path, headers={"Accept": "application/json"}, name=name)


def on_request(request_type, name, response_time, response_length, response=None, exception=None, **kwargs):
    SAMPLES.append([request_type, name, getattr(response, "status_code", 0) or 0, response_time])


def run(plan):
    host = urllib.parse.urlsplit(plan["host"]).hostname or ""
    if not (host == "localhost" or host.startswith("127.")):
        raise SystemExit(f"Refusing to load {plan['host']}: this load test targets loopback servers only.")
    PLAN.update(plan)
    Writer.fixed_count, Reader.fixed_count = plan["writers"], plan["readers"]
    env = Environment(user_classes=[Writer, Reader], host=plan["host"])
    env.events.request.add_listener(on_request)
    runner = env.create_local_runner()
    started = time.perf_counter()
    deadline = started + plan["time_limit"]
    runner.start(plan["writers"] + plan["readers"], spawn_rate=100)
    gevent.sleep(0.1)
    while time.perf_counter() < deadline:
        spawning = runner.spawning_greenlet is not None and not runner.spawning_greenlet.dead
        if not spawning and runner.user_count == 0:
            break  # every user has done its fixed number of iterations
        gevent.sleep(0.02)
    elapsed = time.perf_counter() - started
    capped = runner.user_count > 0
    runner.quit()
    return {"elapsed_s": elapsed, "capped": capped, "samples": SAMPLES, "writes": WRITES}


def main(argv):
    if len(argv) != 3:
        raise SystemExit(f"usage: python -m benchmarks.locust_writers PLAN.json RESULT.json (got {argv[1:]})")
    result = run(json.loads(Path(argv[1]).read_text()))
    Path(argv[2]).write_text(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv)
