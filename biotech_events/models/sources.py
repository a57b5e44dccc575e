"""Provenance: the source articles, verbatim citations from them, and the aliases they spell."""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from ..choices import AliasKind, DatePrecision, Language
from .base import (
    NaturalKeyManager,
    NaturalKeyModel,
    Versioned,
    date_precision_constraint,
    exactly_one_of,
    require_one_of,
)


class SourceDocument(Versioned, NaturalKeyModel):
    """A news article the catalogue's facts are drawn from, stored verbatim."""

    natural_key_fields = ("key",)

    key = models.CharField(
        max_length=120,
        unique=True,
        help_text="The seed file name, e.g. 000_bde207d968dfe5fb.txt.",
    )
    title = models.CharField(max_length=300)
    outlet = models.CharField(max_length=200, blank=True)
    author = models.CharField(max_length=200, blank=True, help_text="Left empty when the article names none.")
    url = models.URLField(max_length=500, blank=True)
    published_on = models.DateField(null=True, blank=True)
    published_on_precision = models.CharField(max_length=5, choices=DatePrecision.choices, blank=True)
    language = models.CharField(max_length=5, choices=Language.choices, default=Language.ENGLISH)
    text = models.TextField(
        blank=True,
        help_text=(
            "The article exactly as published. Left empty in fixtures: it is read from the seed file of the same key."
        ),
    )
    sha256 = models.CharField(max_length=64, editable=False, blank=True)
    notes = models.TextField(blank=True, help_text="How the metadata was derived, where it is not stated outright.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["key"]
        verbose_name = "source article"
        constraints = [date_precision_constraint("published_on", "source_published_on_precision")]

    def __str__(self):
        return f"{self.key}: {self.title}"

    def prepare_text(self):
        """Read a registered seed article's text from its file when none is given; checksum it."""
        if not self.text:
            seed_file = settings.SEEDS_DIR / self.key
            if seed_file.is_file():
                self.text = seed_file.read_bytes().decode("utf-8")  # bytes: no newline translation
        self.sha256 = hashlib.sha256(self.text.encode()).hexdigest()

    def clean(self):
        super().clean()
        self.prepare_text()
        if not self.text:
            raise ValidationError({"text": f"No text given and no seed file named {self.key}."})

    def contains(self, passage):
        return bool(passage) and passage in self.text


def _target(model_name, related_name="citations"):
    """An optional link to one kind of record; a CHECK constraint requires exactly one per row."""
    return models.ForeignKey(
        f"biotech_events.{model_name}", on_delete=models.CASCADE, null=True, blank=True, related_name=related_name
    )


# Every kind of record a citation can support: one optional foreign key each on Citation.
CITATION_TARGET_FIELDS = (
    "event",
    "organizer",
    "company",
    "person",
    "park",
    "deal",
    "report",
    "ranking",
    "park_ranking",
    "event_organizer",
    "event_participant",
    "event_company",
    "attendance",
    "deal_party",
    "affiliation",
    "honour",
)


class CitationManager(NaturalKeyManager):
    def get_by_natural_key(self, source_key, quote, target_field, *target_key):
        if target_field not in CITATION_TARGET_FIELDS:
            raise self.model.DoesNotExist(f"Citations cannot point at {target_field!r}")
        target_model = self.model._meta.get_field(target_field).related_model
        target = target_model.objects.get_by_natural_key(*target_key)
        return self.get(source__key=source_key, quote=quote, **{target_field: target})


class Citation(Versioned):
    """A verbatim quote from a source article supporting exactly one curated record."""

    version_owners = CITATION_TARGET_FIELDS  # shown and written as part of it

    source = models.ForeignKey(SourceDocument, on_delete=models.PROTECT, related_name="citations")
    quote = models.TextField(help_text="Copied verbatim from the source article: it must occur in its text.")
    note = models.TextField(blank=True, help_text="Curator's reading of the quote, e.g. how a garble was resolved.")
    # The one record it supports (exactly one is set: see Meta.constraints).
    event = _target("Event")
    organizer = _target("Organizer")
    company = _target("Company")
    person = _target("Person")
    park = _target("Park")
    deal = _target("Deal")
    report = _target("Report")
    ranking = _target("RankingList")
    park_ranking = _target("ParkRanking")
    event_organizer = _target("EventOrganizer")
    event_participant = _target("EventParticipant")
    event_company = _target("EventCompany")
    attendance = _target("AttendanceFigure")
    deal_party = _target("DealParty")
    affiliation = _target("Affiliation")
    honour = _target("Honour")

    objects = CitationManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["source", "id"]
        constraints = [
            exactly_one_of(
                *CITATION_TARGET_FIELDS,
                name="citation_exactly_one_target",
                message="A citation supports exactly one record.",
            ),
            models.CheckConstraint(
                condition=~models.Q(quote=""),
                name="citation_quote_not_empty",
                violation_error_message="quote is empty.",
            ),
        ]

    def __str__(self):
        excerpt = self.quote if len(self.quote) <= 60 else self.quote[:57] + "..."
        return f"{self.source.key}: “{excerpt}”"

    @property
    def target_field(self):
        return next((field for field in CITATION_TARGET_FIELDS if getattr(self, f"{field}_id") is not None), None)

    @property
    def target(self):
        return getattr(self, self.target_field) if self.target_field else None

    def natural_key(self):
        return (self.source.key, self.quote, self.target_field, *self.target.natural_key())

    natural_key.dependencies = ["biotech_events.sourcedocument"]

    def validate_quote(self):
        if self.source_id is None:
            return
        if not self.source.contains(self.quote):
            raise ValidationError(
                {"quote": f"The quote does not occur verbatim in source {self.source.key}: “{self.quote[:80]}”."}
            )

    def clean(self):
        super().clean()
        require_one_of(self, CITATION_TARGET_FIELDS, "Choose exactly one record this citation supports.")
        self.validate_quote()


# Every kind of record that carries aliases: one optional foreign key each on Alias.
ALIAS_TARGET_FIELDS = ("organizer", "company", "person", "park")


class Alias(Versioned, NaturalKeyModel):
    """Another name a record goes by: a spelling, word order, abbreviation or translation seen in a source."""

    version_owners = ALIAS_TARGET_FIELDS  # shown and written as part of it

    natural_key_fields = (*ALIAS_TARGET_FIELDS, "name")

    name = models.CharField(max_length=300, db_index=True)
    kind = models.CharField(max_length=20, choices=AliasKind.choices, default=AliasKind.SPELLING)
    source = models.ForeignKey(
        SourceDocument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="aliases",
        help_text="The article this spelling was seen in; the name must then occur in it verbatim.",
    )
    # The one record it names (exactly one is set: see Meta.constraints).
    organizer = _target("Organizer", related_name="aliases")
    company = _target("Company", related_name="aliases")
    person = _target("Person", related_name="aliases")
    park = _target("Park", related_name="aliases")

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "aliases"
        constraints = [
            exactly_one_of(
                *ALIAS_TARGET_FIELDS, name="alias_exactly_one_target", message="An alias names exactly one record."
            ),
            *(
                models.UniqueConstraint(
                    fields=[field, "name"],
                    name=f"alias_unique_{field}_name",
                    violation_error_message=f"This {field} already has that alias.",
                )
                for field in ALIAS_TARGET_FIELDS
            ),
        ]

    def __str__(self):
        return self.name

    def validate_name(self):
        if self.source_id is not None and not self.source.contains(self.name):
            raise ValidationError({"name": f"“{self.name}” does not occur verbatim in source {self.source.key}."})

    def clean(self):
        super().clean()
        require_one_of(self, ALIAS_TARGET_FIELDS, "Choose exactly one record this alias names.")
        self.validate_name()
