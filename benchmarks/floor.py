"""The raw floor: the API's list pages answered with psycopg 3 and orjson, and nothing else.

For each list scenario the harness measures, this minimal WSGI app fetches the same rows with the
same joins (the page, a count capped like the API's, then one batched query per nested relation,
as the API's prefetches do) and serialises them into the same shape: the same fields, relations as
brief `{"id", "url", "display"}` objects, citations as `{"source", "quote", "note"}`. It is what
the API would cost with no framework at all, so `ours / floor` says how much the framework adds.

It understands only what the scenarios ask (see `ROUTES`); anything else answers 400, so that a
scenario the floor does not really implement fails loudly instead of measuring something else.

    gunicorn benchmarks.floor:application

Environment: DATABASE_URL; API_COUNT_CAP (0 or unset: exact counts); FLOOR_SESSION_SETTINGS, a JSON
object of PostgreSQL settings to set on each connection as the app sets them on its own (the harness
passes those on which the app's connections differ, e.g. pg_trgm.word_similarity_threshold).

Cursor mode is keyset pagination with the floor's own cursor: base64 of JSON `[id]`, the first row of
the page (the harness takes it from the API's own deep cursor page, so both return the same rows),
ordered by `-id` (the API's cursor ordering by default).
"""

import base64
import os
import re
import threading
import urllib.parse

import orjson
import psycopg
from psycopg.rows import dict_row

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
T = "biotech_events_{}".format

_local = threading.local()


class BadRequest(Exception):
    pass


class NotFound(Exception):
    pass


# --- database ---------------------------------------------------------------------------------


def _conninfo():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise RuntimeError("The floor needs DATABASE_URL to name a PostgreSQL database.")
    return url


def _connection():
    conn = getattr(_local, "conn", None)
    if conn is None or conn.closed:
        conn = _local.conn = psycopg.connect(_conninfo(), autocommit=True)
        for name, value in orjson.loads(os.environ.get("FLOOR_SESSION_SETTINGS") or "{}").items():
            conn.execute("SELECT set_config(%s, %s, false)", [name, str(value)])
    return conn


