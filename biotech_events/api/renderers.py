"""CSV for spreadsheets and JSON-LD for linked-data clients, beside DRF's JSON and browsable API."""

import csv
import io
import json

from rest_framework import renderers


def flatten(value):
    """A cell: a related record becomes its display name, a list its items joined by "; "."""
    if value is None:
        return ""
    if isinstance(value, dict):
        if "display" in value:
            return value["display"]
        if "quote" in value:
            return f"{value.get('source')}: {value['quote']}"
        return ", ".join(f"{k}={flatten(v)}" for k, v in value.items() if v not in (None, "", []))
    if isinstance(value, list):
        return "; ".join(flatten(item) for item in value)
    return value


# Rows per streamed chunk: one write per row would cost the server a write (and Django a conversion) each.
CSV_ROWS_PER_CHUNK = 200


def csv_lines(columns, rows):
    """The CSV text of `rows` (serialized dicts) as a stream of chunks: the header alone first, so the
    response starts at once, then the first record alone, as soon as it is read, then
    CSV_ROWS_PER_CHUNK rows a chunk. Closing the stream closes `rows`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    yield buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    written, first = 0, True
    try:
        for row in rows:
            writer.writerow([flatten(row.get(column)) for column in columns])
            written += 1
            if written == CSV_ROWS_PER_CHUNK or first:
                first = False
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
                written = 0
    finally:
        if hasattr(rows, "close"):
            rows.close()  # a reading transaction ends now, not when the garbage collector gets to it
    if written:
        yield buffer.getvalue()


class CSVRenderer(renderers.BaseRenderer):
    """Flat rows: one column per field, relations by display name. Lists stream every filtered row
    (CatalogueViewSet.stream_csv); this renders the rest (a detail, an error)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:  # 204 No Content (a delete)
            return b""
        response = (renderer_context or {}).get("response")
        if response is not None and response.status_code >= 400:
            rows = [{"error": json.dumps(data, ensure_ascii=False)}]
        elif isinstance(data, dict) and "results" in data:
            rows = data["results"]
        else:
            rows = data if isinstance(data, list) else [data]
        stream = io.StringIO()
        if rows:
            writer = csv.DictWriter(stream, fieldnames=list(rows[0]), extrasaction="ignore")
            writer.writeheader()
            writer.writerows({key: flatten(value) for key, value in row.items()} for row in rows)
        return stream.getvalue().encode(self.charset)


class JSONLDRenderer(renderers.JSONRenderer):
    """schema.org JSON-LD; the view supplies the nodes, this adds the context and the graph."""

    media_type = "application/ld+json"
    format = "jsonld"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        from .jsonld import CONTEXT

        response = (renderer_context or {}).get("response")
        if response is not None and response.status_code < 400 and isinstance(data, dict):
            if "results" in data:
                data = {"@context": CONTEXT, "@graph": data["results"]}
            else:
                data = {"@context": CONTEXT, **data}
        return super().render(data, accepted_media_type, renderer_context)
