"""The CSV export's reading of rows: in a transaction of its own, ended with the stream.

Apart from test_formats.py: these tests need real transactions (autocommit between statements), which
the seeded catalogue's module-long transaction there would hide.
"""

import csv
import io

import pytest
from django.db import connection

from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db(transaction=True)


def read_csv(response):
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_a_csv_export_reads_its_rows_inside_a_transaction(api):
    """Outside one, PostgreSQL's cursor would have to be WITH HOLD: the whole result computed before a row."""
    CompanyFactory.create_batch(3)
    in_transaction = []

    def record(execute, sql, params, many, context):
        if "biotech_events_company" in sql:
            in_transaction.append(connection.in_atomic_block)
        return execute(sql, params, many, context)

    response = api.get("/api/v1/companies/", {"format": "csv", "fields": "slug,aliases"})
    with connection.execute_wrapper(record):
        rows = read_csv(response)
    assert len(rows) == 3
    assert in_transaction and all(in_transaction), in_transaction
    assert not connection.in_atomic_block, "the transaction ends with the stream"


def test_a_csv_export_left_unread_ends_its_transaction_when_closed(api, monkeypatch):
    monkeypatch.setattr("biotech_events.api.renderers.CSV_ROWS_PER_CHUNK", 1)
    CompanyFactory.create_batch(3)
    response = api.get("/api/v1/companies/", {"format": "csv", "fields": "slug"})
    chunks = iter(response.streaming_content)
    next(chunks), next(chunks)  # the header, then the first row: the transaction is open
    assert connection.in_atomic_block
    response.close()  # the client went away
    assert not connection.in_atomic_block


def test_a_csv_export_serializes_its_first_rows_alone_then_whole_chunks(monkeypatch):
    from biotech_events.api import views
    from biotech_events.models import Company

    monkeypatch.setattr(views, "CSV_FIRST_ROWS", 2)
    monkeypatch.setattr(views, "CSV_CHUNK_ROWS", 3)
    CompanyFactory.create_batch(7)
    batches = []

    def serialize(chunk):
        batches.append(len(chunk))
        return chunk

    rows = list(views.streamed_rows(Company.objects.order_by("pk"), serialize))
    assert batches == [2, 3, 2]
    assert [row.pk for row in rows] == list(Company.objects.order_by("pk").values_list("pk", flat=True))
