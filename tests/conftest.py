import pytest
from django.apps import apps
from django.db import transaction
from django.forms.models import model_to_dict
from simple_history.models import HistoricalChanges

from biotech_events.models import MergedRecord
from biotech_events.services.seeds import load_seeds


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The whole curated catalogue, loaded once per test module the way `load_seeds` loads it.

    It lives in a transaction that is rolled back after the module; each test's own
    transaction nests inside it, so tests still cannot see each other's writes.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_seeds()
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
