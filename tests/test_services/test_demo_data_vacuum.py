"""The demo data generator on PostgreSQL, after its transaction commits: every table it wrote is vacuumed.

A module of its own: these tests commit, and the other modules hold their demo data in an open transaction.
"""

import pytest
from django.db import connection

from biotech_events.services.demo_data import GENERATED_MODELS, clear_demo_data, demo_data_present, generate_demo_data

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="VACUUM is PostgreSQL's")


def _vacuumed_tables():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE relname = ANY(%s) AND last_vacuum IS NOT NULL",
            [[model._meta.db_table for model in GENERATED_MODELS]],
        )
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db(transaction=True)
def test_a_committed_generation_and_clear_leave_every_table_vacuumed_on_postgresql():
    """Index-only scans (capped counts, deep pages) need the visibility map that only VACUUM sets."""
    tables = {model._meta.db_table for model in GENERATED_MODELS}
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_reset()")  # forget earlier runs' vacuums on this test database
    assert not _vacuumed_tables() & tables

    generate_demo_data(scale=0.001, seed=1)
    assert _vacuumed_tables() == tables

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_reset()")
    clear_demo_data()
    assert _vacuumed_tables() == tables
    assert not demo_data_present()