def _count_cap():
    raw = os.environ.get("API_COUNT_CAP", "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else None


class Db:
    """One request's database access: counts the statements it runs (X-Query-Count)."""

    def __init__(self, conn):
        self.conn = conn
        self.queries = 0

    def rows(self, statement, params=(), *, as_dict=False):
        self.queries += 1
        with self.conn.cursor(row_factory=dict_row) if as_dict else self.conn.cursor() as cur:
            cur.execute(statement, params)
            return cur.fetchall()


# --- shapes -----------------------------------------------------------------------------------


def partial_date(date, precision):
    """The model's format_partial_date: "2023", "November 2023" or "2023-11-18"."""
    if date is None:
        return ""
    if precision == "year":
        return f"{date:%Y}"
    if precision == "month":
        return f"{date:%B %Y}"
    return date.isoformat()


def money(value):
    return None if value is None else str(value)


class Shaper:
    def __init__(self, base):
        self.base = base

    def url(self, segment, pk):
        return f"{self.base}/api/v1/{segment}/{pk}/"

    def brief(self, segment, pk, display):
        if pk is None:
            return None
        return {"id": pk, "url": self.url(segment, pk), "display": display}


def citations(db, targets):
    """{column: {id: [citation, ...]}} for the given {citation column: ids}, in one query."""
    targets = {column: list(ids) for column, ids in targets.items() if ids}
    found = {column: {} for column in targets}
    if not targets:
        return found
    columns = list(targets)
    select = ", ".join(f"c.{column}" for column in columns)
    where = " OR ".join(f"c.{column} = ANY(%s)" for column in columns)
    statement = (
        f"SELECT {select}, s.key, c.quote, c.note FROM {T('citation')} c "
        f"JOIN {T('sourcedocument')} s ON s.id = c.source_id WHERE {where} ORDER BY s.key, c.id"
    )
    for row in db.rows(statement, [targets[column] for column in columns]):
        item = {"source": row[-3], "quote": row[-2], "note": row[-1]}
        for column, value in zip(columns, row[: len(columns)], strict=True):
            if value is not None:
                found[column].setdefault(value, []).append(item)
    return found


def grouped(rows, key_index=0):
    groups = {}
    for row in rows:
        groups.setdefault(row[key_index], []).append(row)
    return groups


# --- deals ------------------------------------------------------------------------------------

DEAL_SELECT = (
    f"SELECT d.id, d.title, d.slug, d.kind, d.event_id, ev.name AS event_name, d.parent_id, "
    f"pd.title AS parent_title, d.date, d.date_precision, d.asset, d.amount, d.currency, d.amount_qualifier, "
    f"d.amount_stated, d.amount_usd, d.is_undisclosed, d.project_count, d.summary, d.description "
    f"FROM {T('deal')} d LEFT JOIN {T('event')} ev ON ev.id = d.event_id "
    f"LEFT JOIN {T('deal')} pd ON pd.id = d.parent_id"
)


def deal_results(db, rows, shape):
    ids = [row["id"] for row in rows]
    if not ids:
        return []
    children = grouped(
        db.rows(
            f"SELECT parent_id, id, title FROM {T('deal')} WHERE parent_id = ANY(%s) ORDER BY date DESC, title",
            [ids],
        )
    )
    parties = grouped(
        db.rows(
            f"SELECT dp.deal_id, dp.id, dp.role, dp.company_id, c.name, dp.organizer_id, o.name "
            f"FROM {T('dealparty')} dp LEFT JOIN {T('company')} c ON c.id = dp.company_id "
            f"LEFT JOIN {T('organizer')} o ON o.id = dp.organizer_id "
            f"WHERE dp.deal_id = ANY(%s) ORDER BY dp.deal_id, dp.role, dp.id",
            [ids],
        )
    )
    party_ids = [party[1] for group in parties.values() for party in group]
    cited = citations(db, {"deal_id": ids, "deal_party_id": party_ids})
    results = []
    for row in rows:
        pk = row["id"]
        results.append(
            {
                "id": pk,
                "url": shape.url("deals", pk),
                "display": row["title"],
                "title": row["title"],
                "slug": row["slug"],
                "kind": row["kind"],
                "event": shape.brief("events", row["event_id"], row["event_name"]),
                "parent": shape.brief("deals", row["parent_id"], row["parent_title"]),
                "children": [shape.brief("deals", c[1], c[2]) for c in children.get(pk, [])],
                "when": partial_date(row["date"], row["date_precision"]),
                "date": row["date"],
                "date_precision": row["date_precision"],
                "asset": row["asset"],
                "amount": money(row["amount"]),
                "currency": row["currency"],
                "amount_qualifier": row["amount_qualifier"],
                "amount_stated": row["amount_stated"],
                "amount_usd": money(row["amount_usd"]),
                "is_undisclosed": row["is_undisclosed"],
                "project_count": row["project_count"],
                "summary": row["summary"],
                "description": row["description"],
                "parties": [
                    {
                        "id": p[1],
                        "role": p[2],
                        "company": shape.brief("companies", p[3], p[4]),
                        "organizer": shape.brief("organizers", p[5], p[6]),
                        "citations": cited["deal_party_id"].get(p[1], []),
                    }
                    for p in parties.get(pk, [])
                ],
                "citations": cited["deal_id"].get(pk, []),
            }
        )
    return results


# --- events -----------------------------------------------------------------------------------

EVENT_SELECT = (
    f"SELECT e.id, e.name, e.slug, e.kind, e.parent_id, pe.name AS parent_name, e.edition, e.start_date, "
    f"e.start_date_precision, e.end_date, e.end_date_precision, e.date_stated, e.city, e.district, e.venue, "
    f"e.park_id, pk.name AS park_name, e.theme, e.summary, e.description "
    f"FROM {T('event')} e LEFT JOIN {T('event')} pe ON pe.id = e.parent_id "
    f"LEFT JOIN {T('park')} pk ON pk.id = e.park_id"
)


def event_when(row):
    start = partial_date(row["start_date"], row["start_date_precision"])
    end = partial_date(row["end_date"], row["end_date_precision"])
    return f"{start} to {end}" if end and end != start else start


def event_results(db, rows, shape):
    ids = [row["id"] for row in rows]
    if not ids:
        return []
    sub_events = grouped(
        db.rows(
            f"SELECT parent_id, id, name FROM {T('event')} WHERE parent_id = ANY(%s) ORDER BY start_date DESC, name",
            [ids],
        )
    )
    organizers = grouped(
        db.rows(
            f"SELECT eo.event_id, eo.id, eo.role, eo.organizer_id, o.name, eo.company_id, c.name, eo.note "
            f"FROM {T('eventorganizer')} eo LEFT JOIN {T('organizer')} o ON o.id = eo.organizer_id "
            f"LEFT JOIN {T('company')} c ON c.id = eo.company_id "
            f"WHERE eo.event_id = ANY(%s) ORDER BY eo.event_id, eo.role, eo.id",
            [ids],
        )
    )
    participants = grouped(
        db.rows(
            f"SELECT ep.event_id, ep.id, ep.person_id, p.name, ep.role, ep.talk_title, ep.position_stated "
            f"FROM {T('eventparticipant')} ep JOIN {T('person')} p ON p.id = ep.person_id "
            f"WHERE ep.event_id = ANY(%s) ORDER BY ep.event_id, ep.role, p.name",
            [ids],
        )
    )
    companies = grouped(
        db.rows(
            f"SELECT ec.event_id, ec.id, ec.company_id, c.name, ec.role, ec.award "
            f"FROM {T('eventcompany')} ec JOIN {T('company')} c ON c.id = ec.company_id "
            f"WHERE ec.event_id = ANY(%s) ORDER BY ec.event_id, ec.role, c.name",
            [ids],
        )
    )
    attendance = grouped(
        db.rows(
            f"SELECT event_id, id, audience, count, qualifier, stated FROM {T('attendancefigure')} "
            f"WHERE event_id = ANY(%s) ORDER BY event_id, count DESC",
            [ids],
        )
    )
    deals = grouped(
        db.rows(
            f"SELECT event_id, id, title FROM {T('deal')} WHERE event_id = ANY(%s) ORDER BY date DESC, title",
            [ids],
        )
    )
    rankings = grouped(
        db.rows(
            f"SELECT released_at_id, id, name FROM {T('rankinglist')} WHERE released_at_id = ANY(%s) "
            f"ORDER BY year DESC, name",
            [ids],
        )
    )
    reports = grouped(
        db.rows(
            f"SELECT released_at_id, id, title FROM {T('report')} WHERE released_at_id = ANY(%s) "
            f"ORDER BY year DESC, title",
            [ids],
        )
    )

    def child_ids(groups):
        return [item[1] for group in groups.values() for item in group]

    cited = citations(
        db,
        {
            "event_id": ids,
            "event_organizer_id": child_ids(organizers),
            "event_participant_id": child_ids(participants),
            "event_company_id": child_ids(companies),
            "attendance_id": child_ids(attendance),
        },
    )
    results = []
    for row in rows:
        pk = row["id"]
        results.append(
            {
                "id": pk,
                "url": shape.url("events", pk),
                "display": row["name"],
                "name": row["name"],
                "slug": row["slug"],
                "kind": row["kind"],
                "parent": shape.brief("events", row["parent_id"], row["parent_name"]),
                "sub_events": [shape.brief("events", s[1], s[2]) for s in sub_events.get(pk, [])],
                "edition": row["edition"],
                "when": event_when(row),
                "start_date": row["start_date"],
                "start_date_precision": row["start_date_precision"],
                "end_date": row["end_date"],
                "end_date_precision": row["end_date_precision"],
                "date_stated": row["date_stated"],
                "city": row["city"],
                "district": row["district"],
                "venue": row["venue"],
                "park": shape.brief("parks", row["park_id"], row["park_name"]),
                "theme": row["theme"],
                "summary": row["summary"],
                "description": row["description"],
                "organizers": [
                    {
                        "id": o[1],
                        "role": o[2],
                        "organizer": shape.brief("organizers", o[3], o[4]),
                        "company": shape.brief("companies", o[5], o[6]),
                        "note": o[7],
                        "citations": cited["event_organizer_id"].get(o[1], []),
                    }
                    for o in organizers.get(pk, [])
                ],
                "participants": [
                    {
                        "id": p[1],
                        "person": shape.brief("people", p[2], p[3]),
                        "role": p[4],
                        "talk_title": p[5],
                        "position_stated": p[6],
                        "citations": cited["event_participant_id"].get(p[1], []),
                    }
                    for p in participants.get(pk, [])
                ],
                "companies": [
                    {
                        "id": c[1],
                        "company": shape.brief("companies", c[2], c[3]),
                        "role": c[4],
                        "award": c[5],
                        "citations": cited["event_company_id"].get(c[1], []),
                    }
                    for c in companies.get(pk, [])
                ],
                "attendance": [
                    {
                        "id": a[1],
                        "audience": a[2],
                        "count": a[3],
                        "qualifier": a[4],
                        "stated": a[5],
                        "citations": cited["attendance_id"].get(a[1], []),
                    }
                    for a in attendance.get(pk, [])
                ],
                "deals": [shape.brief("deals", d[1], d[2]) for d in deals.get(pk, [])],
                "rankings": [shape.brief("rankings", r[1], r[2]) for r in rankings.get(pk, [])],
                "reports": [shape.brief("reports", r[1], r[2]) for r in reports.get(pk, [])],
                "citations": cited["event_id"].get(pk, []),
            }
        )
    return results


# --- companies --------------------------------------------------------------------------------

COMPANY_SELECT = (
    f"SELECT c.id, c.name, c.slug, c.kind, c.parent_id, pc.name AS parent_name, c.hq_city, c.hq_country, "
    f"c.description FROM {T('company')} c LEFT JOIN {T('company')} pc ON pc.id = c.parent_id"
)


def company_results(db, rows, shape):
    ids = [row["id"] for row in rows]
    if not ids:
        return []
    aliases = grouped(
        db.rows(
            f"SELECT a.company_id, a.name, a.kind, s.key FROM {T('alias')} a "
            f"LEFT JOIN {T('sourcedocument')} s ON s.id = a.source_id WHERE a.company_id = ANY(%s) ORDER BY a.name",
            [ids],
        )
    )
    events = grouped(
        db.rows(
            f"SELECT ec.company_id, ec.event_id, e.name, ec.role, ec.award FROM {T('eventcompany')} ec "
            f"JOIN {T('event')} e ON e.id = ec.event_id WHERE ec.company_id = ANY(%s) ORDER BY ec.event_id, ec.role",
            [ids],
        )
    )
    hosted = grouped(
        db.rows(
            f"SELECT eo.company_id, eo.event_id, e.name, eo.role FROM {T('eventorganizer')} eo "
            f"JOIN {T('event')} e ON e.id = eo.event_id WHERE eo.company_id = ANY(%s) ORDER BY eo.event_id, eo.role",
            [ids],
        )
    )
    deals = grouped(
        db.rows(
            f"SELECT dp.company_id, dp.deal_id, d.title, dp.role FROM {T('dealparty')} dp "
            f"JOIN {T('deal')} d ON d.id = dp.deal_id WHERE dp.company_id = ANY(%s) ORDER BY dp.deal_id, dp.role",
            [ids],
        )
    )
    cited = citations(db, {"company_id": ids})
    results = []
    for row in rows:
        pk = row["id"]
        results.append(
            {
                "id": pk,
                "url": shape.url("companies", pk),
                "display": row["name"],
                "name": row["name"],
                "slug": row["slug"],
                "kind": row["kind"],
                "parent": shape.brief("companies", row["parent_id"], row["parent_name"]),
                "hq_city": row["hq_city"],
                "hq_country": row["hq_country"],
                "description": row["description"],
                "aliases": [{"name": a[1], "kind": a[2], "source": a[3]} for a in aliases.get(pk, [])],
                "events": [
                    {"event": shape.brief("events", e[1], e[2]), "role": e[3], "award": e[4]}
                    for e in events.get(pk, [])
                ],
                "hosted_events": [
                    {"event": shape.brief("events", h[1], h[2]), "role": h[3]} for h in hosted.get(pk, [])
                ],
                "deals": [{"deal": shape.brief("deals", d[1], d[2]), "role": d[3]} for d in deals.get(pk, [])],
                "citations": cited["company_id"].get(pk, []),
            }
        )
    return results


# --- the list machinery -----------------------------------------------------------------------


def values(query, name):
    """`?x=a&x=b` and `?x=a,b` alike."""
    return [item.strip() for raw in query.get(name, []) for item in raw.split(",") if item.strip()]


def like_pattern(term):
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_terms(query):
    raw = " ".join(query.get("search", []))
    return [term for term in re.split(r"[\s,]+", raw.replace("\x00", "")) if term]


class Resource:
    """A list endpoint: its SELECT, its filters, its orderings and its result builder."""

    def __init__(self, *, segment, alias, table, select, orderings, default_ordering, filters, search, build):
        self.segment = segment
        self.alias = alias
        self.table = table
        self.select = select
        self.orderings = orderings
        self.default_ordering = default_ordering
        self.filters = filters  # {param: function(values) -> (sql, params)}
        self.search = search  # function(db, term) -> (sql, params), or None
        self.build = build

    def where(self, db, query):
        clauses, params = [], []
        for name, make in self.filters.items():
            given = values(query, name)
            if given:
                clause, clause_params = make(given)
                clauses.append(clause)
                params.extend(clause_params)
        terms = search_terms(query)
        if terms:
            if self.search is None:
                raise BadRequest(f"The floor does not search {self.segment}.")
            clause, clause_params = self.search(db, terms)
            clauses.append(clause)
            params.extend(clause_params)
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), params

    def order_by(self, query):
        raw = values(query, "ordering")
        fields = raw or self.default_ordering
        parts = []
        for field in fields:
            name = field.lstrip("-")
            if name not in self.orderings:
                raise BadRequest(f"The floor cannot order {self.segment} by {name!r}.")
            parts.append(f"{self.alias}.{self.orderings[name]}{' DESC' if field.startswith('-') else ''}")
        return " ORDER BY " + ", ".join(parts), fields


