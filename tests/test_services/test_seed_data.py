"""The curated catalogue as loaded: provenance, honesty rules, and a seeded database kept intact on failure."""

from decimal import Decimal

import pytest
from django.conf import settings

from biotech_events.models import CITATION_TARGET_FIELDS, Alias, Citation, Deal, SourceDocument
from biotech_events.services.seeds import SeedLoadError, load_seeds
from tests.conftest import snapshot

pytestmark = pytest.mark.django_db

SHARED_SEEDS = settings.BASE_DIR.parent / "shared" / "seeds"
SEED_NAMES = [
    "000_bde207d968dfe5fb.txt",
    "001_143ceafe5e89d5e3.txt",
    "002_9212128225b43c4f.txt",
    "003_90b39c19f8d6c4fe.txt",
    "004_e9276433cce5463e.txt",
]


def seed_texts():
    return {name: (settings.SEEDS_DIR / name).read_bytes().decode("utf-8") for name in SEED_NAMES}


def test_the_seed_articles_are_the_five_shared_files_byte_for_byte():
    assert sorted(p.name for p in settings.SEEDS_DIR.glob("*.txt")) == SEED_NAMES
    if not SHARED_SEEDS.is_dir():
        pytest.skip(f"{SHARED_SEEDS} is not beside this checkout")
    for name in SEED_NAMES:
        assert (settings.SEEDS_DIR / name).read_bytes() == (SHARED_SEEDS / name).read_bytes(), name


def test_every_source_is_registered_with_its_verbatim_text(seeded):
    texts = seed_texts()
    assert {s.key: s.text for s in SourceDocument.objects.all()} == texts


def test_every_citation_quote_occurs_verbatim_in_its_seed_file(seeded):
    texts = seed_texts()
    citations = list(Citation.objects.select_related("source"))
    assert len(citations) > 150
    assert [f"{c.source.key}: {c.quote!r}" for c in citations if c.quote not in texts[c.source.key]] == []


def test_every_curated_record_carries_a_citation(seeded):
    uncited = []
    for field in CITATION_TARGET_FIELDS:
        model = Citation._meta.get_field(field).related_model
        uncited += [f"{model._meta.label} {row.natural_key()}" for row in model.objects.filter(citations__isnull=True)]
    assert uncited == []


def test_every_alias_occurs_in_the_article_it_was_seen_in(seeded):
    texts = seed_texts()
    aliases = list(Alias.objects.select_related("source"))
    assert aliases
    assert [a.name for a in aliases if a.source is None or a.name not in texts[a.source.key]] == []


def test_stated_amounts_keep_their_wording(seeded):
    for deal in Deal.objects.exclude(amount=None):
        assert deal.amount_stated, f"{deal.slug} has an amount but not its wording"
        assert deal.amount_qualifier, f"{deal.slug} has an amount but no qualifier"


def test_projects_in_a_bundle_carry_no_invented_amounts(seeded):
    bundles = Deal.objects.filter(kind="bundle")
    assert bundles.exists()
    for bundle in bundles:
        assert bundle.children.exists(), bundle.slug
        assert not bundle.children.exclude(amount=None).exists(), bundle.slug
        assert bundle.project_count is None or bundle.children.count() <= bundle.project_count


def test_the_beijing_bundle_keeps_the_stated_total_and_its_dollar_figure(seeded):
    bundle = Deal.objects.get(kind="bundle", currency="CNY")
    assert (bundle.amount, bundle.amount_qualifier, bundle.amount_usd) == (
        Decimal("3000000000"),
        "nearly",
        Decimal("464000000"),
    )
    assert "nearly 3 billion yuan ($464 million)" in bundle.amount_stated
    assert bundle.project_count == 18


@pytest.mark.parametrize(
    "record",
    [
        "- model: biotech_events.citation\n  fields:\n    source: [000_bde207d968dfe5fb.txt]\n"
        "    quote: Roche bought Chengdu\n    company: [roche]\n",
        "- model: biotech_events.company\n  fields: {slug: astrazeneca, name: AstraZeneca, kind: spaceship}\n",
    ],
    ids=["bad quote", "bad update of an existing record"],
)
def test_a_failed_load_leaves_a_seeded_database_exactly_as_it_was(seeded, tmp_path, record):
    before = snapshot()
    fixtures = tmp_path / "fixtures"
    fixtures.mkdir()
    (fixtures / "shared.yaml").write_text((settings.FIXTURES_DIR / "shared.yaml").read_text(encoding="utf-8") + record)
    with pytest.raises(SeedLoadError, match=r"^shared\.yaml, record \d+"):
        load_seeds(fixtures_dir=fixtures)
    assert snapshot() == before
