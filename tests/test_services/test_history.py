"""History: every change recorded; revert restores fields and owned relations; deleted records come back."""

import pytest

from biotech_events.models import Alias, Citation, Company, DealParty, Event, EventCompany, EventOrganizer
from biotech_events.services.history import NothingToRestore, history_entries, restore_deleted, revert_to

pytestmark = pytest.mark.django_db

CBIC = "2023-china-biotechnology-innovation-conference"


def relations_of(event):
    return {
        "organizers": sorted(event.organizer_roles.values_list("pk", "role", "organizer_id", "company_id")),
        "citations": sorted(Citation.objects.filter(event_organizer__event=event).values_list("pk", "quote")),
        "own citations": sorted(event.citations.values_list("pk", "quote")),
    }


def test_each_change_is_a_version_with_its_field_differences(seeded):
    event = Event.objects.get(slug=CBIC)
    event.city, event.venue = "Chongqing", "A hall"
    event.save()
    newest = history_entries(event)[0]
    assert newest.history_type == "~"
    assert {(c.field, c.old, c.new) for c in newest.changes} == {
        ("city", "Chengdu", "Chongqing"),
        ("venue", "", "A hall"),
    }


def test_revert_restores_the_fields_and_the_owned_relations(seeded):
    event = Event.objects.get(slug=CBIC)
    version = event.history.latest()
    before_fields = (event.city, event.theme, event.park_id)
    before_relations = relations_of(event)

    event.city, event.theme, event.park = "Chongqing", "changed", None
    event.save()
    link = event.organizer_roles.exclude(citations=None).first()
    link.citations.first().delete()
    link.role = "supporting"
    link.save()
    event.organizer_roles.exclude(pk=link.pk).first().delete()
    event.citations.first().delete()
    assert relations_of(event) != before_relations

    revert_to(version)
    event.refresh_from_db()
    assert (event.city, event.theme, event.park_id) == before_fields
    assert relations_of(event) == before_relations, "role links and citations are back, with their ids"
    assert event.history.latest().history_change_reason.startswith("Reverted to the version of")


def test_a_revert_can_itself_be_reverted(seeded):
    event = Event.objects.get(slug=CBIC)
    event.city = "Chongqing"
    event.save()
    changed = event.history.latest()
    revert_to(event.history.earliest())
    revert_to(changed)
    event.refresh_from_db()
    assert event.city == "Chongqing"


def test_a_deleted_record_keeps_its_history_and_is_restored_with_its_relations(seeded):
    company = Company.objects.get(slug="astrazeneca")
    pk, citations, aliases = (
        company.pk,
        set(company.citations.values_list("pk", flat=True)),
        set(company.aliases.values_list("pk", flat=True)),
    )
    EventCompany.objects.filter(company=company).delete()
    EventOrganizer.objects.filter(company=company).delete()
    DealParty.objects.filter(company=company).delete()
    company.delete()
    assert not Citation.objects.filter(pk__in=citations).exists()
    assert Company.history.filter(id=pk, history_type="-").exists()

    restored = restore_deleted(Company, pk)
    assert restored.pk == pk and restored.slug == "astrazeneca"
    assert set(restored.citations.values_list("pk", flat=True)) == citations
    assert set(Alias.objects.filter(company=restored).values_list("pk", flat=True)) == aliases


def test_restoring_a_live_record_or_a_deletion_entry_is_refused(seeded):
    company = Company.objects.get(slug="roche")
    with pytest.raises(NothingToRestore):
        restore_deleted(Company, company.pk)
    pk = Company.objects.create(name="Gone", slug="gone", kind="pharma").pk
    Company.objects.get(pk=pk).delete()
    with pytest.raises(NothingToRestore):
        revert_to(Company.history.get(id=pk, history_type="-"))