KNOWN_PARAMS = {"page", "page_size", "ordering", "cursor", "search", "format"}


def page_size(query):
    raw = (query.get("page_size") or [str(DEFAULT_PAGE_SIZE)])[0]
    if not raw.isdigit() or int(raw) < 1:
        raise BadRequest("page_size must be a whole number.")
    return min(int(raw), MAX_PAGE_SIZE)


def link(shape, path, query, **changes):
    merged = {key: list(vals) for key, vals in query.items()}
    for key, value in changes.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = [str(value)]
    return f"{shape.base}{path}?{urllib.parse.urlencode(merged, doseq=True)}"


def list_view(resource, db, query, shape, path):
    unknown = set(query) - KNOWN_PARAMS - set(resource.filters)
    if unknown:
        raise BadRequest(f"The floor does not implement {sorted(unknown)} on {resource.segment}.")
    where, params = resource.where(db, query)
    order_by, fields = resource.order_by(query)
    size = page_size(query)
    if "cursor" in query:
        return keyset_view(resource, db, query, shape, path, where, params, fields, size)
    page = (query.get("page") or ["1"])[0]
    if not page.isdigit() or int(page) < 1:
        raise BadRequest("page must be a whole number from 1.")
    page = int(page)
    cap = _count_cap()
    from_where = f" FROM {T(resource.table)} {resource.alias}{where}"
    if cap is None:
        count = db.rows(f"SELECT count(*){from_where}", params)[0][0]
        exact = True
    else:
        bounded = db.rows(f"SELECT count(*) FROM (SELECT 1{from_where} LIMIT %s) AS capped", [*params, cap + 1])
        count, exact = min(bounded[0][0], cap), bounded[0][0] <= cap
    rows = db.rows(
        f"{resource.select}{where}{order_by} LIMIT %s OFFSET %s",
        [*params, size + 1, (page - 1) * size],
        as_dict=True,
    )
    if not rows and page > 1:
        raise NotFound(f"Page {page} is past the end.")
    has_next = len(rows) > size
    rows = rows[:size]
    return {
        "count": count,
        "count_exact": exact,
        "next": link(shape, path, query, page=page + 1) if has_next else None,
        "previous": (link(shape, path, query, page=page - 1 if page > 2 else None) if page > 1 else None),
        "results": resource.build(db, rows, shape),
    }


