"""What the benchmark measures: one recipe per scenario, addressed by URL.

Scenarios name URLs, never code paths, so a change to pagination, search or export shows up here
without editing this file. The values they need from the data (the large event, the names searched
for, the busiest city) are found with SQL by `discover()`, preferring the generated rows (slugs
"demo-", from `generate_demo_data`), then the harness's own filler rows ("bench-"), then any.

Kinds:
- "api-list": a list page, also measured against the raw floor (benchmarks/floor.py) at `floor_path`;
- "api-detail": one record (also against the floor where `floor_path` is set);
- "csv": an export, timed to the first and last byte, with the worker's peak memory;
- "admin": a Django admin page, as a logged-in superuser.
"""

import math
import urllib.parse
from dataclasses import dataclass, field

T = "biotech_events_{}".format

DEEP_PAGE = 10_000  # the page number asked for (or the last page, on smaller data)
PAGE_SIZE = 50
DEAL_KIND = "licensing"
# Full-text words that the demo deals' summaries hold in a few thousand rows: a modality and a territory.
TEXT_SEARCH = "bispecific worldwide"


@dataclass
class Scenario:
    name: str
    title: str
    kind: str  # "api-list", "api-detail", "csv" or "admin"
    path: str
    floor_path: str | None = None
    admin: bool = False  # needs the benchmark superuser's session
    note: str = ""
    skip: str = ""  # why it cannot run (then it is reported, not measured)
    details: dict = field(default_factory=dict)


@dataclass
class DataFacts:
    """Values picked from the database for the scenarios (all recorded in the report)."""

    prefix: str
    deal_kind: str
    city: str
    company_kind: str
    total_deals: int
    deep_page: int
    large_event_id: int | None
    large_event_relations: int
    search_company_id: int | None
    search_name: str
    search_alias: str
    search_misspelled: str

    @property
    def deep_rows(self):
        """Rows before the deep page: how far the cursor must be followed."""
        return (self.deep_page - 1) * PAGE_SIZE


def _one(cur, statement, params=()):
    cur.execute(statement, params)
    return cur.fetchone()


def data_prefix(cur):
    for prefix in ("demo-", "bench-"):
        if _one(cur, f"SELECT EXISTS (SELECT 1 FROM {T('deal')} WHERE slug LIKE %s)", [prefix + "%"])[0]:
            return prefix
    return ""


