"""The bodies that organise events and the businesses that take part in them."""

from django.db import models
from django.db.models.functions import Upper
from simple_history.models import HistoricalRecords

from ..choices import CompanyKind, OrganizerKind
from .base import SluggedModel, Versioned, country_code_constraint, country_code_validator


class Organizer(Versioned, SluggedModel):
    """A public or non-profit institution: government body, agency, centre, association, university, hospital..."""

    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=30, choices=OrganizerKind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        help_text="The body this one belongs to, e.g. an institute's academy or a hospital's university.",
    )
    city = models.CharField(max_length=100, blank=True)
    country = models.CharField(
        max_length=2, blank=True, validators=[country_code_validator], help_text="ISO 3166-1 alpha-2 code, e.g. CN."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["name"]), models.Index(fields=["kind"])]
        constraints = [country_code_constraint("country", "organizer_country_iso")]


class Company(Versioned, SluggedModel):
    """A business: pharma, biotech, devices, CRO/CDMO, diagnostics, investment firm, publisher..."""

    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=30, choices=CompanyKind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="subsidiaries",
        help_text="The group this company belongs to, where a source says so.",
    )
    hq_city = models.CharField("headquarters city", max_length=100, blank=True)
    hq_country = models.CharField(
        "headquarters country",
        max_length=2,
        blank=True,
        validators=[country_code_validator],
        help_text="ISO 3166-1 alpha-2 code, e.g. CN.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "companies"
        indexes = [
            models.Index(fields=["name"]),
            models.Index(fields=["kind", "name"], name="company_kind_name"),  # ?kind= in the default order
            models.Index(Upper("hq_city"), name="company_hq_city_upper"),
        ]
        constraints = [country_code_constraint("hq_country", "company_hq_country_iso")]