def encode_cursor(pk):
    return base64.urlsafe_b64encode(orjson.dumps([pk])).decode()


def decode_cursor(token):
    if not token:
        return None
    try:
        (pk,) = orjson.loads(base64.urlsafe_b64decode(token.encode()))
        return int(pk)
    except (ValueError, TypeError) as error:
        raise BadRequest("Not a floor cursor.") from error


def keyset_view(resource, db, query, shape, path, where, params, fields, size):
    if list(fields) != ["-id"]:
        raise BadRequest("The floor's cursor mode orders by -id only.")
    start = decode_cursor((query.get("cursor") or [""])[0])
    if start is not None:
        clause = f"{resource.alias}.id <= %s"
        where = f"{where} AND {clause}" if where else f" WHERE {clause}"
        params = [*params, start]
    rows = db.rows(
        f"{resource.select}{where} ORDER BY {resource.alias}.id DESC LIMIT %s", [*params, size + 1], as_dict=True
    )
    following = rows[size] if len(rows) > size else None
    rows = rows[:size]
    return {
        "next": link(shape, path, query, cursor=encode_cursor(following["id"])) if following else None,
        "previous": None,
        "results": resource.build(db, rows, shape),
    }


def any_of(column, *, iexact=False):
    def make(given):
        if iexact:
            return f"UPPER({column}) = ANY(%s)", [[value.upper() for value in given]]
        return f"{column} = ANY(%s)", [given]

    return make


