"""What an editor does in the admin, end to end in a real browser."""

import csv

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


def test_an_import_dry_run_reports_the_bad_row_and_writes_nothing(editor, shot, tmp_path):
    upload = tmp_path / "companies.csv"
    upload.write_text(
        "slug,name,kind,parent,hq_city,hq_country,description,aliases\n"
        "good-pharma,Good Pharma,pharma,,Chengdu,CN,,\n"
        "bad-pharma,Bad Pharma,pharma,no-such-parent,Chengdu,CN,,\n",
        encoding="utf-8",
    )
    editor.goto(f"{editor.base}/admin/biotech_events/company/")
    editor.locator(".object-tools a", has_text="Import").click()
    editor.set_input_files("input[name=import_file]", str(upload))
    editor.select_option("select[name=format]", label="csv")
    shot(editor, "import-form")
    editor.click("#content input[type=submit]")
    editor.wait_for_selector("text=no-such-parent")
    shot(editor, "preview-with-error")
    bad_row = editor.locator("tr", has_text="bad-pharma")
    assert bad_row.locator("td").first.inner_text().strip() == "2", "the preview names the file's row"
    assert "No company has the slug or alias" in bad_row.inner_html(), "and says what is wrong with it"
    assert editor.locator("tr", has_text="good-pharma").count() == 0, "only the bad row is listed"
    assert editor.locator("input[type=submit][value*='Confirm']").count() == 0, (
        "a file with a bad row cannot be confirmed"
    )
    assert not Company.objects.filter(slug__in=["good-pharma", "bad-pharma"]).exists()


def test_export_a_filtered_changelist(editor, shot):
    editor.goto(f"{editor.base}/admin/biotech_events/company/?kind__exact=pharma")
    shot(editor, "filtered")
    editor.locator(".object-tools a", has_text="Export").click()
    editor.select_option("select[name=format]", label="csv")
    shot(editor, "export-form")
    with editor.expect_download() as download:
        editor.click("#content input[type=submit]")
    with open(download.value.path(), encoding="utf-8-sig") as exported:
        rows = list(csv.DictReader(exported))
    assert {row["kind"] for row in rows} == {"pharma"}
    assert {row["slug"] for row in rows} == set(Company.objects.filter(kind="pharma").values_list("slug", flat=True))
