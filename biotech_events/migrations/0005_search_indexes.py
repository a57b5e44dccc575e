"""Trigram indexes for search on PostgreSQL: substring matches (icontains) and one-typo tolerance.

PostgreSQL only: on SQLite the search falls back to plain matching and nothing is created.
Two GIN indexes per searched column: on the column itself for word similarity (the %> operator),
and on UPPER(column) for Django's icontains (UPPER(col) LIKE UPPER('%term%')).
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

SEARCHED = [
    ("biotech_events_company", "name"),
    ("biotech_events_person", "name"),
    ("biotech_events_organizer", "name"),
    ("biotech_events_park", "name"),
    ("biotech_events_event", "name"),
    ("biotech_events_deal", "title"),
    ("biotech_events_alias", "name"),
]


def index_names(table, column):
    short = table.removeprefix("biotech_events_")
    return f"{short}_{column}_trgm", f"{short}_{column}_upper_trgm"


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in SEARCHED:
        plain, upper = index_names(table, column)
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS {plain} ON {table} USING gin ("{column}" gin_trgm_ops)')
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {upper} ON {table} USING gin (UPPER("{column}"::text) gin_trgm_ops)'
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in SEARCHED:
        for name in index_names(table, column):
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("biotech_events", "0004_merged_records")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