def full_text(alias, columns):
    """The API's `?text=` (FullTextFilter, PostgreSQL): the expression of its GIN index, @@ websearch_to_tsquery."""
    document = " || ' ' || ".join(f"COALESCE({alias}.{column}, '')" for column in columns)

    def make(given):
        return (
            f"to_tsvector('english'::regconfig, {document}) @@ websearch_to_tsquery('english'::regconfig, %s)",
            [" ".join(given)],
        )

    return make


def _has_trigram(db):
    """Whether pg_trgm is installed (migration 0005): the API then also matches words one typo away."""
    known = getattr(_local, "trigram", None)
    if known is None:
        known = _local.trigram = bool(db.rows("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'"))
    return known


RUN = re.compile(r"[^\W_]+")


def longest_run(word):
    return max(RUN.findall(word), key=len, default="")


def company_search(db, terms):
    """The API's search predicate for companies (biotech_events/api/filters.py, NameSearch): every word in
    the company's name or slug together, or every word in one of its aliases. With pg_trgm, a word no
    company name, slug or alias holds as typed matches by word similarity (%>), and a word without three
    letters or digits in a row must begin a word of a name or alias (or be the slug)."""
    words = [term for term in terms if len(longest_run(term)) >= 2]
    if not words:
        return "FALSE", []
    fuzzy = _has_trigram(db)

    def predicate(group, misspelt):
        own, own_params, alias, alias_params = [], [], [], []
        for word in group:
            exact_slug = sorted({word, word.lower()})
            if fuzzy and len(longest_run(word)) < 3:
                run = longest_run(word)
                own.append("(c2.name %%> %s OR c2.slug = ANY(%s))")
                own_params += [run, exact_slug]
                alias.append("a.name %%> %s")
                alias_params.append(run)
            elif word in misspelt:
                own.append("c2.name %%> %s")
                own_params.append(word)
                alias.append("a.name %%> %s")
                alias_params.append(word)
            else:
                pattern = like_pattern(word)
                own.append("(UPPER(c2.name::text) LIKE UPPER(%s) OR c2.slug = ANY(%s))")
                own_params += [pattern, exact_slug]
                alias.append("UPPER(a.name::text) LIKE UPPER(%s)")
                alias_params.append(pattern)
        clause = (
            f"c.id IN (SELECT c2.id FROM {T('company')} c2 WHERE {' AND '.join(own)} "
            f"UNION SELECT a.company_id FROM {T('alias')} a "
            f"WHERE {' AND '.join(alias)} AND a.company_id IS NOT NULL)"
        )
        return clause, [*own_params, *alias_params]

    typed = predicate(words, misspelt=())
    if not fuzzy or db.rows(f"SELECT EXISTS (SELECT 1 FROM {T('company')} c WHERE {typed[0]})", typed[1])[0][0]:
        return typed
    misspelt = []
    for word in words:
        if len(longest_run(word)) < 3:
            continue
        own, params = predicate([word], misspelt=())
        if not db.rows(f"SELECT EXISTS (SELECT 1 FROM {T('company')} c WHERE {own})", params)[0][0]:
            misspelt.append(word)
    return predicate(words, misspelt) if misspelt else typed


