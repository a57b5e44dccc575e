"""A quick SQL filler: the harness's stand-in while `manage.py generate_demo_data` does not exist yet.

It writes the same proportions the generator is specified with (at scale 1: 1,000,000 deals, 200,000
companies, 200,000 people, 100,000 events), with slugs prefixed "bench-" so that it never collides
with the generator's "demo-" rows, and `clear()` removes exactly what it wrote. Everything is derived
from the row number and the seed with PostgreSQL's hashint8extended(), so a (scale, seed) pair always
gives the same rows. One event (the first) is made large on purpose: hundreds of companies, people,
organisers and deals, for the "detail of a large event" scenarios.

Rows are inserted with explicit ids above the tables' current maximum, then each identity sequence
is moved past them. No model code runs: no validation, no history rows (the benchmark reads only).
"""

import hashlib

from psycopg import sql

PREFIX = "bench-"
SOURCE_KEY = "bench-filler-source.txt"
SOURCE_TEXT = "Benchmark filler article. The parties signed the agreement at the conference."
QUOTE = "The parties signed the agreement at the conference."

TABLE = "biotech_events_{}".format

COMPANY_WORDS = [
    "Kanghong", "Hengrui", "Junshi", "Zailab", "Hansoh", "Innovent", "Akeso", "Legend", "Simcere", "Luye",
    "Fosun", "Kelun", "Hutch", "Ascletis", "Alphamab", "Betta", "Biocytogen", "Genor", "Henlius", "Immuno",
    "Jacobio", "Kintor", "Lepu", "Mabwell", "Nuance", "Ocumension", "Qilu", "Remegen", "Sciwind", "Taimed",
    "Uniquest", "Visen", "Wuxi", "Xtalpi", "Yisheng", "Zelgen", "Abbisko", "Brii", "Cstone", "Dizal",
]  # fmt: skip
COMPANY_SUFFIXES = [
    "Biopharma", "Therapeutics", "Biologics", "Pharmaceutical", "Medical", "Biosciences",
    "Diagnostics", "Biotech", "Life Sciences", "Genomics", "Vaccines", "Bioengineering",
]  # fmt: skip
CITIES = [
    "Shanghai", "Beijing", "Suzhou", "Chengdu", "Hangzhou", "Shenzhen", "Guangzhou", "Wuhan", "Nanjing",
    "Tianjin", "Chongqing", "Xiamen", "Qingdao", "Changsha", "Hefei", "Xi'an", "Jinan", "Shenyang",
    "Changzhou", "Taizhou",
]  # fmt: skip
FAMILY = ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma", "Zhu"]
GIVEN = [
    "Wei", "Fang", "Min", "Jing", "Lei", "Yan", "Jun", "Tao", "Ming", "Hui", "Xin", "Hong", "Ying", "Bo",
    "Zixin", "Xiaoming", "Jianguo", "Lina", "Haiyan", "Yuxuan",
]  # fmt: skip
TOPICS = [
    "Biotechnology Innovation", "Life Science", "Biomedical Industry", "Cell and Gene Therapy",
    "Synthetic Biology", "Medical Devices", "Drug Discovery", "Vaccine", "Precision Medicine", "Biopharma",
]  # fmt: skip
COMPANY_KINDS = ["pharma", "biotech", "medical_devices", "cro_cdmo", "diagnostics", "investment", "digital_health"]
ORGANIZER_KINDS = ["government", "agency", "association", "university", "hospital", "research_institute"]
TOP_EVENT_KINDS = ["conference", "forum", "summit", "week", "exhibition"]
SUB_EVENT_KINDS = ["branch_session", "panel", "side_meeting", "signing_ceremony", "opening_ceremony"]
DEAL_KINDS = ["licensing", "investment", "industrial_project", "cooperation", "joint_laboratory"]
COMPANY_ROLES = ["attendee", "exhibitor", "signatory", "speaker"]
PERSON_ROLES = ["keynote", "speaker", "moderator", "panelist", "guest"]

# The large event's extra relations, at most; a tenth of the table on small data sets.
BIG_EVENT_COMPANIES = 300
BIG_EVENT_PEOPLE = 300
BIG_EVENT_ORGANIZERS = 40
BIG_EVENT_DEALS = 200


