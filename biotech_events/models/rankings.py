"""Science parks and zones, the reports released at events, and the competitiveness rankings in them."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Upper
from simple_history.models import HistoricalRecords

from ..choices import ParkKind, RankingCategory
from .base import NaturalKeyModel, SluggedModel, Versioned, country_code_constraint, country_code_validator


class Park(Versioned, SluggedModel):
    """A high-tech zone, industrial park, demonstration zone or similar area."""

    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=30, choices=ParkKind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sub_parks",
        help_text="The larger zone this park lies in, where a source says so.",
    )
    administered_by = models.ForeignKey(
        "biotech_events.Organizer", on_delete=models.SET_NULL, null=True, blank=True, related_name="parks"
    )
    city = models.CharField(max_length=100, blank=True)
    district = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=2, blank=True, default="CN", validators=[country_code_validator])

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["name"]), models.Index(Upper("city"), name="park_city_upper")]
        constraints = [country_code_constraint("country", "park_country_iso")]


class Report(Versioned, SluggedModel):
    """A report released at an event, such as the one a park ranking appears in."""

    title = models.CharField(max_length=300)
    year = models.PositiveSmallIntegerField(null=True, blank=True, help_text="The year in the report's title.")
    publisher = models.ForeignKey(
        "biotech_events.Organizer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        help_text="The body that edited or published it.",
    )
    released_at = models.ForeignKey(
        "biotech_events.Event", on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )

    history = HistoricalRecords()

    display_field = "title"

    class Meta:
        ordering = ["-year", "title"]


class RankingList(Versioned, SluggedModel):
    """One ranking, stored once: its name, year ranked, category, report, publisher and release event."""

    name = models.CharField(max_length=300)
    year = models.PositiveSmallIntegerField(help_text="The year ranked, e.g. 2022 for “the 2022 ... Ranking”.")
    category = models.CharField(max_length=20, choices=RankingCategory.choices)
    dimension = models.CharField(max_length=200, blank=True, help_text="For individual rankings: the dimension ranked.")
    report = models.ForeignKey(Report, on_delete=models.SET_NULL, null=True, blank=True, related_name="rankings")
    publisher = models.ForeignKey(
        "biotech_events.Organizer", on_delete=models.SET_NULL, null=True, blank=True, related_name="rankings"
    )
    released_at = models.ForeignKey(
        "biotech_events.Event", on_delete=models.SET_NULL, null=True, blank=True, related_name="rankings"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = "ranking"
        indexes = [models.Index(fields=["year", "category"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__gte=1900, year__lte=2100),
                name="ranking_year_plausible",
                violation_error_message="year must be between 1900 and 2100.",
            ),
        ]


class ParkRanking(Versioned, NaturalKeyModel):
    """A park's entry in a ranking; the rank stays empty when the source lists parks without positions."""

    version_owners = ("ranking",)  # shown and written as part of it

    natural_key_fields = ("ranking", "park")

    ranking = models.ForeignKey(RankingList, on_delete=models.CASCADE, related_name="entries")
    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="rankings")
    rank = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MinValueValidator(1)])
    rank_stated = models.CharField(max_length=200, blank=True, help_text="The placing as the source words it.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["ranking", "rank", "park"]
        verbose_name = "park ranking"
        constraints = [
            models.UniqueConstraint(
                fields=["ranking", "park"],
                name="park_ranking_unique_park",
                violation_error_message="This park is already in the ranking.",
            ),
            models.CheckConstraint(
                condition=models.Q(rank__isnull=True) | models.Q(rank__gte=1),
                name="park_ranking_rank_positive",
                violation_error_message="rank starts at 1.",
            ),
        ]

    def __str__(self):
        place = f"#{self.rank}" if self.rank else "unranked"
        return f"{self.park} {place} in {self.ranking}"
