"""The demo data generator: counts and proportions, valid relations, reproducibility, and a clear that
spares the curated records."""

from collections import Counter
from datetime import date

import pytest
from django.db import transaction

from biotech_events.choices import DealKind
from biotech_events.models import (
    ALIAS_TARGET_FIELDS,
    Affiliation,
    Alias,
    Citation,
    Company,
    Deal,
    DealParty,
    Event,
    EventCompany,
    EventOrganizer,
    Organizer,
    Park,
    Person,
    RankingList,
    SourceDocument,
)
from biotech_events.services.demo_data import (
    DEMO_SOURCE_KEY,
    GENERATED_MODELS,
    LABELS,
    SCALE_1_COUNTS,
    TOP_LEVEL_EVENT_SHARE,
    DemoDataError,
    check_demo_data,
    clear_demo_data,
    demo_data_present,
    demo_records,
    generate_demo_data,
    plan_counts,
)
from tests.conftest import snapshot

pytestmark = pytest.mark.django_db

SCALE, SEED = 0.005, 7
PLANNED = {
    Organizer: "organizers",
    Company: "companies",
    Person: "people",
    Park: "parks",
    Event: "events",
    RankingList: "ranking lists",
    Deal: "deals",
}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, seed_rows):
    """Demo data at SCALE, generated once per module in a transaction rolled back after it.

    Each test's own transaction nests inside, so a test that clears or regenerates sees its changes
    undone when it ends. `seed_rows` first: the generated ids must come after the seeds' ones, which
    some tests here restore beside them (see tests/conftest.py).
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield generate_demo_data(scale=SCALE, seed=SEED)
        transaction.set_rollback(True)


def fingerprint():
    """Every generated row, field by field, with ids replaced by positions among the generated rows."""
    positions = {
        model: {pk: n for n, pk in enumerate(demo_records(model=model).order_by("pk").values_list("pk", flat=True))}
        for model in GENERATED_MODELS
    }
    rows = {}
    for model in GENERATED_MODELS:
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        rows[model._meta.label] = [
            tuple(
                positions[f.related_model].get(value, ("not generated", value))
                if f.is_relation and value is not None
                else value
                for f, value in zip(fields, values, strict=True)
            )
            for values in demo_records(model=model).order_by("pk").values_list(*[f.attname for f in fields])
        ]
    return rows


def one_edit_apart(a, b):
    """True when b is a with one letter changed, dropped or added."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = sorted((a, b), key=len)
    return any(long[:k] + long[k + 1 :] == short for k in range(len(long)))


# --- counts and proportions ---


