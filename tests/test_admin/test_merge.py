"""Editors merge duplicates from the changelist: they see the conflicts, choose, and nothing is lost."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from biotech_events.models import Company, Deal, DealParty

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:biotech_events_company_changelist")


@pytest.fixture
def duplicate(seeded):
    dup = Company.objects.create(name="Astra Zeneca", slug="astra-zeneca", kind="biotech")
    deal = Deal.objects.create(title="Dup's deal", slug="dups-deal", kind="cooperation")
    DealParty.objects.create(deal=deal, company=dup, role="partner")
    return dup


def test_the_merge_page_shows_records_relations_and_conflicts_before_writing(duplicate, admin_client):
    survivor = Company.objects.get(slug="astrazeneca")
    page = admin_client.post(
        CHANGELIST, {"action": "merge_selected", ACTION_CHECKBOX_NAME: [survivor.pk, duplicate.pk]}
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Astra Zeneca" in html and "AstraZeneca" in html
    assert "deal parties" in html, "what points at each record is shown"
    assert [c.field for c in page.context["conflicts"]] == ["kind"]
    assert Company.objects.filter(pk=duplicate.pk).exists(), "nothing is written before confirming"


def test_confirming_merges_with_the_chosen_values(duplicate, admin_client):
    survivor = Company.objects.get(slug="astrazeneca")
    page = admin_client.post(
        CHANGELIST, {"action": "merge_selected", ACTION_CHECKBOX_NAME: [survivor.pk, duplicate.pk]}
    )
    kind = page.context["conflicts"][0]
    biotech = next(i for i, (value, _, _) in enumerate(kind.options) if value == "biotech")
    response = admin_client.post(
        CHANGELIST,
        {
            "action": "merge_selected",
            ACTION_CHECKBOX_NAME: [survivor.pk, duplicate.pk],
            "confirm": "yes",
            "survivor": survivor.pk,
            "field_kind": biotech,
        },
    )
    assert response.status_code == 302
    survivor.refresh_from_db()
    assert survivor.kind == "biotech"
    assert DealParty.objects.get(deal__slug="dups-deal").company == survivor
    assert "Astra Zeneca" in survivor.aliases.values_list("name", flat=True)
    old_page = admin_client.get(reverse("admin:biotech_events_company_change", args=[duplicate.pk]))
    assert old_page.status_code == 302
    assert old_page["Location"] == reverse("admin:biotech_events_company_change", args=[survivor.pk])


def test_staff_without_delete_permission_cannot_merge(duplicate, client, django_user_model):
    from django.contrib.auth.models import Permission

    staff = django_user_model.objects.create_user("curator", password="x", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_company", "change_company"]))
    client.force_login(staff)
    survivor = Company.objects.get(slug="astrazeneca")
    client.post(
        CHANGELIST,
        {
            "action": "merge_selected",
            ACTION_CHECKBOX_NAME: [survivor.pk, duplicate.pk],
            "confirm": "yes",
            "survivor": survivor.pk,
        },
    )
    assert Company.objects.filter(pk=duplicate.pk).exists()


def test_the_merge_log_lists_merges_read_only(duplicate, admin_client):
    from biotech_events.services.merge import merge_records

    merge_records(survivor=Company.objects.get(slug="astrazeneca"), others=[duplicate])
    log = admin_client.get(reverse("admin:biotech_events_mergedrecord_changelist"))
    assert log.status_code == 200
    assert "astra-zeneca" in log.content.decode()
    assert admin_client.get(reverse("admin:biotech_events_mergedrecord_add")).status_code == 403
