"""The import and export buttons of the catalogue's changelists: filtered exports, the preview's row errors,
the confirm step, all-or-nothing imports and who may use them."""

import csv
import io
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from biotech_events.admin.resources import RESOURCES
from biotech_events.models import Company, Event, EventOrganizer, Person
from tests.conftest import snapshot

pytestmark = pytest.mark.django_db

COMPANY_COLUMNS = ["slug", "name", "kind", "parent", "hq_city", "hq_country", "description", "aliases"]


def admin_url(model, view):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}")


def csv_file(*rows, columns=COMPANY_COLUMNS, name="companies.csv"):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode(), content_type="text/csv")


def company_row(slug, *, parent="", city="Chengdu"):
    return [slug, slug.replace("-", " ").title(), "pharma", parent, city, "CN", "", ""]


def format_index(form, title):
    """The form's value for a format ("csv", "xlsx", "json")."""
    return next(value for value, label in form.fields["format"].choices if label == title)


def post_import(client, model, upload, file_format="csv"):
    form = client.get(admin_url(model, "import")).context["form"]
    return client.post(
        admin_url(model, "import"),
        {"resource": "0", "format": format_index(form, file_format), "import_file": upload},
    )


def confirm_data(preview):
    form = preview.context["confirm_form"]
    return {name: form.initial[name] for name in ("import_file_name", "original_file_name", "format", "resource")}


def post_export(client, model, query="", file_format="csv"):
    """Submit the export form, every column selected, from a changelist showing `query`."""
    form = client.get(admin_url(model, "export") + query).context["form"]
    data = {name: "on" for name, field in form.fields.items() if getattr(field, "is_selectable_field", False)}
    data |= {"resource": "0", "format": format_index(form, file_format)}
    return client.post(admin_url(model, "export") + query, data)


@pytest.mark.parametrize("model", list(RESOURCES), ids=lambda model: model._meta.model_name)
def test_changelists_offer_import_and_export_and_keep_their_deleted_link(seeded, admin_client, model):
    html = admin_client.get(admin_url(model, "changelist")).content.decode()
    tools = re.search(r'<ul class="object-tools">(.*?)</ul>', html, re.S).group(1)
    for view in ("import", "export", "add", "deleted"):
        assert re.search(f"href=[\"']{admin_url(model, view)}", tools), view


def test_other_changelists_keep_their_own_tools_only(seeded, admin_client):
    html = admin_client.get(admin_url(EventOrganizer, "changelist")).content.decode()
    assert admin_url(EventOrganizer, "deleted") in html
    assert "/import/" not in html and "/export/" not in html


def test_the_formats_offered_are_csv_xlsx_and_json(seeded, admin_client):
    for view in ("import", "export"):
        form = admin_client.get(admin_url(Company, view)).context["form"]
        assert [label for value, label in form.fields["format"].choices if value != ""] == ["csv", "xlsx", "json"]


@pytest.mark.parametrize(
    ("model", "query"),
    [(Company, "?kind__exact=pharma"), (Event, "?parent__isempty=1&q=Chengdu")],
    ids=["list filter", "empty-parent filter and search"],
)
def test_the_export_holds_exactly_the_filtered_changelist(seeded, admin_client, model, query):
    changelist = admin_client.get(admin_url(model, "changelist") + query)
    shown = set(changelist.context["cl"].queryset.values_list("slug", flat=True))
    assert 0 < len(shown) < model.objects.count(), "the filter leaves some records out"
    assert f"{admin_url(model, 'export')}{query}" in changelist.content.decode().replace("&amp;", "&")

    response = post_export(admin_client, model, query)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {row["slug"] for row in rows} == shown
    assert len(rows) == len(shown)


def test_the_import_preview_shows_the_row_error_and_writes_nothing(seeded, admin_client):
    before = snapshot()
    upload = csv_file(company_row("preview-good"), company_row("preview-bad", parent="no-such-group"))

    response = post_import(admin_client, Company, upload)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Some rows failed to validate" in html
    assert "No company has the slug or alias “no-such-group”." in html
    invalid = response.context["result"].invalid_rows
    assert [(row.number, list(row.field_specific_errors)) for row in invalid] == [(2, ["parent"])]
    assert response.context.get("confirm_form") is None, "an invalid file cannot be confirmed"
    assert snapshot() == before


def test_a_clean_preview_is_confirmed_and_imported_with_history(seeded, admin_client, admin_user):
    upload = csv_file(company_row("admin-imported", parent="AZ"), ["astrazeneca", "AstraZeneca", "pharma"] + [""] * 5)
    # The update row leaves hq_city and hq_country empty: AstraZeneca's are empty in the seeds too.
    preview = post_import(admin_client, Company, upload)
    result = preview.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert [row.import_type for row in result.rows] == ["new", "skip"]
    assert Company.objects.filter(slug="admin-imported").exists() is False, "the preview is rolled back"

    response = admin_client.post(admin_url(Company, "process_import"), confirm_data(preview), follow=True)

    assert "Import finished: 1 new, 0 updated" in response.content.decode()
    record = Company.objects.get(slug="admin-imported")
    assert record.parent.slug == "astrazeneca"
    entry = record.history.get()
    assert (entry.history_type, entry.history_user, entry.history_change_reason) == (
        "+",
        admin_user,
        "Imported from companies.csv",
    )


def test_the_confirm_step_writes_nothing_when_a_row_has_become_invalid(seeded, admin_client):
    group = Company.objects.create(slug="short-lived-group", name="Short-lived Group", kind="pharma")
    preview = post_import(
        admin_client, Company, csv_file(company_row("race-one"), company_row("race-two", parent=group.slug))
    )
    assert preview.context["confirm_form"] is not None
    group.delete()  # someone else deletes the parent between the preview and the confirmation

    response = admin_client.post(admin_url(Company, "process_import"), confirm_data(preview), follow=True)

    assert not Company.objects.filter(slug__startswith="race-").exists(), "the valid row was rolled back too"
    shown = [str(message) for message in response.context["messages"]]
    assert any(
        "nothing was written" in message
        and "row 2, parent: No company has the slug or alias “short-lived-group”" in message
        for message in shown
    ), shown


def test_an_xlsx_export_imports_back_unchanged(seeded, admin_client):
    export = post_export(admin_client, Person, file_format="xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    upload = SimpleUploadedFile("people.xlsx", export.content)

    preview = post_import(admin_client, Person, upload, file_format="xlsx")

    result = preview.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == Person.objects.count(), "every row matched its record by slug, unchanged"


def test_importing_needs_the_add_and_change_permissions_exporting_the_view_permission(
    seeded, client, django_user_model
):
    viewer = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    viewer.user_permissions.set(Permission.objects.filter(codename="view_company"))
    client.force_login(viewer)

    html = client.get(admin_url(Company, "changelist")).content.decode()
    assert admin_url(Company, "export") in html
    assert admin_url(Company, "import") not in html
    assert client.get(admin_url(Company, "import")).status_code == 403
    assert client.get(admin_url(Company, "export")).status_code == 200

    viewer.user_permissions.add(*Permission.objects.filter(codename__in=["add_company", "change_company"]))
    assert client.get(admin_url(Company, "import")).status_code == 200