def misspell(name):
    """The name with one letter changed: the middle letter of its longest word, shifted by one."""
    words = [word for word in name.split() if sum(ch.isalpha() for ch in word) >= 4]
    if not words:
        words = [word for word in name.split() if any(ch.isalpha() for ch in word)]
    if not words:
        return name + "x"
    word = max(words, key=len)
    letters = [index for index, ch in enumerate(word) if ch.isalpha()]
    index = letters[len(letters) // 2]
    ch = word[index]
    base = "a" if ch.islower() else "A"
    replaced = chr(ord(base) + (ord(ch.lower()) - ord("a") + 1) % 26) if ch.isascii() else ("e" if ch != "e" else "a")
    changed = word[:index] + replaced + word[index + 1 :]
    return name.replace(word, changed, 1)


def discover(conn):
    """Pick the scenarios' values from the data with SQL (deterministic for a given database)."""
    with conn.cursor() as cur:
        prefix = data_prefix(cur)
        like = prefix + "%"

        total_deals = _one(cur, f"SELECT count(*) FROM {T('deal')}")[0]
        pages = max(1, math.ceil(total_deals / PAGE_SIZE))

        row = _one(
            cur,
            f"SELECT city FROM {T('event')} WHERE slug LIKE %s AND city <> '' "
            "GROUP BY city ORDER BY count(*) DESC, city LIMIT 1",
            [like],
        )
        city = row[0] if row else "Chengdu"
        row = _one(
            cur,
            f"SELECT kind FROM {T('company')} WHERE slug LIKE %s GROUP BY kind ORDER BY count(*) DESC, kind LIMIT 1",
            [like],
        )
        company_kind = row[0] if row else "biotech"

        # The event with the most relations: role links, figures, sessions, deals, citations.
        row = _one(
            cur,
            f"""
            SELECT r.event_id, count(*) FROM (
                SELECT event_id FROM {T("eventorganizer")}
                UNION ALL SELECT event_id FROM {T("eventparticipant")}
                UNION ALL SELECT event_id FROM {T("eventcompany")}
                UNION ALL SELECT event_id FROM {T("attendancefigure")}
                UNION ALL SELECT parent_id FROM {T("event")} WHERE parent_id IS NOT NULL
                UNION ALL SELECT event_id FROM {T("deal")} WHERE event_id IS NOT NULL
                UNION ALL SELECT event_id FROM {T("citation")} WHERE event_id IS NOT NULL
            ) AS r JOIN {T("event")} e ON e.id = r.event_id
            WHERE e.slug LIKE %s GROUP BY r.event_id ORDER BY count(*) DESC, r.event_id LIMIT 1
            """,
            [like],
        )
        if row is None:
            row = _one(cur, f"SELECT id, 0 FROM {T('event')} ORDER BY id LIMIT 1")
        large_event_id, large_event_relations = row if row else (None, 0)

        # A company known by another name, preferably one that neither contains its name nor is contained
        # in it (so that only the alias can match): the middle one (by id) of those with such an alias.
        apart = "strpos(lower(c.name), lower(a.name)) = 0 AND strpos(lower(a.name), lower(c.name)) = 0"
        other_name = (
            f"SELECT a.name FROM {T('alias')} a WHERE a.company_id = c.id AND a.name <> c.name "
            f"ORDER BY NOT ({apart}), a.id LIMIT 1"
        )
        with_alias = _one(
            cur,
            f"SELECT count(*) FROM {T('company')} c WHERE c.slug LIKE %s AND EXISTS "
            f"(SELECT 1 FROM {T('alias')} a WHERE a.company_id = c.id AND {apart})",
            [like],
        )[0]
        row = None
        if with_alias:
            row = _one(
                cur,
                f"SELECT c.id, c.name, ({other_name}) FROM {T('company')} c WHERE c.slug LIKE %s AND EXISTS "
                f"(SELECT 1 FROM {T('alias')} a WHERE a.company_id = c.id AND {apart}) "
                "ORDER BY c.id LIMIT 1 OFFSET %s",
                [like, with_alias // 2],
            )
        if row is None:
            row = _one(
                cur,
                f"SELECT c.id, c.name, coalesce(({other_name}), c.name) FROM {T('company')} c "
                "WHERE c.slug LIKE %s ORDER BY c.id LIMIT 1",
                [like],
            )
        if row is None:
            row = _one(cur, f"SELECT id, name, name FROM {T('company')} ORDER BY id LIMIT 1")
        company_id, name, alias = row if row else (None, "Pharma", "Pharma")

    return DataFacts(
        prefix=prefix,
        deal_kind=DEAL_KIND,
        city=city,
        company_kind=company_kind,
        total_deals=total_deals,
        deep_page=min(DEEP_PAGE, pages),
        large_event_id=large_event_id,
        large_event_relations=large_event_relations,
        search_company_id=company_id,
        search_name=name,
        search_alias=alias,
        search_misspelled=misspell(name),
    )


def qs(**params):
    return urllib.parse.urlencode(params)


def deep_cursor_path(cursor):
    return f"/api/v1/deals/?{qs(ordering='-id', page_size=PAGE_SIZE, cursor=cursor)}"


def build(facts, *, deep_cursor=None, floor_cursor=None, cursor_skip=""):
    """The scenarios, in the order they run and are reported."""
    deals_list = f"/api/v1/deals/?{qs(kind=facts.deal_kind, ordering='-date', page_size=PAGE_SIZE)}"
    events_list = f"/api/v1/events/?{qs(city=facts.city, ordering='-start_date', page_size=PAGE_SIZE)}"
    companies_list = f"/api/v1/companies/?{qs(kind=facts.company_kind, ordering='name', page_size=PAGE_SIZE)}"
    deep_page = f"/api/v1/deals/?{qs(ordering='-id', page_size=PAGE_SIZE, page=facts.deep_page)}"
    scenarios = [
        Scenario("deals-list", f"Deals, kind={facts.deal_kind}, by -date", "api-list", deals_list, deals_list),
        Scenario("events-list", f"Events in {facts.city}, by -start_date", "api-list", events_list, events_list),
        Scenario(
            "companies-list",
            f"Companies, kind={facts.company_kind}, by name",
            "api-list",
            companies_list,
            companies_list,
        ),
        Scenario(
            "deals-deep-page",
            f"Deals, page {facts.deep_page:,} (?page=)",
            "api-list",
            deep_page,
            deep_page,
            note="the last page when there are fewer than 10,000",
        ),
        Scenario(
            "deals-deep-cursor",
            f"Deals, page {facts.deep_page:,} (?cursor=)",
            "api-list",
            deep_cursor_path(deep_cursor) if deep_cursor else deep_cursor_path(""),
            deep_cursor_path(floor_cursor) if floor_cursor else None,
            note="a cursor found by following `next` links to the same depth as the deep page",
            skip=cursor_skip,
        ),
    ]
    if facts.large_event_id is not None:
        event = f"/api/v1/events/{facts.large_event_id}/"
        scenarios.append(
            Scenario(
                "event-detail-large",
                f"Event {facts.large_event_id} ({facts.large_event_relations:,} relations)",
                "api-detail",
                event,
                event,
            )
        )
    else:
        scenarios.append(Scenario("event-detail-large", "Large event", "api-detail", "", skip="no events"))
    for name, title, term in (
        ("search-name", "Company search by name", facts.search_name),
        ("search-alias", "Company search by alias", facts.search_alias),
        ("search-misspelled", "Company search, one letter wrong", facts.search_misspelled),
    ):
        path = f"/api/v1/companies/?{qs(search=term)}"
        scenarios.append(Scenario(name, f"{title}: {term!r}", "api-list", path, path))
    text_search = f"/api/v1/deals/?{qs(text=TEXT_SEARCH, ordering='-date', page_size=PAGE_SIZE)}"
    scenarios.append(
        Scenario("search-text", f"Deals, full-text {TEXT_SEARCH!r}, by -date", "api-list", text_search, text_search)
    )
    scenarios.append(
        Scenario(
            "deals-csv", "CSV export of all deals", "csv", "/api/v1/deals/?format=csv", note="one request at a time"
        )
    )
    scenarios.append(
        Scenario(
            "admin-deals-changelist",
            f"Admin: deals, kind={facts.deal_kind}",
            "admin",
            f"/admin/biotech_events/deal/?{qs(kind__exact=facts.deal_kind)}",
            admin=True,
        )
    )
    if facts.large_event_id is not None:
        scenarios.append(
            Scenario(
                "admin-event-change",
                f"Admin: change form of event {facts.large_event_id}",
                "admin",
                f"/admin/biotech_events/event/{facts.large_event_id}/change/",
                admin=True,
            )
        )
    else:
        scenarios.append(
            Scenario("admin-event-change", "Admin: large event", "admin", "", admin=True, skip="no events")
        )
    return scenarios


SCENARIO_NAMES = [
    "deals-list",
    "events-list",
    "companies-list",
    "deals-deep-page",
    "deals-deep-cursor",
    "event-detail-large",
    "search-name",
    "search-alias",
    "search-misspelled",
    "search-text",
    "deals-csv",
    "admin-deals-changelist",
    "admin-event-change",
]
