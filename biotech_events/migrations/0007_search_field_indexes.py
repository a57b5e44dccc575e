"""Indexes for the rest of the searched text fields (PostgreSQL only), built without blocking writes.

`?search=` matches a record when its own searched fields together hold every word (see
CatalogueSearchFilter). PostgreSQL serves that from the fields' indexes, intersecting the words' hits,
only when every field searched by substring has one: an event's theme and city, a person's family,
given and Chinese names, a deal's asset. Each gets a GIN trigram index on UPPER(column), the expression
of Django's icontains, as migration 0005 gave the names. Slugs are matched whole, by their unique index.

A person's Chinese name is also matched by word similarity (`%>`, on the column itself): a two-character
name has no trigram inside it to look up as a substring. Ranking puts a record first when one of its
aliases is the search itself (UPPER(name) = ...): a b-tree answers that at once, where the trigram index
would recheck every alias holding a common word.

The indexes are built CONCURRENTLY (so outside a transaction): a large table keeps taking writes.
An index left invalid by an interrupted build is dropped and built again.
"""

from django.db import migrations

# (index, table, method and indexed expression)
INDEXES = [
    ("person_family_name_upper_trgm", "biotech_events_person", 'gin (UPPER("family_name"::text) gin_trgm_ops)'),
    ("person_given_name_upper_trgm", "biotech_events_person", 'gin (UPPER("given_name"::text) gin_trgm_ops)'),
    ("person_name_zh_upper_trgm", "biotech_events_person", 'gin (UPPER("name_zh"::text) gin_trgm_ops)'),
    ("person_name_zh_trgm", "biotech_events_person", 'gin ("name_zh" gin_trgm_ops)'),
    ("event_theme_upper_trgm", "biotech_events_event", 'gin (UPPER("theme"::text) gin_trgm_ops)'),
    ("event_city_upper_trgm", "biotech_events_event", 'gin (UPPER("city"::text) gin_trgm_ops)'),
    ("deal_asset_upper_trgm", "biotech_events_deal", 'gin (UPPER("asset"::text) gin_trgm_ops)'),
    ("alias_name_upper", "biotech_events_alias", 'btree (UPPER("name"::text))'),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, definition in INDEXES:
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "SELECT NOT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE c.relname = %s AND pg_table_is_visible(c.oid)",
                [name],
            )
            row = cursor.fetchone()
        if row and row[0]:
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
        schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {table} USING {definition}")
    # The planner estimates matches on an indexed expression from statistics that ANALYZE gathers.
    for table in dict.fromkeys(table for _, table, _ in INDEXES):
        schema_editor.execute(f"ANALYZE {table}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _, _ in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [("biotech_events", "0006_versions")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