DEALS = Resource(
    segment="deals",
    alias="d",
    table="deal",
    select=DEAL_SELECT,
    orderings={name: name for name in ("title", "date", "amount", "amount_usd", "kind", "id")},
    default_ordering=["-date", "title"],
    filters={"kind": any_of("d.kind"), "text": full_text("d", ("title", "asset", "summary", "description"))},
    search=None,
    build=deal_results,
)
EVENTS = Resource(
    segment="events",
    alias="e",
    table="event",
    select=EVENT_SELECT,
    orderings={name: name for name in ("name", "start_date", "end_date", "kind", "city", "id")},
    default_ordering=["-start_date", "name"],
    filters={"kind": any_of("e.kind"), "city": any_of("e.city", iexact=True)},
    search=None,
    build=event_results,
)
COMPANIES = Resource(
    segment="companies",
    alias="c",
    table="company",
    select=COMPANY_SELECT,
    orderings={name: name for name in ("name", "kind", "hq_city", "hq_country", "id")},
    default_ordering=["name"],
    filters={"kind": any_of("c.kind")},
    search=company_search,
    build=company_results,
)
RESOURCES = {resource.segment: resource for resource in (DEALS, EVENTS, COMPANIES)}


def detail_view(resource, db, pk, shape):
    rows = db.rows(f"{resource.select} WHERE {resource.alias}.id = %s", [pk], as_dict=True)
    if not rows:
        raise NotFound(f"No {resource.segment} record {pk}.")
    return resource.build(db, rows, shape)[0]


