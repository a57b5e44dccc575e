"""The seed loader, run against an empty database: counts, idempotency, all-or-nothing failures."""

import shutil
from collections import Counter

import pytest
import yaml
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command

from biotech_events.models import Event, SourceDocument
from biotech_events.services.seeds import SeedLoadError, load_seeds, seed_fixture_paths
from tests.conftest import catalogue_models, restore_seeds, snapshot

pytestmark = pytest.mark.django_db


def fixture_record_counts():
    """How many records of each model the fixture files declare, read without Django."""
    counts = Counter()
    for path in seed_fixture_paths():
        for record in yaml.safe_load(path.read_text(encoding="utf-8")):
            counts[apps.get_model(record["model"])._meta.label] += 1
    return counts


def stored_counts():
    return {model._meta.label: model.objects.count() for model in catalogue_models() if model.objects.exists()}


def test_loading_into_an_empty_database_stores_each_fixture_record_once():
    report = load_seeds()
    expected = fixture_record_counts()
    assert stored_counts() == dict(expected)
    assert dict(report.created) == dict(expected)
    curated = sum(count for label, count in expected.items() if label != "biotech_events.Citation")
    assert curated > 150, "the five articles yield well over 150 curated records"


def test_loading_again_changes_no_count_and_no_field(seed_rows):
    """Also shows that the rows the other tests restore (tests/conftest.py) are exactly what a load writes."""
    restore_seeds(seed_rows)
    before = snapshot()
    report = load_seeds()
    assert report.changed == 0
    assert sum(report.unchanged.values()) == sum(fixture_record_counts().values())
    assert snapshot() == before


def test_every_loaded_record_gets_one_history_entry_naming_its_file():
    load_seeds()
    for model in catalogue_models():
        for record in model.objects.all():
            entries = list(record.history.all())
            assert len(entries) == 1, f"{model._meta.label} {record.pk}"
            assert entries[0].history_type == "+"
            assert entries[0].history_change_reason.startswith("load_seeds: ")
    load_seeds()
    assert all(r.history.count() == 1 for r in Event.objects.all()), "an unchanged reload writes no history"


def test_plain_loaddata_loads_the_same_records_and_is_idempotent():
    labels = [path.stem for path in seed_fixture_paths()]
    call_command("loaddata", *labels, verbosity=0)
    first = snapshot()
    assert stored_counts() == dict(fixture_record_counts())
    call_command("loaddata", *labels, verbosity=0)
    assert snapshot() == first


def test_a_dry_run_validates_everything_and_writes_nothing():
    report = load_seeds(dry_run=True)
    assert report.changed > 0
    assert stored_counts() == {}


def broken_fixtures(tmp_path, record):
    """The real sources and shared records, plus one file whose second record is `record`."""
    fixtures = tmp_path / "fixtures"
    fixtures.mkdir()
    shutil.copy(settings.FIXTURES_DIR / "shared.yaml", fixtures)
    (fixtures / "zzz_broken.yaml").write_text(
        "- model: biotech_events.company\n  fields: {slug: fine-pharma, name: Fine Pharma, kind: pharma}\n" + record,
        encoding="utf-8",
    )
    return fixtures


BROKEN_RECORDS = {
    "a quote not in its source": (
        "- model: biotech_events.citation\n"
        "  fields:\n"
        "    source: [000_bde207d968dfe5fb.txt]\n"
        "    quote: AstraZeneca acquired the whole of Chengdu\n"
        "    company: [astrazeneca]\n",
        "quote: The quote does not occur verbatim in source 000_bde207d968dfe5fb.txt",
    ),
    "a dangling reference": (
        "- model: biotech_events.eventcompany\n"
        "  fields: {event: [no-such-event], company: [astrazeneca], role: attendee}\n",
        "event refers to ['no-such-event'], which no fixture or stored record defines",
    ),
    "an unknown choice": (
        "- model: biotech_events.company\n  fields: {slug: rocket-pharma, name: Rocket Pharma, kind: spaceship}\n",
        "kind: Value 'spaceship' is not a valid choice.",
    ),
    "a violated constraint": (
        "- model: biotech_events.deal\n"
        "  fields: {slug: negative-deal, title: Negative deal, kind: cooperation, amount: '-5', currency: CNY}\n",
        "amount: Ensure this value is greater than or equal to 0.",
    ),
    "two parties in one role link": (
        "- model: biotech_events.deal\n  fields: {slug: a-deal, title: A deal, kind: cooperation}\n"
        "- model: biotech_events.dealparty\n"
        "  fields: {deal: [a-deal], company: [astrazeneca],"
        " organizer: [chinese-academy-of-sciences], role: partner}\n",
        "company: Choose a company or an organizer, not both.",
    ),
    "a malformed record": ("- model: biotech_events.nosuchmodel\n  fields: {name: X}\n", "Invalid model identifier"),
}


@pytest.mark.parametrize(("record", "expected_message"), BROKEN_RECORDS.values(), ids=BROKEN_RECORDS.keys())
def test_a_bad_record_aborts_the_load_naming_file_and_record(tmp_path, record, expected_message):
    with pytest.raises(SeedLoadError) as error:
        load_seeds(fixtures_dir=broken_fixtures(tmp_path, record))
    message = str(error.value)
    assert message.startswith("zzz_broken.yaml, record "), message
    assert expected_message in message
    assert stored_counts() == {}, "a failed load writes nothing"


def test_the_command_reports_the_failure_and_loads_nothing(tmp_path):
    record, expected = BROKEN_RECORDS["a quote not in its source"]
    with pytest.raises(CommandError, match=r"^Nothing was loaded\. zzz_broken\.yaml, record 2") as error:
        call_command("load_seeds", fixtures_dir=str(broken_fixtures(tmp_path, record)), verbosity=0)
    assert expected in str(error.value)
    assert not SourceDocument.objects.exists()


def test_the_command_summarises_what_it_did(capsys):
    call_command("load_seeds")
    assert "created" in capsys.readouterr().out
    call_command("load_seeds")
    assert "0 created, 0 updated" in capsys.readouterr().out
