"""Merging duplicates: every relation re-pointed, names kept as aliases, history written, all or nothing."""

import pytest
from django.core.exceptions import ValidationError

from biotech_events.models import (
    Affiliation,
    Alias,
    Citation,
    Company,
    Deal,
    DealParty,
    Event,
    EventCompany,
    EventOrganizer,
    MergedRecord,
    Person,
    SourceDocument,
)
from biotech_events.services import merge as merge_service
from biotech_events.services.merge import MergeError, merge_conflicts, merge_records
from tests.conftest import snapshot

pytestmark = pytest.mark.django_db

CBIC = "2023-china-biotechnology-innovation-conference"
SOURCE_000 = "000_bde207d968dfe5fb.txt"


@pytest.fixture
def duplicate(seeded):
    """AstraZeneca arriving a second time as “AZ Pharma”, with a relation of every kind."""
    source = SourceDocument.objects.get(key=SOURCE_000)
    event = Event.objects.get(slug=CBIC)
    dup = Company.objects.create(name="AZ Pharma", slug="az-pharma", kind="pharma", hq_city="Cambridge")
    Citation.objects.create(source=source, quote="Konoya and AstraZeneca", company=dup)
    Alias.objects.create(name="AZ", company=dup, source=source)  # the survivor already has this alias
    Alias.objects.create(name="AstraZeneca", company=dup, source=source)
    attending = EventCompany.objects.create(event=event, company=dup, role="attendee")  # the survivor's twin
    Citation.objects.create(source=source, quote="including AstraZeneca, Bayer, GSK", event_company=attending)
    EventCompany.objects.create(event=event, company=dup, role="exhibitor")
    EventOrganizer.objects.create(event=event, company=dup, role="supporting")
    deal = Deal.objects.create(title="A test deal", slug="a-test-deal", kind="cooperation")
    DealParty.objects.create(deal=deal, company=dup, role="partner")
    Affiliation.objects.create(person=Person.objects.get(slug="leon-wang"), company=dup, position="Adviser")
    Company.objects.create(name="AZ Pharma China", slug="az-pharma-china", kind="pharma", parent=dup)
    return dup


def references_to(record):
    """Every row, of any model, that still points at the record."""
    found = []
    for relation in type(record)._meta.related_objects:
        rows = relation.related_model._default_manager.filter(**{relation.field.name: record.pk})
        found += [f"{relation.related_model.__name__} {row.pk}" for row in rows]
    return found


def test_every_relation_is_repointed_and_nothing_is_lost(duplicate):
    survivor = Company.objects.get(slug="astrazeneca")
    citations = Citation.objects.filter(company__in=[survivor, duplicate]).count()
    link_citations = Citation.objects.filter(event_company__company__in=[survivor, duplicate]).count()
    dup_pk = duplicate.pk

    merge_records(survivor=survivor, others=[duplicate])

    assert not Company.objects.filter(pk=dup_pk).exists()
    assert references_to(Company(pk=dup_pk)) == []
    assert Citation.objects.filter(company=survivor).count() == citations
    assert Citation.objects.filter(event_company__company=survivor).count() == link_citations, "no citation lost"
    event = Event.objects.get(slug=CBIC)
    assert EventCompany.objects.filter(event=event, company=survivor, role="attendee").count() == 1, "twin folded"
    assert EventCompany.objects.filter(event=event, company=survivor, role="exhibitor").exists()
    assert EventOrganizer.objects.filter(event=event, company=survivor, role="supporting").exists()
    assert DealParty.objects.filter(deal__slug="a-test-deal", company=survivor).exists()
    assert Affiliation.objects.filter(person__slug="leon-wang", company=survivor, position="Adviser").exists()
    assert Company.objects.get(slug="az-pharma-china").parent == survivor


def test_names_and_aliases_become_the_survivors_aliases(duplicate):
    survivor = Company.objects.get(slug="astrazeneca")
    merge_records(survivor=survivor, others=[duplicate])
    names = sorted(survivor.aliases.values_list("name", flat=True))
    assert names == ["AZ", "AZ Pharma"], "its name joins; the shared alias and the survivor's own name are not doubled"
    assert survivor.aliases.get(name="AZ Pharma").source is None, "no article spells “AZ Pharma”"


