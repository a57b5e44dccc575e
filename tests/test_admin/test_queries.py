"""The admin costs a fixed number of SQL queries per page, whatever the number of records or relations.

Each page is measured on a smaller and a larger catalogue (or record) and must run the same queries:
change forms with inlines past their row limit, changelists past a page, with filters and the date
drill-down. Counts are bounded (LIMIT, no ORDER BY, no JOIN, no per-row subquery), and no page lists
the years of a date with a scan of every row.
"""

import datetime
import itertools

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from biotech_events import choices
from biotech_events.admin.inlines import RowsInline
from biotech_events.models import (
    Affiliation,
    Alias,
    AttendanceFigure,
    Citation,
    Company,
    Deal,
    DealParty,
    Event,
    EventCompany,
    EventOrganizer,
    EventParticipant,
    Honour,
    MergedRecord,
    Organizer,
    Park,
    ParkRanking,
    Person,
    RankingList,
)
from tests.factories import SourceDocumentFactory

pytestmark = pytest.mark.django_db

LIMIT = RowsInline.max_rows_shown
QUOTE = "Chengdu"  # occurs in seed article 000, the factories' source
_serial = itertools.count()


def serial():
    return next(_serial)


def admin_url(model, view, *args):
    return reverse(f"admin:biotech_events_{model._meta.model_name}_{view}", args=args)