def test_counts_scale_linearly_and_never_round_to_nothing():
    assert plan_counts(scale=1) == SCALE_1_COUNTS
    assert plan_counts(scale=0.01) == {label: count // 100 for label, count in SCALE_1_COUNTS.items()}
    assert set(plan_counts(scale=1e-9).values()) == {1}
    with pytest.raises(DemoDataError):
        plan_counts(scale=0)


def test_the_records_counted_directly_match_the_plan(demo):
    planned = plan_counts(scale=SCALE)
    for model, label in PLANNED.items():
        assert demo_records(model=model).count() == planned[label] == demo.rows[label], label
    for model in GENERATED_MODELS:
        assert demo_records(model=model).count() == demo.rows[LABELS[model]], model._meta.label
    assert demo.total == sum(demo.rows.values())


def test_the_proportions_are_those_of_scale_one(demo):
    deals, events = plan_counts(scale=SCALE)["deals"], plan_counts(scale=SCALE)["events"]
    parties = demo_records(model=DealParty)
    assert 2.3 <= parties.count() / deals <= 2.7
    assert parties.filter(organizer=None).count() > 0.6 * parties.count()  # companies mostly
    assert parties.filter(company=None).count() > 0.05 * parties.count()  # organisers sometimes
    sub_events = demo_records(model=Event).exclude(parent=None).count()
    assert sub_events == events - round(events * TOP_LEVEL_EVENT_SHARE)
    assert demo_records(model=EventOrganizer).filter(organizer=None).exists()  # co-hosting companies too
    assert demo_records(model=Deal).filter(kind=DealKind.BUNDLE).exists()
    assert demo_records(model=Deal).exclude(parent=None).exists()
    for model in (Organizer, Company, Person, Park):
        with_aliases = demo_records(model=model).filter(aliases__isnull=False).distinct().count()
        assert 0.25 <= with_aliases / demo_records(model=model).count() <= 0.8, model._meta.label


def test_some_aliases_are_one_letter_misspellings(demo):
    aliases = demo_records(model=Alias).select_related(*ALIAS_TARGET_FIELDS)
    typos = [alias for alias in aliases if one_edit_apart(str(getattr(alias, alias_target(alias))), alias.name)]
    assert len(typos) > 0.1 * len(aliases)
    assert {alias_target(alias) for alias in typos} == set(ALIAS_TARGET_FIELDS)


def alias_target(alias):
    return next(field for field in ALIAS_TARGET_FIELDS if getattr(alias, f"{field}_id") is not None)


def test_dates_amounts_and_currencies_are_plausible(demo):
    deals = demo_records(model=Deal)
    for model, field in ((Event, "start_date"), (Event, "end_date"), (Deal, "date")):
        dated = demo_records(model=model).exclude(**{field: None})
        assert not demo_records(model=model).filter(**{field: None}).exclude(**{f"{field}_precision": ""}).exists()
        assert not dated.filter(**{f"{field}_precision": ""}).exists()
        assert not dated.filter(**{f"{field}__lt": date(2015, 1, 1)}).exists()
        assert not dated.filter(**{f"{field}__gt": date(2025, 12, 31)}).exists()
    years = set(demo_records(model=Event).values_list("start_date__year", flat=True))
    assert years == set(range(2015, 2026))
    assert set(demo_records(model=Event).values_list("start_date_precision", flat=True)) == {"day", "month", "year"}
    assert not demo_records(model=Event).filter(start_date_precision="month", start_date__day__gt=1).exists()
    with_amount = deals.exclude(amount=None)
    currencies = Counter(with_amount.values_list("currency", flat=True))
    assert sum(currencies[code] for code in ("CNY", "USD", "EUR")) > 0.95 * with_amount.count()
    assert currencies.most_common(1)[0][0] == "CNY"
    assert not with_amount.filter(amount_stated="").exists()
    assert not with_amount.filter(amount_qualifier="").exists()
    assert deals.filter(is_undisclosed=True, amount=None).exists()
    assert deals.filter(is_undisclosed=False, amount=None).exists()
    assert deals.filter(currency="CNY").exclude(amount_usd=None).exists()  # "... yuan ($... million)"
    assert not deals.exclude(parent=None).exclude(amount=None).exists()  # no invented project amounts
    for bundle in deals.filter(kind=DealKind.BUNDLE):
        assert bundle.project_count >= bundle.children.count() > 0


# --- relations ---


def test_every_foreign_key_resolves(demo):
    for model in GENERATED_MODELS:
        for field in model._meta.concrete_fields:
            if not field.is_relation:
                continue
            dangling = (
                demo_records(model=model)
                .exclude(**{field.attname: None})
                .exclude(**{f"{field.attname}__in": field.related_model._base_manager.values("pk")})
            )
            assert not dangling.exists(), f"{model._meta.label}.{field.name}"


def test_exactly_one_rules_hold(demo):
    for model, fields in (
        (DealParty, ("company", "organizer")),
        (EventOrganizer, ("organizer", "company")),
        (Affiliation, ("organizer", "company")),
        (Alias, ALIAS_TARGET_FIELDS),
        (Citation, [f.name for f in Citation._meta.concrete_fields if f.is_relation and f.name != "source"]),
    ):
        for row in demo_records(model=model).values(*[f"{field}_id" for field in fields]):
            assert sum(value is not None for value in row.values()) == 1, (model._meta.label, row)


def test_role_links_are_unique(demo):
    parties = list(demo_records(model=DealParty).values_list("deal", "company", "organizer", "role"))
    assert len(parties) == len(set(parties))
    hosts = list(demo_records(model=EventOrganizer).values_list("event", "organizer", "company", "role"))
    assert len(hosts) == len(set(hosts))
    assert not demo_records(model=EventCompany).filter(role="awardee", award="").exists()


def test_every_generated_record_is_cited_verbatim(demo):
    source = SourceDocument.objects.get(key=DEMO_SOURCE_KEY)
    citations = demo_records(model=Citation)
    assert set(citations.values_list("source", flat=True)) == {source.pk}
    assert [quote for quote in set(citations.values_list("quote", flat=True)) if quote not in source.text] == []
    for model in (Event, Organizer, Company, Person, Park, Deal, RankingList):
        assert not demo_records(model=model).filter(citations__isnull=True).exists(), model._meta.label


def test_a_sample_of_each_model_passes_full_clean(demo):
    for model in GENERATED_MODELS:
        records = demo_records(model=model).order_by("pk")
        for record in [*records[:3], *records.reverse()[:3]]:
            record.full_clean()


def test_the_post_generation_checks_pass_and_catch_a_broken_rule(demo):
    assert check_demo_data() == []
    demo_records(model=Citation).filter(pk=demo_records(model=Citation).first().pk).update(quote="Not in the article.")
    assert any("quotes are not in" in problem for problem in check_demo_data())


def test_generated_records_have_no_history(demo):
    assert not Deal.history.filter(slug__startswith="demo-").exists()
    assert not DealParty.history.filter(deal__slug__startswith="demo-").exists()


def test_the_writing_order_puts_every_referenced_table_first():
    position = {model: n for n, model in enumerate(GENERATED_MODELS)}
    for model in GENERATED_MODELS:
        for field in model._meta.concrete_fields:
            target = field.related_model if field.is_relation else None
            if target in position and target is not model:
                assert position[target] < position[model], f"{model._meta.label}.{field.name}"


# --- reproducibility ---


def test_the_same_seed_gives_the_same_records_and_another_seed_others(demo):
    clear_demo_data()
    generate_demo_data(scale=0.001, seed=5)
    first = fingerprint()
    clear_demo_data()
    generate_demo_data(scale=0.001, seed=5)
    assert fingerprint() == first
    clear_demo_data()
    generate_demo_data(scale=0.001, seed=6)
    other = fingerprint()
    assert {label: len(rows) for label, rows in other.items()}.keys() == first.keys()
    assert other[Deal._meta.label] != first[Deal._meta.label]
    assert set(demo_records(model=Company).values_list("name", flat=True)) != {
        row[2] for row in first[Company._meta.label]
    }


def test_generating_twice_refuses_unless_replacing(demo):
    with pytest.raises(DemoDataError, match="--clear"):
        generate_demo_data(scale=SCALE, seed=SEED)
    report = generate_demo_data(scale=0.001, seed=1, replace=True)
    assert report.cleared[LABELS[Deal]] == plan_counts(scale=SCALE)["deals"]
    assert demo_records(model=Deal).count() == plan_counts(scale=0.001)["deals"]


# --- clearing ---


def test_clear_removes_only_the_generated_records(seeded, demo):
    clear_demo_data()  # whatever an earlier test of this worker left in the module's transaction
    curated = snapshot()
    assert sum(len(rows) for rows in curated.values()) > 100
    report = generate_demo_data(scale=0.001, seed=1)
    assert demo_data_present()
    deleted = clear_demo_data()
    assert deleted == {label: rows for label, rows in reversed(report.rows.items())}
    assert not demo_data_present()
    assert snapshot() == curated


def test_clear_refuses_while_curated_records_refer_to_generated_ones(seeded, demo):
    """Even a reference that a delete would empty (SET_NULL) stops the clear: curated rows stay as they are."""
    event = demo_records(model=Event).first()
    deal = Deal.objects.create(slug="curated-deal", title="A curated deal", kind="cooperation", event=event)
    before = Deal.objects.values_list("event", "version").get(pk=deal.pk)
    counts = {model: model.objects.count() for model in GENERATED_MODELS}
    with pytest.raises(
        DemoDataError, match=r"1 deals outside it refer to generated events \(biotech_events.Deal.event\)"
    ):
        clear_demo_data()
    assert {model: model.objects.count() for model in GENERATED_MODELS} == counts
    assert before[0] == event.pk
    assert Deal.objects.values_list("event", "version").get(pk=deal.pk) == before

    DealParty.objects.create(deal=deal, company=demo_records(model=Company).first(), role="partner")
    Deal.objects.filter(pk=deal.pk).update(event=None)
    counts = {model: model.objects.count() for model in GENERATED_MODELS}
    with pytest.raises(DemoDataError, match="deal parties outside it refer to generated companies"):
        clear_demo_data()
    assert {model: model.objects.count() for model in GENERATED_MODELS} == counts

    deal.parties.all().delete()
    clear_demo_data()
    assert not demo_data_present()
    assert Deal.objects.filter(pk=deal.pk).exists()


def test_the_first_top_level_event_is_a_flagship_congress(demo):
    """The large event the benchmark's detail and admin scenarios measure: hundreds of role links."""
    from django.db.models import Count

    tops = demo_records(model=Event).filter(parent=None).order_by("pk")
    tops = tops.annotate(people=Count("participants", distinct=True), firms=Count("companies", distinct=True))
    flagship, *others = tops
    assert flagship.people >= 100
    assert flagship.firms >= 150
    assert flagship.attendance.exists()
    assert max(event.people + event.firms for event in others) < 30, "one flagship at this scale"
