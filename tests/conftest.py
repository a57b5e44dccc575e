import pytest
from django.apps import apps
from django.db import connection, transaction
from django.forms.models import model_to_dict
from simple_history.models import HistoricalChanges

from biotech_events.models import MergedRecord
from biotech_events.services.seeds import load_seeds


@pytest.fixture(scope="session")
def seed_rows(django_db_setup, django_db_blocker):
    """(report, rows): what `load_seeds` writes, loaded once per test process and kept in memory.

    Loading validates and versions every record (about ten seconds on PostgreSQL); putting the same
    rows back with bulk inserts takes a fraction of a second. The load itself is rolled back.
    """
    models = apps.get_models()
    with django_db_blocker.unblock(), transaction.atomic():
        before = {model: set(model._base_manager.values_list("pk", flat=True)) for model in models}
        report = load_seeds()
        rows = []
        for model in models:
            added = [row for row in model._base_manager.order_by("pk") if row.pk not in before[model]]
            if added:
                rows.append((model, added))
        transaction.set_rollback(True)
    with django_db_blocker.unblock():
        _keep_ids_taken(rows)
    return report, rows


def _keep_ids_taken(rows):
    """Make later inserts take ids after the seeds' ones, as PostgreSQL's sequences (never rolled back) do.

    SQLite's AUTOINCREMENT counters are rolled back with the load, so a record created later (say by the
    demo data generator) would take a seeded id and collide with the seeds restored beside it.
    """
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for model, added in rows:
            table, top = model._meta.db_table, max(row.pk for row in added)
            cursor.execute("UPDATE sqlite_sequence SET seq = MAX(seq, %s) WHERE name = %s", [top, table])
            if not cursor.rowcount:
                cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, top])


def restore_seeds(seed_rows):
    """Write the rows `load_seeds` wrote, exactly as it wrote them (ids, versions, history); return its report."""
    report, rows = seed_rows
    with transaction.atomic():  # foreign keys are checked at the end, whatever the order of the tables
        for model, added in rows:
            model._base_manager.bulk_create(added)
    return report


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, seed_rows):
    """The whole curated catalogue, as `load_seeds` loads it, for one test module.

    It lives in a transaction that is rolled back after the module; each test's own
    transaction nests inside it, so tests still cannot see each other's writes.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield restore_seeds(seed_rows)
        transaction.set_rollback(True)


def catalogue_models():
    """The curated models: not their history tables, nor the merge log."""
    return [
        model
        for model in apps.get_app_config("biotech_events").get_models()
        if not issubclass(model, HistoricalChanges) and model is not MergedRecord
    ]


def snapshot():
    """Every stored row of the catalogue, field by field."""
    return {
        model._meta.label: [
            model_to_dict(row, fields=[f.name for f in model._meta.concrete_fields])
            for row in model.objects.order_by("pk")
        ]
        for model in [*catalogue_models(), MergedRecord]
    }