def run(client, url, params=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200, url
    return response, [query["sql"] for query in captured]


def count_queries(client, url, params=None):
    return len(run(client, url, params)[1])


@pytest.fixture
def source():
    return SourceDocumentFactory()


@pytest.fixture(autouse=True)
def content_types_cached():
    """The admin looks a model's content type up once per process: not a cost of any one page."""
    ContentType.objects.get_for_models(*apps.get_models())


# Records with many relations: `n` rows in each of their inlines, each row with records of its own.


def people(n):
    return Person.objects.bulk_create(
        Person(name=f"Person {i}", slug=f"person-{i}") for i in (serial() for _ in range(n))
    )


def companies(n):
    return Company.objects.bulk_create(
        Company(name=f"Pharma {i}", slug=f"pharma-{i}", kind=choices.CompanyKind.PHARMA)
        for i in (serial() for _ in range(n))
    )


def organizers(n):
    return Organizer.objects.bulk_create(
        Organizer(name=f"Commission {i}", slug=f"commission-{i}", kind=choices.OrganizerKind.GOVERNMENT)
        for i in (serial() for _ in range(n))
    )


def citations(source, n, **target):
    Citation.objects.bulk_create(Citation(source=source, quote=QUOTE, **target) for _ in range(n))


def rich_event(n, source):
    event = Event.objects.create(name=f"Forum {serial()}", slug=f"forum-{serial()}", kind=choices.EventKind.FORUM)
    hosts = organizers(n)
    co_hosts = companies(n)
    EventOrganizer.objects.bulk_create(
        EventOrganizer(event=event, role=choices.HostRole.HOST, organizer=hosts[i])
        if i % 2
        else EventOrganizer(event=event, role=choices.HostRole.CO_HOST, company=co_hosts[i])
        for i in range(n)
    )
    EventParticipant.objects.bulk_create(
        EventParticipant(event=event, person=person, role=choices.PersonRole.SPEAKER, talk_title=f"Talk {i}")
        for i, person in enumerate(people(n))
    )
    EventCompany.objects.bulk_create(
        EventCompany(event=event, company=company, role=choices.CompanyRole.EXHIBITOR) for company in companies(n)
    )
    AttendanceFigure.objects.bulk_create(
        AttendanceFigure(event=event, audience=f"group {i}", count=10 * i, stated=f"{10 * i} people") for i in range(n)
    )
    Event.objects.bulk_create(
        Event(parent=event, name=f"Session {i}", slug=f"session-{i}", kind=choices.EventKind.PANEL)
        for i in (serial() for _ in range(n))
    )
    citations(source, n, event=event)
    return event


def rich_deal(n, source):
    deal = Deal.objects.create(title=f"Bundle {serial()}", slug=f"bundle-{serial()}", kind=choices.DealKind.BUNDLE)
    DealParty.objects.bulk_create(
        DealParty(deal=deal, role=choices.DealRole.SIGNATORY, company=company) for company in companies(n)
    )
    DealParty.objects.bulk_create(
        DealParty(deal=deal, role=choices.DealRole.PARTNER, organizer=organizer) for organizer in organizers(n)
    )
    Deal.objects.bulk_create(
        Deal(parent=deal, title=f"Project {i}", slug=f"project-{i}", kind=choices.DealKind.INDUSTRIAL_PROJECT)
        for i in (serial() for _ in range(n))
    )
    citations(source, n, deal=deal)
    return deal


def rich_company(n, source):
    company = companies(1)[0]
    Alias.objects.bulk_create(
        Alias(company=company, name=f"{company.name} alias {i}", kind=choices.AliasKind.SPELLING) for i in range(n)
    )
    citations(source, n, company=company)
    return company


def rich_person(n, source):
    person = people(1)[0]
    Alias.objects.bulk_create(
        Alias(person=person, name=f"{person.name} alias {i}", kind=choices.AliasKind.SPELLING) for i in range(n)
    )
    academies = organizers(n)
    Honour.objects.bulk_create(
        Honour(person=person, kind=choices.HonourKind.PRIZE, title=f"Prize {i}", awarded_by=academies[i])
        for i in range(n)
    )
    Affiliation.objects.bulk_create(
        Affiliation(person=person, company=company, position="Chief scientist") for company in companies(n)
    )
    citations(source, n, person=person)
    return person


def rich_ranking(n, source):
    ranking = RankingList.objects.create(
        name=f"Park ranking {serial()}", slug=f"park-ranking-{serial()}", year=2022, category="overall"
    )
    parks = Park.objects.bulk_create(
        Park(name=f"Park {i}", slug=f"park-{i}", kind=choices.ParkKind.HIGH_TECH_ZONE)
        for i in (serial() for _ in range(n))
    )
    ParkRanking.objects.bulk_create(
        ParkRanking(ranking=ranking, park=park, rank=rank, rank_stated=f"No. {rank}")
        for rank, park in enumerate(parks, 1)
    )
    citations(source, n, ranking=ranking)
    return ranking


RICH_RECORDS = [rich_event, rich_deal, rich_company, rich_person, rich_ranking]


def test_every_inline_shows_a_bounded_number_of_rows():
    """A plain TabularInline renders every row of the relation, however many there are."""
    plain = [
        f"{type(model_admin).__name__}.{inline.__name__}"
        for model_admin in admin.site._registry.values()
        for inline in model_admin.inlines
        if not issubclass(inline, RowsInline)
    ]
    assert plain == []


@pytest.mark.parametrize("build", RICH_RECORDS, ids=lambda build: build.__name__)
def test_a_change_form_costs_the_same_queries_with_three_times_the_rows(admin_client, source, build):
    smaller, larger = build(LIMIT + 1, source), build(3 * LIMIT, source)
    model = type(smaller)
    assert count_queries(admin_client, admin_url(model, "change", smaller.pk)) == count_queries(
        admin_client, admin_url(model, "change", larger.pk)
    )


@pytest.mark.parametrize("build", RICH_RECORDS, ids=lambda build: build.__name__)
def test_a_change_form_within_its_inlines_limits_costs_no_more(admin_client, source, build):
    """Under the limit no row is counted; past it, one count per inline at most."""
    few, many = build(2, source), build(2 * LIMIT, source)
    model = type(few)
    response, few_queries = run(admin_client, admin_url(model, "change", few.pk))
    inlines = len(response.context["inline_admin_formsets"])
    many_queries = run(admin_client, admin_url(model, "change", many.pk))[1]
    assert len(few_queries) <= len(many_queries) <= len(few_queries) + inlines


def test_each_inline_row_is_loaded_with_what_it_shows_in_the_rows_query(admin_client, source):
    """No row of any inline costs a query: not its autocomplete boxes, not its name, not its parent."""
    event = rich_event(LIMIT, source)
    response, queries = run(admin_client, admin_url(Event, "change", event.pk))
    rows = sum(inline.formset.initial_form_count() for inline in response.context["inline_admin_formsets"])
    assert rows == 6 * LIMIT
    for table in ("person", "company", "organizer", "sourcedocument"):
        # Each is joined to the rows that show it, never fetched on its own by id.
        assert not [q for q in queries if q.startswith("SELECT") and f'FROM "biotech_events_{table}" WHERE' in q], table


# Changelists: the same queries for a handful of records and for more than a page.


def grow(n, source):
    """n more deals (two parties and a citation each), events, companies, people and citations of each kind."""
    years = [datetime.date(2015 + i % 9, 1 + i % 12, 1 + i % 28) for i in range(n)]
    firms, hosts, speakers = companies(n), organizers(n), people(n)
    events = Event.objects.bulk_create(
        Event(
            name=f"Forum {i}",
            slug=f"forum-{i}",
            kind=choices.EventKind.FORUM,
            city=["Chengdu", "Beijing", "Shanghai"][i % 3],
            start_date=years[k],
            start_date_precision=choices.DatePrecision.DAY,
        )
        for k, i in enumerate(serial() for _ in range(n))
    )
    deals = Deal.objects.bulk_create(
        Deal(
            title=f"Deal {i}",
            slug=f"deal-{i}",
            kind=[choices.DealKind.LICENSING, choices.DealKind.INVESTMENT][k % 2],
            event=events[k],
            date=years[k],
            date_precision=choices.DatePrecision.DAY,
        )
        for k, i in enumerate(serial() for _ in range(n))
    )
    parties = DealParty.objects.bulk_create(
        party
        for k, deal in enumerate(deals)
        for party in (
            DealParty(deal=deal, role=choices.DealRole.LICENSOR, company=firms[k]),
            DealParty(deal=deal, role=choices.DealRole.HOST_ZONE, organizer=hosts[k]),
        )
    )
    participants = EventParticipant.objects.bulk_create(
        EventParticipant(event=event, person=speakers[k], role=choices.PersonRole.KEYNOTE)
        for k, event in enumerate(events)
    )
    Alias.objects.bulk_create(
        Alias(company=firm, name=f"{firm.name} Ltd", kind=choices.AliasKind.FULL_NAME) for firm in firms
    )
    # Round robin over five kinds of record, so that any page of citations holds every kind; every other
    # deal is left uncited, for the to-do filter.
    Citation.objects.bulk_create(
        Citation(source=source, quote=QUOTE, **target)
        for k in range(n)
        for target in (
            {"event": events[k]},
            {"company": firms[k]},
            {"deal_party": parties[2 * k]},
            {"event_participant": participants[k]},
            *([{"deal": deals[k]}] if k % 2 else []),
        )
    )


CHANGELISTS = [
    (Deal, {"kind__exact": choices.DealKind.LICENSING}),
    (Deal, {}),
    (Deal, {"date__year": "2016"}),
    (Deal, {"cited": "no"}),
    (Event, {}),
    (Event, {"city": "Chengdu"}),
    (Company, {}),
    (Person, {}),
    (Citation, {}),
    (DealParty, {}),
    (EventParticipant, {}),
    (Alias, {}),
]


@pytest.mark.parametrize(
    ("model", "params"), CHANGELISTS, ids=lambda value: getattr(value, "__name__", None) or str(value or "all")
)
def test_a_changelist_costs_the_same_queries_for_3_or_150_records(admin_client, source, model, params):
    grow(3, source)
    url = admin_url(model, "changelist")
    smaller, few = run(admin_client, url, params)
    grow(147, source)
    larger, many = run(admin_client, url, params)
    assert len(many) == len(few)
    assert larger.context["cl"].result_count > smaller.context["cl"].result_count


@pytest.mark.parametrize(
    ("model", "params"), CHANGELISTS, ids=lambda value: getattr(value, "__name__", None) or str(value or "all")
)
def test_a_changelist_counts_a_bounded_number_of_rows_of_one_table(admin_client, source, settings, model, params):
    settings.API_COUNT_CAP = 40
    grow(60, source)
    response, queries = run(admin_client, admin_url(model, "changelist"), params)
    counts = [q.upper() for q in queries if q.upper().startswith("SELECT COUNT(")]
    assert len(counts) == 1, counts
    (count,) = counts
    assert "LIMIT 41" in count, count
    assert " JOIN " not in count and "ORDER BY" not in count, count
    if model is not Citation:
        assert "BIOTECH_EVENTS_CITATION" not in count or params.get("cited"), "the citation count column is not counted"
    assert response.context["cl"].show_full_result_count is False


@pytest.mark.parametrize("model", [Deal, Event], ids=lambda model: model.__name__)
def test_the_date_drill_down_lists_every_year_from_the_first_to_the_last_without_scanning(admin_client, model):
    field = {Deal: "date", Event: "start_date"}[model]
    for year in (2011, 2014):  # 2012 and 2013 have no records: they are offered all the same
        for i in range(2):
            values = {"kind": choices.DealKind.LICENSING} if model is Deal else {"kind": choices.EventKind.FORUM}
            name = {"title": f"In {year} {i}"} if model is Deal else {"name": f"In {year} {i}"}
            model.objects.create(
                slug=f"in-{year}-{i}-{serial()}",
                **name,
                **values,
                **{field: datetime.date(year, 3 + i, 1), f"{field}_precision": choices.DatePrecision.DAY},
            )
    response, queries = run(admin_client, admin_url(model, "changelist"))
    hierarchy = response.context["cl"].date_hierarchy_context
    assert [choice["title"] for choice in hierarchy["choices"]] == ["2011", "2012", "2013", "2014"]
    assert not [q for q in queries if "DISTINCT" in q.upper() and "TRUNC" in q.upper()], "no scan for the years"
    html = response.content.decode()
    assert f'href="?{field}__year=2013"' in html
    year = admin_client.get(admin_url(model, "changelist"), {f"{field}__year": "2014"})
    assert [c["title"] for c in year.context["cl"].date_hierarchy_context["choices"]] == ["March 2014", "April 2014"]
    assert len(year.context["cl"].result_list) == 2


def test_the_citation_count_column_does_not_sort(admin_client):
    """Ordering by it would compute the count for every row of the table, not just the page's."""
    response = admin_client.get(admin_url(Company, "changelist"))
    headers = {header["text"]: header["sortable"] for header in _headers(response)}
    assert headers["citations"] is False


def _headers(response):
    from django.contrib.admin.templatetags.admin_list import result_headers

    return list(result_headers(response.context["cl"]))


SORTABLE = {
    Deal: {"kind", "date"},
    DealParty: set(),
    Citation: set(),
    Alias: {"name"},
    EventParticipant: {"event", "person"},
}


@pytest.mark.parametrize("model", SORTABLE, ids=lambda model: model.__name__)
def test_the_largest_changelists_sort_only_on_columns_that_sort_cheaply(admin_client, model):
    """Ordering hundreds of thousands of rows by an unindexed column costs seconds on every page."""
    response = admin_client.get(admin_url(model, "changelist"))
    sortable = {header["text"] for header in _headers(response) if header["sortable"]}
    assert sortable == SORTABLE[model]


# Pages that could load a whole table.


def test_merging_refuses_a_selection_larger_than_a_handful_without_loading_it(admin_client, settings):
    companies(25)
    with CaptureQueriesContext(connection) as captured:
        response = admin_client.post(
            admin_url(Company, "changelist"),
            {"action": "merge_selected", "select_across": "1", "index": "0", ACTION_CHECKBOX_NAME: ["0"]},
            follow=True,
        )
    assert "Select at most 20 records to merge at once." in response.content.decode()
    assert Company.objects.count() == 25, "nothing was merged"
    selects = [q["sql"] for q in captured if 'FROM "biotech_events_company"' in q["sql"] and "LIMIT" in q["sql"]]
    assert any("LIMIT 21" in sql for sql in selects), "the selection is read 21 rows at most"


def test_the_history_page_costs_the_same_queries_for_2_or_12_versions(admin_client):
    event = Event.objects.create(name="Forum", slug=f"forum-{serial()}", kind=choices.EventKind.FORUM)
    url = admin_url(Event, "history", event.pk)

    def edit(times):
        for _ in range(times):
            event.theme = f"Theme {serial()}"
            event.save()

    edit(1)
    few = count_queries(admin_client, url)
    edit(10)
    assert count_queries(admin_client, url) == few


def test_a_source_page_highlights_at_most_its_limit_and_links_to_every_citation(admin_client, source, settings):
    from biotech_events.admin.sources import SourceDocumentAdmin

    settings.API_COUNT_CAP = 50
    limit = SourceDocumentAdmin.citations_highlighted
    citations(source, limit + 60, event=Event.objects.create(name="Forum", slug="forum-x", kind="forum"))
    response, queries = run(admin_client, admin_url(type(source), "change", source.pk))
    html = response.content.decode()
    assert f"Only the first {limit} of more than 50 citations are highlighted here." in html
    assert f"{admin_url(Citation, 'changelist')}?source__id__exact={source.pk}" in html
    assert f"{limit} citations from this article support 1 record." in html
    assert len(queries) <= 8


def test_an_autocomplete_box_counts_one_page_of_matches_at_most(admin_client):
    """It asks whether more matches follow, not how many there are: a count of every match costs a scan."""
    people(45)
    url = reverse("admin:autocomplete")
    params = {"app_label": "biotech_events", "model_name": "eventparticipant", "field_name": "person", "term": "Person"}
    response, queries = run(admin_client, url, params)
    counts = [q for q in queries if q.upper().startswith("SELECT COUNT(")]
    assert counts and all("LIMIT 21" in q.upper() for q in counts), counts
    first = response.json()
    assert len(first["results"]) == 20 and first["pagination"]["more"] is True
    last = admin_client.get(url, {**params, "page": 3}).json()
    assert len(last["results"]) == 5 and last["pagination"]["more"] is False
    every = {r["id"] for page in (1, 2, 3) for r in admin_client.get(url, {**params, "page": page}).json()["results"]}
    assert len(every) == 45


def test_the_merge_log_drills_into_local_years_of_its_datetimes(admin_client):
    """An aware datetime belongs to the year it falls in here (Asia/Shanghai), as the year filter reads it."""
    merged = [
        datetime.datetime(2023, 12, 31, 20, tzinfo=datetime.UTC),
        datetime.datetime(2025, 6, 1, tzinfo=datetime.UTC),
    ]
    for old_id, merged_at in enumerate(merged):
        record = MergedRecord.objects.create(model_label="biotech_events.company", old_id=old_id, survivor_id=99)
        MergedRecord.objects.filter(pk=record.pk).update(merged_at=merged_at)  # auto_now_add on create
    response, queries = run(admin_client, admin_url(MergedRecord, "changelist"))
    assert [c["title"] for c in response.context["cl"].date_hierarchy_context["choices"]] == ["2024", "2025"]
    assert not [q for q in queries if "DISTINCT" in q.upper() and "TRUNC" in q.upper()], "no scan for the years"
    counts = [q.upper() for q in queries if q.upper().startswith("SELECT COUNT(")]
    assert counts and all("LIMIT" in q for q in counts), counts
    year = admin_client.get(admin_url(MergedRecord, "changelist"), {"merged_at__year": "2024"})
    assert len(year.context["cl"].result_list) == 1