ROUTES = re.compile(r"^/api/v1/(?P<segment>deals|events|companies)/(?:(?P<pk>\d+)/)?$")


# --- WSGI -------------------------------------------------------------------------------------


def _respond(start_response, status, body, queries):
    headers = [
        ("Content-Type", "application/json"),
        ("Content-Length", str(len(body))),
        ("X-Query-Count", str(queries)),
    ]
    start_response(status, headers)
    return [body]


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if path == "/health":
        return _respond(start_response, "200 OK", b'{"ok": true}', 0)
    query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    host = environ.get("HTTP_HOST") or f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}"
    shape = Shaper(f"{environ.get('wsgi.url_scheme', 'http')}://{host}")
    db = Db(_connection())
    try:
        match = ROUTES.match(path)
        if match is None or environ.get("REQUEST_METHOD", "GET") not in ("GET", "HEAD"):
            raise NotFound(f"The floor does not serve {path}.")
        resource = RESOURCES[match["segment"]]
        if match["pk"]:
            data = detail_view(resource, db, int(match["pk"]), shape)
        else:
            data = list_view(resource, db, query, shape, path)
        status = "200 OK"
    except BadRequest as error:
        data, status = {"detail": str(error)}, "400 Bad Request"
    except NotFound as error:
        data, status = {"detail": str(error)}, "404 Not Found"
    except psycopg.OperationalError:
        _local.conn = None  # reconnect on the next request
        raise
    return _respond(start_response, status, orjson.dumps(data), db.queries)
