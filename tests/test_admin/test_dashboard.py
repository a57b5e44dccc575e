"""The admin index at a glance: counts, recent edits, the uncited to-do list, and two server-side SVG charts."""

import re
import xml.etree.ElementTree as ET
from collections import Counter
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from biotech_events.admin import charts
from biotech_events.models import Citation, Company, Event, SourceDocument
from tests.conftest import catalogue_models
from tests.factories import CompanyFactory, DealFactory, ParkFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
SOURCE_000 = "000_bde207d968dfe5fb.txt"
INDEX = reverse("admin:index")


def parse_svg(svg):
    root = ET.fromstring(str(svg))
    assert root.tag == f"{SVG}svg"
    return root


def texts(root, css_class=None):
    return [
        "".join(t.itertext())
        for t in root.iter(f"{SVG}text")
        if css_class is None or css_class in (t.get("class") or "").split()
    ]


def bars(root):
    return [
        (rect.get("data-series"), rect.get("data-category"), Decimal(rect.get("data-value")), float(rect.get("height")))
        for rect in root.iter(f"{SVG}rect")
        if rect.get("class") == "bar"
    ]


def page_svgs(html):
    return {
        "".join(svg.find(f"{SVG}title").itertext()): svg
        for svg in map(
            parse_svg, re.findall(r'<svg xmlns="http://www.w3.org/2000/svg" class="chart".*?</svg>', html, re.S)
        )
    }


# The charts, drawn directly


