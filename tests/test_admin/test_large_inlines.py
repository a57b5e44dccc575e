"""An inline with more rows than it shows: the page says so, and saving never touches the rows not shown."""

import re
from html import unescape

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from biotech_events import choices
from biotech_events.admin.inlines import RowsInline
from biotech_events.models import Event, EventParticipant, Person
from tests.test_admin.test_sources import form_data

pytestmark = pytest.mark.django_db

LIMIT = RowsInline.max_rows_shown
EXTRA = 5


def change_url(event):
    return reverse("admin:biotech_events_event_change", args=[event.pk])


def participants_formset(response):
    return next(i.formset for i in response.context["inline_admin_formsets"] if i.formset.model is EventParticipant)


def text(response):
    return unescape(re.sub(r"\s+", " ", response.content.decode()))


def add_speakers(event, count, role=choices.PersonRole.SPEAKER, prefix="Speaker"):
    start = Person.objects.count()
    speakers = Person.objects.bulk_create(
        Person(name=f"{prefix} {start + i:03d}", slug=f"{prefix.lower()}-{start + i}") for i in range(count)
    )
    return EventParticipant.objects.bulk_create(
        EventParticipant(event=event, person=person, role=role, talk_title=f"Talk of {person.name}")
        for person in speakers
    )


def rows(event):
    return {row.pk: model_to_dict(row) for row in EventParticipant.objects.filter(event=event)}


@pytest.fixture
def event():
    event = Event.objects.create(name="Big forum", slug="big-forum", kind=choices.EventKind.FORUM)
    add_speakers(event, LIMIT + EXTRA)
    return event


def test_an_inline_shows_its_first_rows_and_says_how_many_it_leaves_out(admin_client, event):
    response = admin_client.get(change_url(event))
    formset = participants_formset(response)
    shown = [form.instance for form in formset.initial_forms]
    assert len(shown) == LIMIT
    assert shown == list(EventParticipant.objects.filter(event=event).order_by("role", "person__name", "pk")[:LIMIT])
    total = LIMIT + EXTRA
    assert (
        f"Showing {LIMIT} of {total} event participants: the other {EXTRA} are not in this form, "
        "and saving leaves them as they are." in text(response)
    )
    link = reverse("admin:biotech_events_eventparticipant_changelist") + f"?event__id__exact={event.pk}"
    assert f'<a href="{link}">See all {total}</a>' in response.content.decode()
    listed = admin_client.get(link)
    assert listed.status_code == 200
    assert listed.context["cl"].result_count == total


def test_an_inline_within_its_limit_shows_every_row_without_a_note(admin_client):
    event = Event.objects.create(name="Small forum", slug="small-forum", kind=choices.EventKind.FORUM)
    add_speakers(event, LIMIT)
    response = admin_client.get(change_url(event))
    assert participants_formset(response).initial_form_count() == LIMIT
    assert "are not in this form" not in text(response)


def test_saving_changes_and_deletes_only_shown_rows_and_leaves_the_others_as_they_were(admin_client, event):
    response = admin_client.get(change_url(event))
    formset = participants_formset(response)
    shown = [form.instance.pk for form in formset.initial_forms]
    before = rows(event)
    not_shown = set(before) - set(shown)
    assert len(not_shown) == EXTRA

    data = form_data(response)
    prefix = formset.prefix
    data[f"{prefix}-0-DELETE"] = "on"
    data[f"{prefix}-1-talk_title"] = "A new title"
    newcomer = Person.objects.create(name="Newcomer", slug="newcomer")
    index = formset.initial_form_count()
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": index + 1,
            f"{prefix}-{index}-person": newcomer.pk,
            f"{prefix}-{index}-role": choices.PersonRole.GUEST,
        }
    )
    saved = admin_client.post(change_url(event), data)
    assert saved.status_code == 302, saved.context and saved.context["adminform"].form.errors

    after = rows(event)
    assert shown[0] not in after, "the deleted row is gone"
    assert after[shown[1]]["talk_title"] == "A new title"
    assert {pk: after[pk] for pk in not_shown} == {pk: before[pk] for pk in not_shown}, "the others are untouched"
    assert len(after) == len(before) - 1 + 1
    assert EventParticipant.objects.get(event=event, person=newcomer).role == choices.PersonRole.GUEST


def test_rows_added_by_someone_else_meanwhile_do_not_shift_the_rows_a_save_changes(admin_client, event):
    """The shown rows are found again by their ids, not by taking the first rows anew."""
    response = admin_client.get(change_url(event))
    formset = participants_formset(response)
    shown = [form.instance.pk for form in formset.initial_forms]
    # Guests sort before speakers: the first rows of the inline are now others than those on the page.
    arrived = {row.pk for row in add_speakers(event, 3, role=choices.PersonRole.GUEST, prefix="Guest")}
    before = rows(event)

    data = form_data(response)
    data[f"{formset.prefix}-{LIMIT - 1}-talk_title"] = "Changed on the last shown row"
    saved = admin_client.post(change_url(event), data)
    assert saved.status_code == 302, saved.context and saved.context["adminform"].form.errors

    after = rows(event)
    assert set(after) == set(before), "no row was added or lost"
    assert after[shown[-1]]["talk_title"] == "Changed on the last shown row"
    untouched = set(before) - {shown[-1]}
    assert {pk: after[pk] for pk in untouched} == {pk: before[pk] for pk in untouched}
    assert arrived <= untouched


def test_a_refused_save_shows_the_same_rows_again_with_the_note(admin_client, event):
    response = admin_client.get(change_url(event))
    formset = participants_formset(response)
    shown = [form.instance.pk for form in formset.initial_forms]
    before = rows(event)

    data = form_data(response)
    data[f"{formset.prefix}-2-role"] = "not-a-role"
    refused = admin_client.post(change_url(event), data)
    assert refused.status_code == 200
    again = participants_formset(refused)
    assert [form.instance.pk for form in again.initial_forms] == shown
    assert "not-a-role is not one of the available choices" in text(refused)
    assert f"Showing {LIMIT} of {LIMIT + EXTRA} event participants" in text(refused)
    assert rows(event) == before
