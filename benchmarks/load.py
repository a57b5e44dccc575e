"""A small HTTP load generator: threads, each with its own keep-alive http.client connection.

`run_load()` sends a warm-up, then a fixed number of requests (stopping early at a time cap),
`concurrency` at a time, and returns every request's latency, status, size and the server's
`X-Query-Count` header. `stream_once()` sends one request and reads the body in chunks, timing the
first byte and the whole, without holding the body in memory (for exports). Loopback only: the
harness points it at the servers it started on 127.0.0.1.
"""

import http.client
import math
import threading
import time
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Request:
    path: str
    method: str = "GET"
    headers: dict = field(default_factory=dict)
    body: bytes | None = None


@dataclass
class Sample:
    latency: float  # seconds, request sent to body read
    status: int  # 0: no response (connection error)
    size: int
    queries: int | None
    error: str = ""


@dataclass
class LoadResult:
    samples: list
    elapsed: float  # seconds, wall time of the measured phase
    capped: bool  # the time cap stopped it before the requested count
    requested: int
    first_body: bytes = b""
    error_samples: list = field(default_factory=list)


def _header_int(response, name):
    value = response.getheader(name)
    return int(value) if value is not None and value.strip().lstrip("-").isdigit() else None


class Client:
    """One keep-alive connection; reconnects after the server closes it or on an error."""

    def __init__(self, host, port, timeout):
        self.host, self.port, self.timeout = host, port, timeout
        self.conn = None

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def send(self, request):
        """(Sample, body): the whole body is read before the clock stops."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        headers = {"Accept": "application/json", **request.headers}
        started = time.perf_counter()
        try:
            self.conn.request(request.method, request.path, body=request.body, headers=headers)
            response = self.conn.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.close()
            return Sample(time.perf_counter() - started, 0, 0, None, f"{type(error).__name__}: {error}"), b""
        latency = time.perf_counter() - started
        if response.will_close:
            self.close()
        error = "" if response.status < 400 else f"HTTP {response.status}"
        return Sample(latency, response.status, len(body), _header_int(response, "X-Query-Count"), error), body


def run_load(host, port, requests, *, total, concurrency, warmup=0, duration_cap=None, timeout=120.0):
    """Send `warmup` unmeasured requests, then `total` measured ones (or fewer, at the time cap).

    `requests` is a list of Request cycled through in order (one recipe, or a few variants).
    """
    concurrency = max(1, min(concurrency, total)) if total else 1
    clients = [Client(host, port, timeout) for _ in range(concurrency)]
    lock = threading.Lock()
    state = {"next": 0, "first_body": b""}
    samples, errors = [], []

    def warm(client, count):
        for number in range(count):
            client.send(requests[number % len(requests)])

    def worker(client, deadline):
        while True:
            with lock:
                number = state["next"]
                if number >= total or (deadline is not None and time.perf_counter() >= deadline):
                    return
                state["next"] = number + 1
            sample, body = client.send(requests[number % len(requests)])
            with lock:
                samples.append(sample)
                if number == 0:
                    state["first_body"] = body
                if sample.error and len(errors) < 3:
                    errors.append(
                        {"status": sample.status, "error": sample.error, "body": body[:500].decode(errors="replace")}
                    )

    try:
        if warmup:
            per_client = math.ceil(warmup / concurrency)
            threads = [threading.Thread(target=warm, args=(client, per_client)) for client in clients]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        started = time.perf_counter()
        deadline = started + duration_cap if duration_cap else None
        threads = [threading.Thread(target=worker, args=(client, deadline)) for client in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    finally:
        for client in clients:
            client.close()
    return LoadResult(
        samples=samples,
        elapsed=elapsed,
        capped=len(samples) < total,
        requested=total,
        first_body=state["first_body"],
        error_samples=errors,
    )


@dataclass
class StreamResult:
    status: int
    ttfb: float  # seconds until the status line and headers
    ttfb_body: float | None  # seconds until the first body byte
    first_record: float | None  # seconds until the end of the body's second line (a CSV's first record)
    total: float  # seconds until the last byte
    size: int
    lines: int
    queries_header: int | None
    headers: dict
    head: bytes  # the first bytes of the body
    error: str = ""


def stream_once(host, port, request, *, timeout=900.0, chunk=1 << 16, keep=2048):
    """One request whose body is read in chunks and counted, never kept whole."""
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    started = time.perf_counter()
    try:
        conn.request(request.method, request.path, body=request.body, headers=dict(request.headers))
        response = conn.getresponse()
        ttfb = time.perf_counter() - started
        ttfb_body, first_record, size, lines, head = None, None, 0, 0, b""
        while True:
            data = response.read1(chunk) if hasattr(response, "read1") else response.read(chunk)
            if not data:
                break
            if ttfb_body is None:
                ttfb_body = time.perf_counter() - started
            size += len(data)
            lines += data.count(b"\n")
            if first_record is None and lines >= 2:
                first_record = time.perf_counter() - started
            if len(head) < keep:
                head += data[: keep - len(head)]
        total = time.perf_counter() - started
        error = "" if response.status < 400 else f"HTTP {response.status}"
        return StreamResult(
            status=response.status,
            ttfb=ttfb,
            ttfb_body=ttfb_body,
            first_record=first_record,
            total=total,
            size=size,
            lines=lines,
            queries_header=_header_int(response, "X-Query-Count"),
            headers=dict(response.getheaders()),
            head=head,
            error=error,
        )
    except (OSError, http.client.HTTPException) as error:
        elapsed = time.perf_counter() - started
        return StreamResult(0, elapsed, None, None, elapsed, 0, 0, None, {}, b"", f"{type(error).__name__}: {error}")
    finally:
        conn.close()


def percentile(values, fraction):
    """Linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summarize(result):
    """The numbers the report keeps for one scenario on one server."""
    samples = result.samples
    latencies = [s.latency * 1000 for s in samples]
    queries = sorted(s.queries for s in samples if s.queries is not None)
    errors = [s for s in samples if s.error]
    statuses = {}
    for sample in samples:
        statuses[str(sample.status)] = statuses.get(str(sample.status), 0) + 1
    return {
        "requests": len(samples),
        "requested": result.requested,
        "capped": result.capped,
        "errors": len(errors),
        "statuses": statuses,
        "error_samples": result.error_samples,
        "elapsed_s": round(result.elapsed, 4),
        "throughput_rps": round(len(samples) / result.elapsed, 3) if result.elapsed > 0 and samples else 0.0,
        "latency_ms": {
            "p50": _round(percentile(latencies, 0.50)),
            "p95": _round(percentile(latencies, 0.95)),
            "p99": _round(percentile(latencies, 0.99)),
            "mean": _round(sum(latencies) / len(latencies)) if latencies else None,
            "min": _round(min(latencies)) if latencies else None,
            "max": _round(max(latencies)) if latencies else None,
        },
        "bytes_per_response": int(percentile([s.size for s in samples], 0.5)) if samples else 0,
        "queries_per_request": (
            {"median": percentile(queries, 0.5), "min": queries[0], "max": queries[-1], "recorded": len(queries)}
            if queries
            else None
        ),
    }


def _round(value, digits=3):
    return None if value is None else round(value, digits)
