"""Importing and exporting the catalogue with the Resource API: round trips, all or nothing, aliases, history."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from biotech_events.admin.resources import (
    RESOURCES,
    CompanyResource,
    EventResource,
    describe_errors,
    export_records,
    import_records,
)
from biotech_events.models import Alias, Company, Deal, Event, ParkRanking, Person, RankingList
from tests.conftest import snapshot

pytestmark = pytest.mark.django_db

COMPANY_COLUMNS = ["slug", "name", "kind", "parent", "hq_city", "hq_country", "description", "aliases"]


def csv_text(columns, *rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue()


def read_csv(text):
    return list(csv.DictReader(io.StringIO(text)))


def company_row(slug, *, kind="pharma", parent="", country="CN", aliases=""):
    return [slug, slug.replace("-", " ").title(), kind, parent, "Chengdu", country, "", aliases]


def stored_records(model):
    """Every record of `model` by its natural key (slugs), with its fields (relations as slugs) and alias names."""
    records = {}
    for record in model.objects.all():
        values = {}
        for field in model._meta.concrete_fields:
            if field.primary_key or field.name == "version":  # the count of writes, not exported data
                continue
            value = getattr(record, field.name)
            values[field.name] = value.natural_key() if field.is_relation and value is not None else value
        if hasattr(record, "aliases"):
            values["aliases"] = sorted(record.aliases.values_list("name", flat=True))
        records[record.natural_key()] = values
    return records


def wipe_catalogue():
    """Delete every record of the seven imported models, and whatever is deleted with them.

    Ranking lists are not among them (no file carries them), so they stay: the park-ranking file
    names them by slug.
    """
    Event.objects.update(parent=None)  # parents are PROTECTed from deletion
    Deal.objects.update(parent=None)
    for model in reversed(RESOURCES):
        model.objects.all().delete()
    assert not any(model.objects.exists() for model in RESOURCES)
    assert RankingList.objects.exists()


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "json"])
def test_an_export_imported_into_an_empty_catalogue_reproduces_the_records(seeded, file_format):
    files = {model: export_records(model=model, file_format=file_format) for model in RESOURCES}
    expected = {model: stored_records(model) for model in RESOURCES}
    assert all(expected.values()), "the seeds hold records of all seven models"

    wipe_catalogue()
    for model in RESOURCES:  # dependency order: organisers, companies, people, parks, events, deals, entries
        result = import_records(model=model, data=files[model], file_format=file_format)
        assert describe_errors(result) == [], model
        assert result.totals["new"] == len(expected[model])

    for model in RESOURCES:
        assert stored_records(model) == expected[model], model._meta.label


def test_exports_name_relations_by_slug_and_list_aliases(seeded):
    events = {row["slug"]: row for row in read_csv(export_records(model=Event))}
    sub_event = Event.objects.exclude(parent=None).select_related("parent").first()
    assert events[sub_event.slug]["parent"] == sub_event.parent.slug
    assert "id" not in events[sub_event.slug]

    people = {row["slug"]: row for row in read_csv(export_records(model=Person))}
    assert people["chen-dong"]["aliases"] == "Chen DONG|Dong Chen"

    entries = read_csv(export_records(model=ParkRanking))
    entry = ParkRanking.objects.select_related("ranking", "park").first()
    assert {"ranking": entry.ranking.slug, "park": entry.park.slug} in [
        {"ranking": row["ranking"], "park": row["park"]} for row in entries
    ]


def test_reimporting_an_edited_export_updates_the_record_and_skips_the_others(seeded):
    rows = read_csv(export_records(model=Company))
    for row in rows:
        if row["slug"] == "astrazeneca":
            row["hq_city"] = "Cambridge"
    edited = csv_text(list(rows[0]), *[list(row.values()) for row in rows])
    count = Company.objects.count()

    result = import_records(model=Company, data=edited)

    assert describe_errors(result) == []
    assert (result.totals["new"], result.totals["update"], result.totals["skip"]) == (0, 1, count - 1)
    assert Company.objects.count() == count
    assert Company.objects.get(slug="astrazeneca").hq_city == "Cambridge"


def test_park_ranking_entries_are_matched_by_ranking_and_park(seeded):
    rows = read_csv(export_records(model=ParkRanking))
    rows[0]["rank_stated"] = "placed first"
    result = import_records(model=ParkRanking, data=csv_text(list(rows[0]), *[list(row.values()) for row in rows]))
    assert describe_errors(result) == []
    assert (result.totals["new"], result.totals["update"]) == (0, 1)
    entry = ParkRanking.objects.get(ranking__slug=rows[0]["ranking"], park__slug=rows[0]["park"])
    assert entry.rank_stated == "placed first"


def test_a_dry_run_validates_and_writes_nothing(seeded):
    before = snapshot()
    data = csv_text(COMPANY_COLUMNS, company_row("dry-run-one"), company_row("dry-run-two", parent="dry-run-one"))
    result = import_records(model=Company, data=data, dry_run=True)
    assert describe_errors(result) == []
    assert result.totals["new"] == 2
    assert snapshot() == before


@pytest.mark.parametrize(
    ("bad_row", "column", "named"),
    [
        (company_row("bad-row", parent="no-such-group"), "parent", "no-such-group"),
        (company_row("bad-row", kind="pharmacy"), "kind", "pharmacy"),
        (company_row("bad-row", country="China"), "hq_country", "ISO 3166-1"),
        (company_row("Not A Slug!"), "slug", "slug"),
    ],
    ids=["unknown slug", "invalid choice", "invalid country code", "invalid slug"],
)
def test_one_invalid_row_writes_nothing_and_is_named_by_row_and_column(seeded, bad_row, column, named):
    before = snapshot()
    history = Company.history.count(), Alias.history.count()
    data = csv_text(COMPANY_COLUMNS, company_row("good-one", aliases="Good One Ltd"), bad_row, company_row("good-two"))

    result = import_records(model=Company, data=data)

    assert result.has_validation_errors()
    assert [(row.number, list(row.field_specific_errors)) for row in result.invalid_rows] == [(2, [column])]
    problems = describe_errors(result)
    assert len(problems) >= 1 and all(line.startswith(f"row 2, {column}: ") for line in problems)
    assert any(named in line for line in problems), problems
    assert snapshot() == before, "the valid rows around the bad one were rolled back too"
    assert (Company.history.count(), Alias.history.count()) == history


def test_an_unknown_slug_names_the_column_and_the_value(seeded):
    data = csv_text(["slug", "name", "kind", "parent", "park"], ["new-session", "New session", "panel", "", "atlantis"])
    result = import_records(model=Event, data=data)
    assert describe_errors(result) == ["row 1, park: No park has the slug or alias “atlantis”."]
    assert not Event.objects.filter(slug="new-session").exists()


def test_a_park_ranking_entry_naming_an_unknown_park_is_refused(seeded):
    ranking = RankingList.objects.first()
    data = csv_text(["ranking", "park", "rank", "rank_stated"], [ranking.slug, "atlantis-park", "1", "first"])
    result = import_records(model=ParkRanking, data=data)
    assert describe_errors(result) == ["row 1, park: No park has the slug or alias “atlantis-park”."]


def test_a_file_without_the_slug_column_is_refused(seeded):
    before = snapshot()
    result = import_records(model=Company, data=csv_text(["name", "kind"], ["Nameless", "pharma"]))
    assert result.has_errors()
    assert "slug" in describe_errors(result)[0]
    assert snapshot() == before


def test_a_record_twice_in_one_file_is_refused(seeded):
    data = csv_text(COMPANY_COLUMNS, company_row("twice"), company_row("twice"))
    result = import_records(model=Company, data=data)
    assert [row.number for row in result.invalid_rows] == [1, 2]
    assert "more than one row" in describe_errors(result)[0]
    assert not Company.objects.filter(slug="twice").exists()


def test_relations_resolve_by_slug_or_alias_of_the_related_record(seeded):
    data = csv_text(
        COMPANY_COLUMNS,
        company_row("az-by-alias", parent="AZ"),  # AstraZeneca's alias
        company_row("az-by-alias-any-case", parent="az"),
        company_row("az-by-slug", parent="astrazeneca"),
    )
    result = import_records(model=Company, data=data)
    assert describe_errors(result) == []
    parents = dict(Company.objects.filter(slug__startswith="az-by-").values_list("slug", "parent__slug"))
    assert parents == {"az-by-alias": "astrazeneca", "az-by-alias-any-case": "astrazeneca", "az-by-slug": "astrazeneca"}

    events = csv_text(["slug", "name", "kind", "park"], ["session-in-biocity", "Session", "panel", "Biotech City"])
    assert describe_errors(import_records(model=Event, data=events)) == []
    assert Event.objects.get(slug="session-in-biocity").park.slug == "biocity"


def test_an_alias_shared_by_two_records_must_be_replaced_by_a_slug(seeded):
    for slug in ("twin-a", "twin-b"):
        Alias.objects.create(name="Twin Pharma", company=Company.objects.create(slug=slug, name=slug, kind="pharma"))
    result = import_records(model=Company, data=csv_text(COMPANY_COLUMNS, company_row("sibling", parent="Twin Pharma")))
    assert describe_errors(result) == [
        "row 1, parent: “Twin Pharma” is an alias of 2 companies (twin-a, twin-b): give the slug."
    ]


def test_an_exact_alias_wins_over_one_matching_only_when_case_is_ignored(seeded):
    Alias.objects.create(name="az", company=Company.objects.create(slug="az-lower", name="az", kind="pharma"))
    data = csv_text(COMPANY_COLUMNS, company_row("exact-az", parent="az"), company_row("upper-az", parent="AZ"))
    assert describe_errors(import_records(model=Company, data=data)) == []
    assert Company.objects.get(slug="exact-az").parent.slug == "az-lower"
    assert Company.objects.get(slug="upper-az").parent.slug == "astrazeneca"


def test_related_records_are_resolved_from_one_index_not_a_query_per_row(seeded):
    rows = [[f"indexed-session-{n}", f"Session {n}", "panel", "Biotech City"] for n in range(30)]
    with CaptureQueriesContext(connection) as queries:
        result = import_records(model=Event, data=csv_text(["slug", "name", "kind", "park"], *rows))
    assert describe_errors(result) == []
    sql = [query["sql"] for query in queries.captured_queries]
    assert len([q for q in sql if 'FROM "biotech_events_alias"' in q]) == 1, "park aliases are read once"
    assert len([q for q in sql if '"biotech_events_park"."slug"' in q]) == 1, "park slugs are read once"


def test_rows_may_name_a_parent_defined_further_down_the_file(seeded):
    data = csv_text(
        COMPANY_COLUMNS,
        company_row("late-subsidiary", parent="Late Group Holdings"),  # the group's alias, two rows down
        company_row("other-company"),
        company_row("late-group", aliases="Late Group Holdings"),
    )
    result = import_records(model=Company, data=data)
    assert describe_errors(result) == []
    assert Company.objects.get(slug="late-subsidiary").parent.slug == "late-group"

    bad = csv_text(
        COMPANY_COLUMNS, company_row("late-child", kind="nope", parent="late-parent"), company_row("late-parent")
    )
    result = import_records(model=Company, data=bad)
    assert describe_errors(result)[0].startswith("row 1, kind: "), "errors keep the file's row numbers"


def test_aliases_are_added_and_the_recorded_ones_keep_their_kind_and_source(seeded):
    az = Alias.objects.get(company__slug="astrazeneca", name="AZ")
    recorded = set(Alias.objects.filter(company__slug="astrazeneca").values_list("name", "kind", "source"))
    row = ["astrazeneca", "AstraZeneca", "pharma", "", "", "", "", "AZ|Astra Zeneca| AZ |"]

    result = import_records(model=Company, data=csv_text(COMPANY_COLUMNS, row))

    assert describe_errors(result) == []
    after = set(Alias.objects.filter(company__slug="astrazeneca").values_list("name", "kind", "source"))
    assert after == recorded | {("Astra Zeneca", "spelling", None)}
    assert Alias.objects.get(pk=az.pk).source_id == az.source_id and az.source_id is not None

    # An empty aliases cell removes nothing.
    row[-1] = ""
    assert describe_errors(import_records(model=Company, data=csv_text(COMPANY_COLUMNS, row))) == []
    assert set(Alias.objects.filter(company__slug="astrazeneca").values_list("name", "kind", "source")) == after


def test_imports_record_history_for_records_and_aliases(seeded, django_user_model):
    editor = django_user_model.objects.create_user("importer", password="x")
    data = csv_text(
        COMPANY_COLUMNS,
        company_row("history-new", aliases="History New Ltd"),
        ["astrazeneca", "AstraZeneca", "pharma", "", "Cambridge", "GB", "", ""],
    )
    result = import_records(model=Company, data=data, user=editor, file_name="companies.csv")
    assert describe_errors(result) == []

    created = Company.objects.get(slug="history-new").history.get()
    assert (created.history_type, created.history_change_reason, created.history_user) == (
        "+",
        "Imported from companies.csv",
        editor,
    )
    updated = Company.objects.get(slug="astrazeneca").history.latest()
    assert (updated.history_type, updated.history_change_reason, updated.history_user) == (
        "~",
        "Imported from companies.csv",
        editor,
    )
    assert updated.diff_against(updated.prev_record).changed_fields == ["hq_city", "hq_country"]
    alias = Alias.objects.get(name="History New Ltd").history.get()
    assert (alias.history_type, alias.history_change_reason, alias.history_user) == (
        "+",
        "Imported from companies.csv",
        editor,
    )


def test_an_unchanged_row_adds_no_history_entry(seeded):
    data = export_records(model=Company)
    entries = Company.history.count()
    result = import_records(model=Company, data=data)
    assert result.totals["skip"] == Company.objects.count()
    assert Company.history.count() == entries


def test_the_resource_api_takes_tablib_datasets_too(seeded):
    """What the admin and the benchmark call: `Resource.import_data()` on a tablib Dataset."""
    import tablib

    dataset = tablib.Dataset(headers=COMPANY_COLUMNS)
    dataset.append(company_row("from-a-dataset"))
    result = CompanyResource().import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Company.objects.filter(slug="from-a-dataset").exists()
    assert EventResource().export(Event.objects.filter(parent=None)).headers[0] == "slug"