def big_event_counts(n):
    return {
        "company": min(BIG_EVENT_COMPANIES, n["company"] // 10),
        "person": min(BIG_EVENT_PEOPLE, n["person"] // 10),
        "organizer": min(BIG_EVENT_ORGANIZERS, n["organizer"] // 2),
        "deal": min(BIG_EVENT_DEALS, n["deal"] // 10),
    }


def counts(scale):
    """How many rows of each kind the scale asks for (the generator's proportions)."""

    def n(per_scale_1, least):
        return max(least, round(per_scale_1 * scale))

    return {
        "deal": n(1_000_000, 20),
        "company": n(200_000, 20),
        "person": n(200_000, 20),
        "event": n(100_000, 10),
        "organizer": n(10_000, 10),
    }


def _array(values):
    return sql.SQL("ARRAY[{}]::text[]").format(sql.SQL(", ").join(sql.Literal(value) for value in values))


def _pick(words, column="i", salt=0):
    """An SQL expression choosing one of `words` from the row number and the seed."""
    return sql.SQL("({words})[1 + abs(hashint8extended({col}, %(seed)s + {salt})) %% {n}]").format(
        words=_array(words), col=sql.SQL(column), salt=sql.Literal(salt), n=sql.Literal(len(words))
    )


def _hash(column="i", salt=0):
    return sql.SQL("abs(hashint8extended({col}, %(seed)s + {salt}))").format(
        col=sql.SQL(column), salt=sql.Literal(salt)
    )


def _next_id(cur, table):
    cur.execute(sql.SQL("SELECT coalesce(max(id), 0) + 1 FROM {}").format(sql.Identifier(TABLE(table))))
    return cur.fetchone()[0]


def _sync_sequence(cur, table):
    name = TABLE(table)
    statement = "SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT coalesce(max(id), 1) FROM {}))"
    cur.execute(sql.SQL(statement).format(sql.Identifier(name)), [name])


def has_rows(conn):
    with conn.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM {TABLE('deal')} WHERE slug LIKE %s", [PREFIX + "%"])
        return cur.fetchone()[0]


def clear(conn):
    """Delete every row the filler wrote (children first; the foreign keys are checked at commit)."""
    like = PREFIX + "%"
    with conn.transaction(), conn.cursor() as cur:
        cur.execute(f"SELECT id FROM {TABLE('sourcedocument')} WHERE key = %s", [SOURCE_KEY])
        row = cur.fetchone()
        if row:
            cur.execute(f"DELETE FROM {TABLE('citation')} WHERE source_id = %s", [row[0]])
        cur.execute(
            f"DELETE FROM {TABLE('alias')} WHERE company_id IN (SELECT id FROM {TABLE('company')} WHERE slug LIKE %s)",
            [like],
        )
        cur.execute(
            f"DELETE FROM {TABLE('dealparty')} WHERE deal_id IN (SELECT id FROM {TABLE('deal')} WHERE slug LIKE %s)",
            [like],
        )
        cur.execute(f"DELETE FROM {TABLE('deal')} WHERE slug LIKE %s", [like])
        for child in ("eventcompany", "eventparticipant", "eventorganizer", "attendancefigure"):
            cur.execute(
                f"DELETE FROM {TABLE(child)} WHERE event_id IN (SELECT id FROM {TABLE('event')} WHERE slug LIKE %s)",
                [like],
            )
        for table in ("event", "company", "person", "organizer"):
            cur.execute(f"DELETE FROM {TABLE(table)} WHERE slug LIKE %s", [like])
        cur.execute(f"DELETE FROM {TABLE('sourcedocument')} WHERE key = %s", [SOURCE_KEY])


def fill(conn, *, scale, seed, log=print):
    """Write the rows for (scale, seed) in one transaction; returns the counts asked for."""
    n = counts(scale)
    big_n = big_event_counts(n)
    params = {"seed": int(seed) * 1000}
    with conn.transaction(), conn.cursor() as cur:

        def run(statement, **extra):
            cur.execute(statement, {**params, **extra})
            return cur.rowcount

        cur.execute(
            f"INSERT INTO {TABLE('sourcedocument')} (key, title, outlet, author, url, published_on, "
            "published_on_precision, language, text, sha256, notes) "
            "VALUES (%s, 'Benchmark filler', '', '', '', NULL, '', 'en', %s, %s, '') RETURNING id",
            [SOURCE_KEY, SOURCE_TEXT, hashlib.sha256(SOURCE_TEXT.encode()).hexdigest()],
        )
        source_id = cur.fetchone()[0]

        base = {table: _next_id(cur, table) for table in ("company", "person", "organizer", "event", "deal")}

        log(f"  filler: {n['company']:,} companies, {n['person']:,} people, {n['organizer']:,} organizers")
        run(
            sql.SQL(
                "INSERT INTO {t} (id, slug, description, name, kind, hq_city, hq_country, parent_id) "
                "SELECT %(base)s + i, 'bench-company-' || i, '', "
                "{word} || ' ' || {suffix} || ' ' || i, {kind}, {city}, 'CN', NULL "
                "FROM generate_series(0, %(n)s - 1) AS i"
            ).format(
                t=sql.Identifier(TABLE("company")),
                word=_pick(COMPANY_WORDS, salt=1),
                suffix=_pick(COMPANY_SUFFIXES, salt=2),
                kind=_pick(COMPANY_KINDS, salt=3),
                city=_pick(CITIES, salt=4),
            ),
            base=base["company"],
            n=n["company"],
        )
        # One alias each: the full legal name, with a city the name itself does not carry.
        run(
            sql.SQL(
                "INSERT INTO {t} (name, kind, company_id, organizer_id, park_id, person_id, source_id) "
                "SELECT {city} || ' ' || {word} || ' Holdings Co., Ltd. ' || i, 'full_name', %(base)s + i, "
                "NULL, NULL, NULL, NULL FROM generate_series(0, %(n)s - 1) AS i"
            ).format(t=sql.Identifier(TABLE("alias")), city=_pick(CITIES, salt=5), word=_pick(COMPANY_WORDS, salt=1)),
            base=base["company"],
            n=n["company"],
        )
        run(
            sql.SQL(
                "INSERT INTO {t} (id, slug, description, name, family_name, given_name, name_zh, name_order) "
                "SELECT %(base)s + i, 'bench-person-' || i, '', g || ' ' || f || ' ' || i, f, g, '', 'given_first' "
                "FROM (SELECT i, {given} AS g, {family} AS f FROM generate_series(0, %(n)s - 1) AS i) AS names"
            ).format(t=sql.Identifier(TABLE("person")), given=_pick(GIVEN, salt=6), family=_pick(FAMILY, salt=7)),
            base=base["person"],
            n=n["person"],
        )
        run(
            sql.SQL(
                "INSERT INTO {t} (id, slug, description, name, kind, city, country, parent_id) "
                "SELECT %(base)s + i, 'bench-organizer-' || i, '', {city} || ' ' || {topic} || ' Bureau ' || i, "
                "{kind}, {city}, 'CN', NULL FROM generate_series(0, %(n)s - 1) AS i"
            ).format(
                t=sql.Identifier(TABLE("organizer")),
                city=_pick(CITIES, salt=8),
                topic=_pick(TOPICS, salt=9),
                kind=_pick(ORGANIZER_KINDS, salt=10),
            ),
            base=base["organizer"],
            n=n["organizer"],
        )

        log(f"  filler: {n['event']:,} events and their role links")
        # Every fifth event is a main event; the four after it are its sessions.
        run(
            sql.SQL(
                "INSERT INTO {t} (id, slug, description, name, kind, edition, start_date, start_date_precision, "
                "end_date, end_date_precision, date_stated, city, district, venue, theme, summary, parent_id, park_id) "
                "SELECT %(base)s + i, 'bench-event-' || i, '', "
                "CASE WHEN i %% 5 = 0 "
                "THEN extract(year FROM d)::int || ' ' || {city} || ' ' || {topic} || ' ' || initcap({top}) "
                "ELSE 'Session ' || i %% 5 || ' of event ' || (i - i %% 5) END || ' ' || i, "
                "CASE WHEN i %% 5 = 0 THEN {top} ELSE {sub} END, NULL, d, 'day', NULL, '', '', {city}, '', '', "
                "{topic}, 'Benchmark filler event.', CASE WHEN i %% 5 = 0 THEN NULL ELSE %(base)s + i - i %% 5 END, "
                "NULL FROM (SELECT i, date '2005-01-01' + ({h} %% 7300)::int AS d "
                "FROM generate_series(0, %(n)s - 1) AS i) AS e"
            ).format(
                t=sql.Identifier(TABLE("event")),
                city=_pick(CITIES, column="(i - i %% 5)", salt=11),
                topic=_pick(TOPICS, column="(i - i %% 5)", salt=12),
                top=_pick(TOP_EVENT_KINDS, salt=13),
                sub=_pick(SUB_EVENT_KINDS, salt=14),
                h=_hash(column="(i - i %% 5)", salt=15),
            ),
            base=base["event"],
            n=n["event"],
        )
        # Four companies and four people per event, one role each (so the unique constraints hold).
        run(
            sql.SQL(
                "INSERT INTO {t} (role, award, company_id, event_id) "
                "SELECT ({roles})[1 + k], '', %(cbase)s + {h} %% %(nc)s, %(ebase)s + i "
                "FROM generate_series(0, %(n)s - 1) AS i, generate_series(0, 3) AS k"
            ).format(
                t=sql.Identifier(TABLE("eventcompany")),
                roles=_array(COMPANY_ROLES),
                h=_hash(column="(i * 8 + k)", salt=16),
            ),
            cbase=base["company"],
            nc=n["company"],
            ebase=base["event"],
            n=n["event"],
        )
        run(
            sql.SQL(
                "INSERT INTO {t} (role, talk_title, position_stated, event_id, person_id) "
                "SELECT ({roles})[1 + k], CASE WHEN k < 2 THEN 'Talk ' || i || '-' || k ELSE '' END, '', "
                "%(ebase)s + i, %(pbase)s + {h} %% %(np)s "
                "FROM generate_series(0, %(n)s - 1) AS i, generate_series(0, 3) AS k"
            ).format(
                t=sql.Identifier(TABLE("eventparticipant")),
                roles=_array(PERSON_ROLES),
                h=_hash(column="(i * 8 + k)", salt=17),
            ),
            pbase=base["person"],
            np=n["person"],
            ebase=base["event"],
            n=n["event"],
        )
        run(
            sql.SQL(
                "INSERT INTO {t} (role, note, company_id, event_id, organizer_id) "
                "SELECT (ARRAY['host', 'co_host'])[1 + k], '', NULL, %(ebase)s + i, "
                "%(obase)s + ({h} %% %(no)s + k) %% %(no)s "
                "FROM generate_series(0, %(n)s - 1, 5) AS i, generate_series(0, 1) AS k"
            ).format(t=sql.Identifier(TABLE("eventorganizer")), h=_hash(salt=18)),
            obase=base["organizer"],
            no=n["organizer"],
            ebase=base["event"],
            n=n["event"],
        )
        run(
            sql.SQL(
                "INSERT INTO {t} (audience, count, qualifier, stated, event_id) "
                "SELECT 'participants', c, 'over', 'over ' || c || ' participants', %(ebase)s + i "
                "FROM (SELECT i, 100 + {h} %% 5000 AS c FROM generate_series(0, %(n)s - 1, 5) AS i) AS a"
            ).format(t=sql.Identifier(TABLE("attendancefigure")), h=_hash(salt=19)),
            ebase=base["event"],
            n=n["event"],
        )
        # The large event: hundreds of distinct companies, people and organisers besides its usual few.
        big = base["event"]
        run(
            f"INSERT INTO {TABLE('eventcompany')} (role, award, company_id, event_id) "
            "SELECT 'awardee', 'Innovation award ' || j, %(cbase)s + j, %(big)s "
            "FROM generate_series(0, %(k)s - 1) AS j",
            cbase=base["company"],
            big=big,
            k=big_n["company"],
        )
        run(
            f"INSERT INTO {TABLE('eventparticipant')} (role, talk_title, position_stated, event_id, person_id) "
            "SELECT 'guest', 'Panel talk ' || j, 'Invited expert', %(big)s, %(pbase)s + j "
            "FROM generate_series(0, %(k)s - 1) AS j",
            pbase=base["person"],
            big=big,
            k=big_n["person"],
        )
        run(
            f"INSERT INTO {TABLE('eventorganizer')} (role, note, company_id, event_id, organizer_id) "
            "SELECT 'supporting', '', NULL, %(big)s, %(obase)s + j "
            "FROM generate_series(0, %(k)s - 1) AS j",
            obase=base["organizer"],
            big=big,
            k=big_n["organizer"],
        )

        log(f"  filler: {n['deal']:,} deals, two parties each")
        # A tenth of the deals have no date; a fifth are undisclosed; three in ten name an event
        # (the first BIG_EVENT_DEALS name the large event); every 50th is a bundle of the next five.
        run(
            sql.SQL(
                "INSERT INTO {t} (id, slug, description, title, kind, date, date_precision, asset, summary, amount, "
                "currency, amount_qualifier, amount_stated, amount_usd, is_undisclosed, project_count, "
                "parent_id, event_id) "
                "SELECT %(base)s + i, 'bench-deal-' || i, '', "
                "initcap(replace(kind, '_', ' ')) || ' deal ' || i || ' on ' || asset, kind, "
                "CASE WHEN h %% 10 = 0 THEN NULL ELSE date '2005-01-01' + (h %% 7300)::int END, "
                "CASE WHEN h %% 10 = 0 THEN '' ELSE 'day' END, asset, 'Benchmark filler deal.', "
                "CASE WHEN h %% 5 IN (1, 2, 3) THEN (h %% 100000) * 10000.00 END, "
                "CASE WHEN h %% 5 IN (1, 2, 3) THEN (ARRAY['CNY', 'USD', 'EUR'])[1 + h %% 3] ELSE '' END, "
                "CASE WHEN h %% 5 IN (1, 2, 3) THEN 'exact' ELSE '' END, "
                "CASE WHEN h %% 5 IN (1, 2, 3) THEN (h %% 100000) * 10000 || ' ' "
                "|| (ARRAY['yuan', 'US dollars', 'euros'])[1 + h %% 3] ELSE '' END, "
                "NULL, h %% 5 = 4, CASE WHEN kind = 'bundle' THEN 5 END, "
                "CASE WHEN i %% 50 BETWEEN 1 AND 5 THEN %(base)s + i - i %% 50 END, "
                "CASE WHEN i < %(bigdeals)s THEN %(big)s WHEN h %% 10 < 3 THEN %(ebase)s + h %% %(ne)s END "
                "FROM (SELECT i, {h} AS h, CASE WHEN i %% 50 = 0 THEN 'bundle' ELSE {kind} END AS kind, "
                "'BX-' || ({h2} %% 9000 + 1000) AS asset FROM generate_series(0, %(n)s - 1) AS i) AS d"
            ).format(
                t=sql.Identifier(TABLE("deal")),
                h=_hash(salt=20),
                h2=_hash(salt=21),
                kind=_pick(DEAL_KINDS, salt=22),
            ),
            base=base["deal"],
            n=n["deal"],
            ebase=base["event"],
            ne=n["event"],
            big=big,
            bigdeals=big_n["deal"],
        )
        run(
            sql.SQL(
                "INSERT INTO {t} (role, company_id, deal_id, organizer_id) "
                "SELECT CASE WHEN d.kind = 'licensing' THEN (ARRAY['licensor', 'licensee'])[1 + k] "
                "ELSE (ARRAY['partner', 'signatory'])[1 + k] END, "
                "%(cbase)s + ({h} %% %(nc)s + k * (1 + {h2} %% greatest(%(nc)s - 1, 1))) %% %(nc)s, d.id, NULL "
                "FROM generate_series(0, %(n)s - 1) AS i JOIN {deal} AS d ON d.id = %(base)s + i, "
                "generate_series(0, 1) AS k"
            ).format(
                t=sql.Identifier(TABLE("dealparty")),
                deal=sql.Identifier(TABLE("deal")),
                h=_hash(salt=23),
                h2=_hash(salt=24),
            ),
            cbase=base["company"],
            nc=n["company"],
            base=base["deal"],
            n=n["deal"],
        )

        log("  filler: citations")
        for target, table, step in (("deal_id", "deal", 4), ("event_id", "event", 1), ("company_id", "company", 4)):
            run(
                sql.SQL(
                    "INSERT INTO {t} (quote, note, source_id, {target}) "
                    "SELECT %(quote)s, '', %(source)s, %(base)s + i FROM generate_series(0, %(n)s - 1, %(step)s) AS i"
                ).format(t=sql.Identifier(TABLE("citation")), target=sql.Identifier(target)),
                quote=QUOTE,
                source=source_id,
                base=base[table],
                n=n[table],
                step=step,
            )

        for table in ("company", "person", "organizer", "event", "deal"):
            _sync_sequence(cur, table)
        for table in ("alias", "eventcompany", "eventparticipant", "eventorganizer", "attendancefigure"):
            _sync_sequence(cur, table)
        for table in ("dealparty", "citation"):
            _sync_sequence(cur, table)
    return n