def test_blank_fields_are_filled_and_conflicts_follow_the_editors_choice(duplicate):
    survivor = Company.objects.get(slug="astrazeneca")
    assert [c.field for c in merge_conflicts(survivor, [duplicate])] == []  # kind agrees; hq_city only on one side
    merge_records(survivor=survivor, others=[duplicate])
    survivor.refresh_from_db()
    assert survivor.hq_city == "Cambridge", "a blank field takes the one value offered"


def test_conflicting_values_are_listed_and_the_chosen_one_kept(seeded):
    survivor = Company.objects.get(slug="astrazeneca")
    dup = Company.objects.create(name="AZ Pharma", slug="az-pharma", kind="biotech")
    conflicts = merge_conflicts(survivor, [dup])
    assert [(c.field, sorted(v for v, _, _ in c.options)) for c in conflicts] == [("kind", ["biotech", "pharma"])]
    merge_records(survivor=survivor, others=[dup], field_values={"kind": "biotech"})
    survivor.refresh_from_db()
    assert survivor.kind == "biotech"


def test_a_value_none_of_the_records_holds_is_refused(seeded):
    survivor = Company.objects.get(slug="astrazeneca")
    dup = Company.objects.create(name="AZ Pharma", slug="az-pharma", kind="biotech")
    with pytest.raises(MergeError):
        merge_records(survivor=survivor, others=[dup], field_values={"kind": "diagnostics"})
    assert Company.objects.filter(pk=dup.pk).exists()


def test_the_merge_is_recorded_in_history_and_as_a_redirect(duplicate):
    survivor = Company.objects.get(slug="astrazeneca")
    dup_pk = duplicate.pk
    merge_records(survivor=survivor, others=[duplicate])
    assert survivor.history.latest().history_change_reason == "Merged “AZ Pharma” into this record"
    deletion = Company.history.get(id=dup_pk, history_type="-")
    assert deletion.history_change_reason == "Merged into “AstraZeneca”"
    moved = DealParty.history.filter(company_id=survivor.pk, history_change_reason="Merged into “AstraZeneca”")
    assert moved.exists(), "re-pointed rows are recorded too"
    assert MergedRecord.survivor_of(Company, pk=dup_pk) == survivor.pk
    assert MergedRecord.survivor_of(Company, slug="az-pharma") == survivor.pk


def test_merging_into_a_record_that_was_itself_merged_keeps_old_links_resolving(duplicate):
    first = Company.objects.get(slug="astrazeneca")
    merge_records(survivor=first, others=[duplicate])
    final = Company.objects.create(name="AstraZeneca Group", slug="astrazeneca-group", kind="pharma")
    merge_records(survivor=final, others=[first])
    assert MergedRecord.survivor_of(Company, slug="az-pharma") == final.pk
    assert MergedRecord.survivor_of(Company, slug="astrazeneca") == final.pk


def test_a_failure_half_way_writes_nothing(duplicate, monkeypatch):
    survivor = Company.objects.get(slug="astrazeneca")
    before = snapshot()

    def fail(*args, **kwargs):
        raise ValidationError("simulated failure after the relations were re-pointed")

    monkeypatch.setattr(merge_service, "_keep_names", fail)
    with pytest.raises(ValidationError):
        merge_records(survivor=survivor, others=[duplicate])
    assert snapshot() == before


def test_only_records_of_one_mergeable_kind_merge(seeded):
    company = Company.objects.get(slug="astrazeneca")
    with pytest.raises(MergeError):
        merge_records(survivor=company, others=[Person.objects.get(slug="chen-dong")])
    with pytest.raises(MergeError):
        merge_records(survivor=company, others=[company])
    with pytest.raises(MergeError):
        merge_records(survivor=Event.objects.get(slug=CBIC), others=[Event.objects.exclude(slug=CBIC).first()])


def test_people_merge_with_their_honours_and_participations(seeded):
    survivor = Person.objects.get(slug="chen-dong")
    dup = Person.objects.create(name="Dong, Chen", slug="dong-chen-duplicate", family_name="Dong", given_name="Chen")
    honours = survivor.honours.count()
    dup.honours.create(kind="academician", title="Academician of the Chinese Academy of Sciences")
    event = Event.objects.get(slug=CBIC)
    dup.participations.create(event=event, role="guest")
    merge_records(survivor=survivor, others=[dup])
    assert survivor.honours.count() == honours, "the same honour is not duplicated"
    assert survivor.participations.filter(event=event, role="guest").exists()
    assert "Dong, Chen" in survivor.aliases.values_list("name", flat=True)
