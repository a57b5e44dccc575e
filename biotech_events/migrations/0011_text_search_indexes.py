"""Full-text indexes for `?text=` on PostgreSQL: GIN on the very `to_tsvector` expression the filter builds.

PostgreSQL uses an expression index only for a query with the same expression, so each index is
built from the same SearchVector as biotech_events.api.filters.FullTextFilter (fields in the same
order, the "english" configuration); tests/test_api/test_text_search.py checks the plans use them.
Events and deals carry the prose (and the rows); the few source articles are read without one.
On SQLite the filter matches plainly and nothing is created.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

TEXT_INDEXES = [
    ("event", "event_text_search", ("name", "theme", "summary", "description")),
    ("deal", "deal_text_search", ("title", "asset", "summary", "description")),
]


def text_index(fields, name):
    return GinIndex(SearchVector(*fields, config="english"), name=name)


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, name, fields in TEXT_INDEXES:
        schema_editor.add_index(apps.get_model("biotech_events", model_name), text_index(fields, name))


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, name, fields in TEXT_INDEXES:
        schema_editor.remove_index(apps.get_model("biotech_events", model_name), text_index(fields, name))


class Migration(migrations.Migration):
    dependencies = [("biotech_events", "0010_total_orderings")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
