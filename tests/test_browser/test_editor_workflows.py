"""What an editor does in the admin, end to end in a real browser."""

import pytest

from biotech_events.models import Citation, Company, Deal, DealParty, Event, EventOrganizer
from tests.test_browser.conftest import pick

pytestmark = pytest.mark.browser

SOURCE_000 = "000_bde207d968dfe5fb.txt"


def start_event(page, name):
    page.goto(f"{page.base}/admin/biotech_events/event/add/")
    page.fill("#id_name", name)
    page.select_option("#id_kind", "forum")


def add_citation(page, quote):
    pick(page, "id_citations-0-source", "000_bde")
    page.fill("#id_citations-0-quote", quote)


def test_create_an_event_with_an_autocompleted_organiser_a_participant_and_a_citation(editor, shot):
    start_event(editor, "Chengdu Biotech Test Forum")
    editor.click("text=Add another Event organiser")
    editor.select_option("#id_organizer_roles-0-role", "host")
    pick(editor, "id_organizer_roles-0-organizer", "Chinese Academy of Sciences")
    editor.click("text=Add another Event participant")
    pick(editor, "id_participants-0-person", "Chen Dong")
    editor.select_option("#id_participants-0-role", "speaker")
    add_citation(editor, "Chengdu High tech Zone")
    shot(editor, "filled")
    editor.click("input[name=_save]")
    editor.wait_for_selector(".messagelist .success")
    shot(editor, "saved")

    event = Event.objects.get(name="Chengdu Biotech Test Forum")
    assert event.slug == "chengdu-biotech-test-forum", "the slug is filled from the name as the editor types"
    assert EventOrganizer.objects.get(event=event).organizer.slug == "chinese-academy-of-sciences"
    assert event.participants.get().person.slug == "chen-dong"
    assert event.citations.get().quote == "Chengdu High tech Zone"


def test_a_quote_that_is_not_in_the_article_is_refused(editor, shot):
    start_event(editor, "Forum With A Made-up Quote")
    add_citation(editor, "AstraZeneca bought the Chengdu High tech Zone")
    editor.click("input[name=_save]")
    error = editor.locator(".errorlist", has_text="does not occur verbatim")
    error.wait_for()
    shot(editor, "refused")
    assert not Event.objects.filter(name="Forum With A Made-up Quote").exists()


def test_merge_two_duplicate_companies_and_see_their_deals_repointed(editor, shot):
    duplicate = Company.objects.create(name="Astra Zeneca PLC", slug="astra-zeneca-plc", kind="pharma")
    deal = Deal.objects.create(title="Duplicate's supply deal", slug="duplicates-supply-deal", kind="cooperation")
    DealParty.objects.create(deal=deal, company=duplicate, role="partner")
    survivor = Company.objects.get(slug="astrazeneca")

    editor.goto(f"{editor.base}/admin/biotech_events/company/?q=astra")
    editor.check(f"input[name=_selected_action][value='{survivor.pk}']")
    editor.check(f"input[name=_selected_action][value='{duplicate.pk}']")
    editor.select_option("select[name=action]", "merge_selected")
    shot(editor, "selected")
    editor.click("button[name=index]")
    editor.wait_for_selector("#merge-records")
    editor.check(f"#survivor_{survivor.pk}")
    shot(editor, "merge-page")
    editor.click("#merge-form input[type=submit]")
    editor.wait_for_selector(".messagelist .success")
    shot(editor, "merged")

    editor.goto(f"{editor.base}/admin/biotech_events/deal/{deal.pk}/change/")
    assert "AstraZeneca" in editor.locator("#parties-group").inner_text()
    shot(editor, "deal-repointed")
    assert DealParty.objects.get(deal=deal).company == survivor
    assert not Company.objects.filter(pk=duplicate.pk).exists()


def test_revert_a_change_from_the_history_page(editor, shot):
    event = Event.objects.get(slug="2023-china-biotechnology-innovation-conference")
    citations = event.citations.count()
    editor.goto(f"{editor.base}/admin/biotech_events/event/{event.pk}/change/")
    editor.fill("#id_city", "Chongqing")
    editor.click("input[name=_save]")
    editor.wait_for_selector(".messagelist .success")
    event.refresh_from_db()
    assert event.city == "Chongqing"

    editor.goto(f"{editor.base}/admin/biotech_events/event/{event.pk}/history/")
    shot(editor, "history")
    editor.locator("#change-history a.button", has_text="Revert to this").first.click()
    editor.wait_for_selector("text=After the revert")
    shot(editor, "confirm")
    editor.click("input[value='Yes, revert']")
    editor.wait_for_selector(".messagelist .success")
    shot(editor, "reverted")
    event.refresh_from_db()
    assert event.city == "Chengdu"
    assert Citation.objects.filter(event=event).count() == citations