def test_a_grouped_chart_has_a_title_axis_labels_a_legend_and_a_labelled_bar_per_value():
    svg = charts.bar_chart(
        ["2022", "2023"],
        [("Beijing", [1, 3]), ("Shanghai", [2, 0])],
        title="Events per year by city",
        x_label="Year",
        y_label="Events",
        caption="Main events only.",
        unit="events",
    )
    root = parse_svg(svg)
    assert "".join(root.find(f"{SVG}title").itertext()) == "Events per year by city"
    assert "Main events only." in "".join(root.find(f"{SVG}desc").itertext())
    assert {"Events per year by city", "Year", "Events", "Beijing", "Shanghai", "2022", "2023"} <= set(texts(root))
    assert sorted(texts(root, "value")) == ["1", "2", "3"]
    assert [(s, c, v) for s, c, v, _ in bars(root)] == [
        ("Beijing", "2022", 1),
        ("Shanghai", "2022", 2),
        ("Beijing", "2023", 3),
    ]
    heights = {(s, c): h for s, c, _, h in bars(root)}
    assert heights[("Beijing", "2023")] == pytest.approx(3 * heights[("Beijing", "2022")], abs=0.3)
    tooltips = ["".join(r.find(f"{SVG}title").itertext()) for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"]
    assert "Beijing, 2023: 3 events" in tooltips


def test_a_stacked_chart_stacks_series_and_labels_totals():
    root = parse_svg(
        charts.bar_chart(
            ["2023"],
            [("Beijing", [3]), ("Shanghai", [2]), ("Chengdu", [1])],
            title="Stacked",
            x_label="Year",
            y_label="Events",
            layout=charts.STACKED,
        )
    )
    rects = {r.get("data-series"): r for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"}
    assert set(rects) == {"Beijing", "Shanghai", "Chengdu"}
    # Each segment sits on the one below it.
    beijing, shanghai = rects["Beijing"], rects["Shanghai"]
    assert float(shanghai.get("y")) + float(shanghai.get("height")) == pytest.approx(float(beijing.get("y")), abs=0.2)
    assert texts(root, "value")[-1] == "6"  # the total on top
    assert sorted(texts(root, "inside")) == ["1", "2", "3"]


def test_panels_give_each_series_its_own_scale_and_axis():
    root = parse_svg(
        charts.bar_chart(
            ["2023", "undated"],
            [("CNY", [0, Decimal("3000000000")]), ("USD", [Decimal("5000000"), Decimal("1200000000")])],
            title="Disclosed deal value per year by currency",
            x_label="Year of the deal",
            y_label="Amount",
            layout=charts.PANELS,
        )
    )
    assert {"Amount (CNY)", "Amount (USD)"} <= set(texts(root, "axis-label"))
    assert {"3 bn", "1.2 bn", "5 m"} <= set(texts(root, "value"))
    assert texts(root, "category").count("undated") == 2
    heights = {(s, c): h for s, c, _, h in bars(root)}
    # Each currency on its own scale: 3 bn CNY is not drawn 2.5 times taller than 1.2 bn USD.
    assert heights[("CNY", "undated")] / heights[("USD", "undated")] < 2.5


def test_every_piece_of_text_is_escaped():
    name = '<script>alert("x")</script> & Co'
    svg = charts.bar_chart([name], [(name, [1])], title=name, x_label=name, y_label=name, caption=name, chart_id='a"b')
    assert "<script>" not in svg
    root = parse_svg(svg)
    assert texts(root).count(name) >= 4
    assert bars(root)[0][:2] == (name, name)


def test_an_empty_chart_says_so():
    root = parse_svg(charts.bar_chart([], [], title="Nothing", x_label="x", y_label="y"))
    assert "No data yet" in texts(root)
    assert bars(root) == []


def test_numbers_are_compact_and_ticks_round():
    assert [charts.compact_number(v) for v in [0, 7, 12.5, 1500, 500_000_000, 1_200_000_000, Decimal("3e9")]] == [
        "0",
        "7",
        "12.5",
        "1.5 k",
        "500 m",
        "1.2 bn",
        "3 bn",
    ]
    assert charts.nice_ticks(6, integer=True) == [0, 2, 4, 6]
    assert charts.nice_ticks(1, integer=True) == [0, 1]
    assert charts.nice_ticks(1_200_000_000) == [0, 500_000_000, 1_000_000_000, 1_500_000_000]


# The index page


def test_the_index_charts_the_seeded_events_and_deals(seeded, admin_client):
    html = admin_client.get(INDEX).content.decode()
    svgs = page_svgs(html)
    assert set(svgs) == {"Events per year by city", "Disclosed deal value per year by currency"}

    events = svgs["Events per year by city"]
    expected = Counter((e.city, str(e.start_date.year)) for e in Event.objects.filter(parent__isnull=True))
    assert {(s, c): int(v) for s, c, v, _ in bars(events)} == expected
    assert {"Beijing", "Shanghai", "Chengdu", "Year the event starts", "Events"} <= set(texts(events))
    assert any("Main events only" in t for t in texts(events, "chart-caption"))

    deals = svgs["Disclosed deal value per year by currency"]
    assert {(s, c, v) for s, c, v, _ in bars(deals)} == {
        ("CNY", "undated", Decimal("3000000000")),
        ("USD", "undated", Decimal("1200000000")),
    }
    assert {"3 bn", "1.2 bn"} <= set(texts(deals, "value"))


def test_the_index_counts_every_catalogue_model(seeded, admin_client):
    CompanyFactory()
    response = admin_client.get(INDEX)
    (app,) = [app for app in response.context["app_list"] if app["app_label"] == "biotech_events"]
    assert response.context["app_list"][0] is app  # the catalogue first
    counts = {entry["model"]: entry.get("count") for entry in app["models"]}
    assert {model: counts[model] for model in catalogue_models()} == {m: m.objects.count() for m in catalogue_models()}
    company = next(entry for entry in app["models"] if entry["model"] is Company)
    assert company["uncited"] == 1
    html = response.content.decode()
    assert f'href="{reverse("admin:biotech_events_company_changelist")}?cited=no"' in html
    assert "1 not cited" in html


def test_a_new_record_is_on_the_to_do_list_until_it_is_cited(seeded, admin_client):
    html = admin_client.get(INDEX).content.decode()
    assert "Every record is supported by a citation." in html

    park = ParkFactory(name="Newly Added Park")
    html = admin_client.get(INDEX).content.decode()
    sidebar = html[html.index('id="uncited-module"') :]
    assert "Newly Added Park" in sidebar
    assert reverse("admin:biotech_events_park_change", args=[park.pk]) in sidebar
    assert "Every record is supported by a citation." not in html

    Citation.objects.create(source=SourceDocument.objects.get(key=SOURCE_000), quote="Chengdu", park=park)
    html = admin_client.get(INDEX).content.decode()
    assert "Newly Added Park" not in html[html.index('id="uncited-module"') :]
    assert "Every record is supported by a citation." in html


def test_the_to_do_list_links_to_the_rest_of_a_long_list(seeded, admin_client):
    for _ in range(8):
        PersonFactory()
    html = admin_client.get(INDEX).content.decode()
    sidebar = html[html.index('id="uncited-module"') :]
    assert "People (8)" in sidebar
    assert sidebar.count(reverse("admin:biotech_events_person_changelist")) >= 1
    assert f'{reverse("admin:biotech_events_person_changelist")}?cited=no">3 more people not cited yet' in sidebar


def test_recent_edits_say_when_who_what_and_why(seeded, admin_client):
    editor = UserFactory(username="curator-jane")
    company = CompanyFactory(name="Renamed Pharma")
    company.name = "Renamed Pharma <Holdings>"
    company._history_user = editor
    company._change_reason = "Name as registered"
    company.save()
    park = ParkFactory(name="Removed Park")
    park.delete()

    response = admin_client.get(INDEX)
    edits = response.context["dashboard"]["edits"]
    assert len(edits) == 15
    assert [(e["kind"], e["label"]) for e in edits[:4]] == [
        ("deleted", "Removed Park"),
        ("created", "Removed Park"),
        ("changed", "Renamed Pharma <Holdings>"),
        ("created", "Renamed Pharma"),
    ]
    assert edits[0]["url"] == reverse("admin:biotech_events_park_deleted")  # where it can be restored
    assert edits[2]["url"] == reverse("admin:biotech_events_company_change", args=[company.pk])
    html = response.content.decode()
    table = html[html.index('id="recent-edits-module"') :]
    assert "curator-jane" in table and "Name as registered" in table
    assert "Renamed Pharma &lt;Holdings&gt;" in table
    assert "Renamed Pharma <Holdings>" not in html


def test_the_index_answers_in_a_fixed_number_of_queries(seeded, admin_client, django_assert_max_num_queries):
    def add_uncited(count):
        for _ in range(count):
            ParkFactory()
            DealFactory()

    add_uncited(8)  # the 15 latest edits are now all parks and deals
    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(INDEX).status_code == 200
    add_uncited(25)
    with CaptureQueriesContext(connection) as many:
        admin_client.get(INDEX)
    assert len(many) == len(few)
    # Session and user; the counts; a query per model with uncited records (parks, deals); the
    # edits' union and a query per model among them (parks, deals); the two charts.
    with django_assert_max_num_queries(10):
        admin_client.get(INDEX)


def test_staff_see_only_what_they_may_view(seeded, client):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(codename__in=["view_company"]))
    client.force_login(staff)
    CompanyFactory(name="Visible Uncited Co")
    ParkFactory(name="Invisible Uncited Park")
    response = client.get(INDEX)
    assert response.status_code == 200
    dashboard = response.context["dashboard"]
    assert set(dashboard["counts"]) == {"biotech_events.company"}
    assert [group["name"] for group in dashboard["uncited"]] == ["companies"]
    assert dashboard["charts"] == []  # neither events nor deals may be viewed
    assert {edit["model"] for edit in dashboard["edits"]} == {"company"}
    html = response.content.decode()
    assert "Visible Uncited Co" in html and "Invisible Uncited Park" not in html


def test_panels_with_no_series_say_so_instead_of_failing():
    svg = charts.bar_chart([], [], title="Deal amounts", x_label="Year", y_label="Amount", layout=charts.PANELS)
    assert "Deal amounts" in svg


@pytest.mark.django_db
def test_the_index_of_an_empty_catalogue_renders(admin_client):
    response = admin_client.get(reverse("admin:index"))
    assert response.status_code == 200
