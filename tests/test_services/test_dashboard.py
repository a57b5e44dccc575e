"""The dashboard's selectors: counts, the uncited to-do, recent edits, and the data of its two charts."""

import datetime
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from biotech_events.models import CITATION_TARGET_FIELDS, Citation, Company, Deal, Event, Park, Person, SourceDocument
from biotech_events.services import dashboard
from tests.conftest import catalogue_models
from tests.factories import CompanyFactory, DealFactory, EventFactory, ParkFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

SOURCE_000 = "000_bde207d968dfe5fb.txt"


def test_catalogue_models_are_the_curated_models():
    assert dashboard.catalogue_models() == catalogue_models()


def test_record_counts_equal_the_orm_counts_in_one_query(seeded):
    CompanyFactory()  # one uncited record
    with CaptureQueriesContext(connection) as queries:
        counts = dashboard.record_counts()
    assert len(queries) == 1
    assert {c.model: c.count for c in counts} == {m: m._default_manager.count() for m in catalogue_models()}
    citable = dashboard.citable_models()
    for entry in counts:
        if entry.model in citable:
            expected = entry.model._default_manager.filter(citations__isnull=True).count()
            assert entry.uncited == expected, entry.model
        else:
            assert entry.uncited is None, entry.model
    assert next(c for c in counts if c.model is Company).uncited == 1


def test_every_citation_target_is_a_citable_model():
    assert sorted(dashboard.citable_models().values()) == sorted(CITATION_TARGET_FIELDS)
    assert Event in dashboard.citable_models() and SourceDocument not in dashboard.citable_models()


def test_a_new_record_is_on_the_to_do_list_until_it_is_cited(seeded):
    assert dashboard.uncited_records() == []  # the seeds are fully cited
    park = ParkFactory(name="Uncited Park")
    (group,) = dashboard.uncited_records()
    assert (group.model, group.count, group.records, group.more) == (Park, 1, [park], 0)

    Citation.objects.create(source=SourceDocument.objects.get(key=SOURCE_000), quote="Chengdu", park=park)
    assert dashboard.uncited_records() == []


def test_the_to_do_list_shows_the_newest_few_per_model_and_counts_the_rest(seeded):
    people = [PersonFactory() for _ in range(7)]
    deal = DealFactory()
    groups = {group.model: group for group in dashboard.uncited_records(limit=5)}
    assert set(groups) == {Person, Deal}
    assert groups[Person].count == 7 and groups[Person].records == people[::-1][:5] and groups[Person].more == 2
    assert groups[Deal].records == [deal]


def test_the_to_do_list_takes_a_query_per_model_with_uncited_records_however_many(seeded):
    for _ in range(3):
        PersonFactory()
    with CaptureQueriesContext(connection) as few:
        dashboard.uncited_records()
    for _ in range(30):
        PersonFactory()
    with CaptureQueriesContext(connection) as many:
        dashboard.uncited_records()
    assert len(few) == len(many) == 2


def test_recent_edits_are_the_newest_history_entries_across_models(seeded):
    editor = UserFactory(username="curator")
    company = CompanyFactory(name="Edited Pharma")
    company.name = "Edited Pharma Ltd"
    company._history_user = editor
    company._change_reason = "Full name from the annual report"
    company.save()
    park = ParkFactory(name="Doomed Park")
    park.delete()

    edits = dashboard.recent_edits(limit=4)
    assert [(e.model, e.kind, e.label) for e in edits] == [
        (Park, "deleted", "Doomed Park"),
        (Park, "created", "Doomed Park"),
        (Company, "changed", "Edited Pharma Ltd"),
        (Company, "created", "Edited Pharma"),
    ]
    changed = edits[2]
    assert (changed.user, changed.reason, changed.object_id, changed.exists) == (
        editor,
        "Full name from the annual report",
        company.pk,
        True,
    )
    assert edits[0].exists is False
    assert [e.when for e in edits] == sorted((e.when for e in edits), reverse=True)


def test_recent_edits_name_link_records_after_what_they_link_in_a_fixed_number_of_queries(seeded):
    with CaptureQueriesContext(connection) as queries:
        edits = dashboard.recent_edits(limit=15)
    assert len(edits) == 15
    # One union over every history table, then one query per model among the edits.
    assert len(queries) == 1 + len({e.model for e in edits})
    citation = next(e for e in edits if e.model is Citation)
    assert citation.label == str(Citation.objects.get(pk=citation.object_id))


def test_recent_edits_can_be_limited_to_some_models(seeded):
    EventFactory()
    CompanyFactory()
    assert {e.model for e in dashboard.recent_edits([Event], limit=5)} == {Event}
    assert dashboard.recent_edits([], limit=5) == []


def test_events_per_year_by_city_counts_main_events_by_default(seeded):
    chart = dashboard.events_per_year_by_city()
    expected = Counter(
        (str(e.start_date.year) if e.start_date else dashboard.UNDATED, e.city or dashboard.NO_CITY)
        for e in Event.objects.filter(parent__isnull=True)
    )
    got = Counter(
        {
            (year, series.name): value
            for series in chart.series
            for year, value in zip(chart.categories, series.values, strict=True)
            if value
        }
    )
    assert got == expected
    assert chart.categories == ["2022", "2023"]
    assert dict((s.name, s.values) for s in chart.series)["Chengdu"] == [0, 1]

    every = dashboard.events_per_year_by_city(top_level=False)
    assert sum(sum(s.values) for s in every.series) == Event.objects.count()
    assert every.categories[-1] == dashboard.UNDATED


def test_deal_value_per_year_by_currency_sums_each_currency_apart(seeded):
    chart = dashboard.deal_value_per_year_by_currency()
    # The seeds' two disclosed amounts are undated: the CMG901 licence and the bundle of 18 projects.
    assert chart.categories == [dashboard.UNDATED]
    assert {s.name: s.values for s in chart.series} == {
        "CNY": [Decimal("3000000000")],
        "USD": [Decimal("1200000000")],
    }

    DealFactory(amount=Decimal("100"), currency="USD", date=datetime.date(2023, 5, 1), date_precision="month")
    DealFactory(amount=Decimal("50"), currency="USD", date=datetime.date(2023, 9, 9), date_precision="day")
    DealFactory(amount=Decimal("70"), currency="EUR", date=datetime.date(2021, 1, 1), date_precision="year")
    DealFactory()  # no amount: not counted
    chart = dashboard.deal_value_per_year_by_currency()
    assert chart.categories == ["2021", "2023", dashboard.UNDATED]
    assert {s.name: s.values for s in chart.series} == {
        "CNY": [0, 0, Decimal("3000000000")],
        "USD": [0, Decimal("150"), Decimal("1200000000")],
        "EUR": [Decimal("70"), 0, 0],
    }
    total = sum(Deal.objects.filter(amount__isnull=False, currency="USD").values_list("amount", flat=True))
    assert sum(dict((s.name, s.values) for s in chart.series)["USD"]) == total
