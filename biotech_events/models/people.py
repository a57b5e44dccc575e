"""People, their honours, and the organisations they work for."""

from django.db import models
from simple_history.models import HistoricalRecords

from ..choices import HonourKind, NameOrder
from .base import NaturalKeyModel, SluggedModel, Versioned, exactly_one_of, require_one_of


class Person(Versioned, SluggedModel):
    """One person, however the sources order or capitalise the name (the other spellings are aliases)."""

    name = models.CharField("display name", max_length=200, help_text="As commonly written in English.")
    family_name = models.CharField(max_length=100, blank=True)
    given_name = models.CharField(max_length=100, blank=True)
    name_zh = models.CharField("Chinese name", max_length=50, blank=True, help_text="Only where a source gives it.")
    name_order = models.CharField(max_length=12, choices=NameOrder.choices, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"
        indexes = [models.Index(fields=["name"]), models.Index(fields=["family_name", "given_name"])]


class Honour(Versioned, NaturalKeyModel):
    """A distinction a source attributes to a person: academy membership, fellowship, prize."""

    version_owners = ("person",)  # shown and written as part of it

    natural_key_fields = ("person", "kind", "title")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="honours")
    kind = models.CharField(max_length=20, choices=HonourKind.choices)
    title = models.CharField(max_length=200, help_text="As the source states it, e.g. “academician of the CAS Member”.")
    awarded_by = models.ForeignKey(
        "biotech_events.Organizer", on_delete=models.SET_NULL, null=True, blank=True, related_name="honours_awarded"
    )
    field = models.CharField(max_length=100, blank=True, help_text="e.g. Physiology or Medicine.")
    year = models.PositiveSmallIntegerField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["person", "year", "title", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "title"],
                name="honour_unique_per_person",
                violation_error_message="This person already has this honour.",
            ),
            models.CheckConstraint(
                condition=models.Q(year__isnull=True) | models.Q(year__gte=1800, year__lte=2100),
                name="honour_year_plausible",
                violation_error_message="year must be between 1800 and 2100.",
            ),
        ]

    def __str__(self):
        return f"{self.person}: {self.title}"


class Affiliation(Versioned, NaturalKeyModel):
    """A person's position at a company or an institution, as a source states it."""

    version_owners = ("person",)  # shown and written as part of it

    natural_key_fields = ("person", "organizer", "company", "position")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="affiliations")
    organizer = models.ForeignKey(
        "biotech_events.Organizer", on_delete=models.CASCADE, null=True, blank=True, related_name="affiliations"
    )
    company = models.ForeignKey(
        "biotech_events.Company", on_delete=models.CASCADE, null=True, blank=True, related_name="affiliations"
    )
    position = models.CharField(max_length=300, blank=True, help_text="As stated, e.g. “Chairman”.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["person", "position", "id"]
        constraints = [
            exactly_one_of(
                "organizer",
                "company",
                name="affiliation_exactly_one_employer",
                message="Choose a company or an organizer, not both.",
            ),
            *(
                models.UniqueConstraint(
                    fields=["person", employer, "position"],
                    condition=models.Q(**{f"{employer}__isnull": False}),
                    name=f"affiliation_unique_{employer}",
                    violation_error_message="This affiliation is already recorded.",
                )
                for employer in ("organizer", "company")
            ),
        ]

    def __str__(self):
        employer = self.organizer or self.company
        return f"{self.person}, {self.position} at {employer}" if self.position else f"{self.person} at {employer}"

    def clean(self):
        super().clean()
        require_one_of(self, ("organizer", "company"), "Choose a company or an organizer, not both.")
