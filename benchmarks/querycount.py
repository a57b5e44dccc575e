"""The Django application, reporting how many SQL queries each request ran (for the benchmark).

    BENCHMARK_QUERY_COUNT=1 gunicorn benchmarks.querycount:application

With BENCHMARK_QUERY_COUNT=1 every response carries an `X-Query-Count` header: the statements run
on the default database while Django built the response (django.db.connection.execute_wrapper).
Without it, `application` is config.wsgi's application unchanged.

A streaming response (a CSV export, say) runs queries after its headers have gone out: the header
then counts those run so far, and when BENCHMARK_QUERY_COUNT_LOG names a file, the final count of
every such request is appended to it as a JSON line {"pid", "path", "query", "header", "queries"}.
"""

import json
import os
import threading

from django.db import connection

from config.wsgi import application as django_application

_log_lock = threading.Lock()


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class _CountedStream:
    """A streaming body whose iteration (where its queries run) is counted too.

    The final count is logged when the iteration ends, before the server sends the last chunk
    (it calls close() only after that, when the client may already have read the whole body).
    """

    def __init__(self, body, counter, on_end):
        self.body = body
        self.counter = counter
        self.on_end = on_end
        self.ended = False

    def __iter__(self):
        try:
            with connection.execute_wrapper(self.counter):
                yield from self.body
        finally:
            self.end()

    def end(self):
        if not self.ended:
            self.ended = True
            self.on_end()

    def close(self):
        try:
            if hasattr(self.body, "close"):
                self.body.close()
        finally:
            self.end()


class QueryCountMiddleware:
    def __init__(self, app, log_path=None):
        self.app = app
        self.log_path = log_path

    def __call__(self, environ, start_response):
        counter = QueryCounter()
        sent = {}

        def counting_start_response(status, headers, exc_info=None):
            sent["header"] = counter.count
            return start_response(status, [*headers, ("X-Query-Count", str(counter.count))], exc_info)

        with connection.execute_wrapper(counter):
            body = self.app(environ, counting_start_response)
        if not getattr(body, "streaming", False):
            return body

        def log_final_count():
            if self.log_path and counter.count != sent.get("header"):
                line = {
                    "pid": os.getpid(),
                    "path": environ.get("PATH_INFO", ""),
                    "query": environ.get("QUERY_STRING", ""),
                    "header": sent.get("header"),
                    "queries": counter.count,
                }
                with _log_lock, open(self.log_path, "a", encoding="utf-8") as log:
                    log.write(json.dumps(line) + "\n")

        return _CountedStream(body, counter, log_final_count)


if os.environ.get("BENCHMARK_QUERY_COUNT", "").strip().lower() in {"1", "true", "yes", "on"}:
    application = QueryCountMiddleware(django_application, os.environ.get("BENCHMARK_QUERY_COUNT_LOG") or None)
else:
    application = django_application
