"""Every admin page of the catalogue renders for staff, and search finds records by any spelling."""

import pytest
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.forms import HiddenInput, ModelChoiceField
from django.urls import reverse

from biotech_events.admin.base import CitedAdmin
from biotech_events.models import Alias, Citation, Company, SourceDocument
from tests.conftest import catalogue_models

pytestmark = pytest.mark.django_db

CATALOGUE_MODELS = catalogue_models()


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_catalogue_model_is_registered():
    assert set(CATALOGUE_MODELS) <= set(admin.site._registry)


@pytest.mark.parametrize("model", CATALOGUE_MODELS, ids=lambda m: m._meta.model_name)
def test_changelist_add_and_change_pages_render(seeded, admin_client, model):
    assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    assert admin_client.get(admin_url(model, "add")).status_code == 200
    record = model.objects.order_by("pk").first()
    assert record is not None, f"the seeds hold no {model._meta.verbose_name}"
    assert admin_client.get(admin_url(model, "change", record.pk)).status_code == 200


@pytest.mark.parametrize("model", CATALOGUE_MODELS, ids=lambda m: m._meta.model_name)
def test_changelists_answer_a_search_and_the_uncited_filter(seeded, admin_client, model):
    response = admin_client.get(admin_url(model, "changelist"), {"q": "Chengdu"})
    assert response.status_code == 200
    if isinstance(admin.site._registry[model], CitedAdmin):
        response = admin_client.get(admin_url(model, "changelist"), {"cited": "no"})
        assert response.status_code == 200
        assert list(response.context["cl"].result_list) == [], "every seeded record is cited"


def test_every_alias_finds_its_one_record_through_the_admin_search(seeded, admin_client):
    aliases = list(Alias.objects.all())
    assert len(aliases) >= 10
    for alias in aliases:
        target = next(getattr(alias, f) for f in ("organizer", "company", "person", "park") if getattr(alias, f))
        response = admin_client.get(admin_url(type(target), "changelist"), {"q": alias.name})
        found = list(response.context["cl"].result_list)
        assert target in found, f"searching {alias.name!r} did not find {target}"
        assert found.count(target) == 1, f"searching {alias.name!r} listed {target} twice"


def test_both_spellings_of_chen_dong_find_the_same_person(seeded, admin_client):
    for spelling in ["Dong Chen", "Chen DONG", "Chen Dong"]:
        response = admin_client.get(reverse("admin:biotech_events_person_changelist"), {"q": spelling})
        assert [p.slug for p in response.context["cl"].result_list] == ["chen-dong"], spelling


def test_the_admin_refuses_a_quote_that_is_not_in_its_source(seeded, admin_client):
    company = Company.objects.get(slug="astrazeneca")
    source = SourceDocument.objects.get(key="000_bde207d968dfe5fb.txt")
    count = Citation.objects.count()
    response = admin_client.post(
        reverse("admin:biotech_events_citation_add"),
        {"source": source.pk, "quote": "AstraZeneca moved its headquarters to Chengdu", "company": company.pk},
    )
    assert response.status_code == 200
    assert "does not occur verbatim" in str(response.context["adminform"].form.errors["quote"])
    assert Citation.objects.count() == count


def test_the_admin_refuses_a_role_link_with_two_parties(seeded, admin_client):
    from biotech_events.models import Event, EventOrganizer, Organizer

    response = admin_client.post(
        reverse("admin:biotech_events_eventorganizer_add"),
        {
            "event": Event.objects.first().pk,
            "organizer": Organizer.objects.first().pk,
            "company": Company.objects.first().pk,
            "role": "co_host",
            "citations-TOTAL_FORMS": "0",
            "citations-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "not both" in str(response.context["adminform"].form.errors)
    assert not EventOrganizer.objects.filter(organizer=Organizer.objects.first(), company=Company.objects.first())


@pytest.mark.parametrize("model", CATALOGUE_MODELS, ids=lambda m: m._meta.model_name)
def test_relations_use_autocomplete_widgets_not_whole_table_selects(admin_client, model):
    """No admin form, inlines included, lists a whole table of another entity in a <select>."""
    response = admin_client.get(admin_url(model, "add"))
    forms = [("form", response.context["adminform"].form)]
    forms += [
        (formset.formset.prefix, formset.formset.empty_form) for formset in response.context["inline_admin_formsets"]
    ]
    plain_selects = [
        f"{prefix}.{name}"
        for prefix, form in forms
        for name, field in form.fields.items()
        if isinstance(field, ModelChoiceField)
        and not isinstance(getattr(field.widget, "widget", field.widget), AutocompleteSelect)
        and not isinstance(field.widget, HiddenInput)
    ]
    assert plain_selects == []


def test_changelists_never_count_a_whole_large_table(seeded, admin_client, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.API_COUNT_CAP = 10
    for query in [{}, {"cited": "no"}, {"q": "pharma"}]:
        with CaptureQueriesContext(connection) as queries:
            response = admin_client.get(reverse("admin:biotech_events_company_changelist"), query)
        assert response.status_code == 200
        counts = [q["sql"].upper() for q in queries if q["sql"].upper().startswith("SELECT COUNT(")]
        assert len(counts) == 1, query
        assert "LIMIT 11" in counts[0] and " JOIN " not in counts[0], counts[0]
