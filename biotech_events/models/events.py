"""Events, their sub-events, and who organised and took part in them."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Upper
from simple_history.models import HistoricalRecords

from ..choices import AmountQualifier, CompanyRole, DatePrecision, EventKind, HostRole, PersonRole
from .base import (
    NaturalKeyModel,
    SluggedModel,
    Versioned,
    check_date_precision,
    date_precision_constraint,
    exactly_one_of,
    format_partial_date,
    require_one_of,
)


class Event(Versioned, SluggedModel):
    """A conference, forum, week, or one of their sessions, side meetings and ceremonies."""

    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sub_events",
        help_text="The main event a branch forum, panel, side meeting or supporting activity belongs to.",
    )
    edition = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Ordinal of a recurring event, e.g. 2 for “the second”.",
    )
    start_date = models.DateField(null=True, blank=True)
    start_date_precision = models.CharField(max_length=5, choices=DatePrecision.choices, blank=True)
    end_date = models.DateField(null=True, blank=True)
    end_date_precision = models.CharField(max_length=5, choices=DatePrecision.choices, blank=True)
    date_stated = models.CharField(
        max_length=200, blank=True, help_text="The date as the source words it, e.g. “Yesterday (27th)”."
    )
    city = models.CharField(max_length=100, blank=True)
    district = models.CharField(max_length=100, blank=True)
    venue = models.CharField(max_length=200, blank=True)
    park = models.ForeignKey(
        "biotech_events.Park", on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    theme = models.CharField(max_length=300, blank=True)
    summary = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "name"]
        indexes = [
            models.Index(fields=["start_date"]),
            models.Index(fields=["kind"]),
            # ?city= matches case-insensitively (UPPER(city) = UPPER(...)): index that expression, then the
            # default order, so a city's page is one index range; city itself is included so that the
            # list's count is answered from the index alone.
            models.Index(Upper("city"), "start_date", name="event_city_upper_start", include=["city"]),
            models.Index(fields=["name"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="event_end_not_before_start",
                violation_error_message="end_date must not be before start_date.",
            ),
            models.CheckConstraint(
                condition=models.Q(edition__isnull=True) | models.Q(edition__gte=1),
                name="event_edition_positive",
                violation_error_message="edition starts at 1.",
            ),
            models.CheckConstraint(
                condition=models.Q(parent__isnull=True) | ~models.Q(parent=models.F("id")),
                name="event_not_own_parent",
                violation_error_message="An event cannot be its own parent.",
            ),
            date_precision_constraint("start_date", "event_start_date_precision"),
            date_precision_constraint("end_date", "event_end_date_precision"),
        ]

    # Properties the API computes from a row's columns alone, with the columns each one reads.
    row_properties = {"when": ("start_date", "start_date_precision", "end_date", "end_date_precision")}

    @property
    def when(self):
        """The event's dates at the precision the source gives them."""
        start = format_partial_date(self.start_date, self.start_date_precision)
        end = format_partial_date(self.end_date, self.end_date_precision)
        return f"{start} to {end}" if end and end != start else start

    def clean(self):
        super().clean()
        errors = check_date_precision(self, "start_date") | check_date_precision(self, "end_date")
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = "The end date is before the start date."
        ancestor = self.parent
        while ancestor is not None and self.pk is not None:
            if ancestor.pk == self.pk:
                errors["parent"] = "This parent would make the event its own ancestor."
                break
            ancestor = ancestor.parent
        if errors:
            raise ValidationError(errors)


class AttendanceFigure(Versioned, NaturalKeyModel):
    """A head count a source states for an event, kept with its wording: “over 1000” is not 1000."""

    version_owners = ("event",)  # shown and written as part of it

    natural_key_fields = ("event", "audience")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendance")
    audience = models.CharField(max_length=200, help_text="Who was counted, e.g. “academicians”.")
    count = models.PositiveIntegerField(help_text="The number as stated (the bound, for “over” or “nearly”).")
    qualifier = models.CharField(max_length=15, choices=AmountQualifier.choices, default=AmountQualifier.EXACT)
    stated = models.CharField(
        max_length=300, help_text="The figure as the source words it, e.g. “over 1000 experts and scholars”."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["event", "-count", "audience"]  # total: a page reads the same on every path
        constraints = [
            models.UniqueConstraint(
                fields=["event", "audience"],
                name="attendance_unique_audience",
                violation_error_message="This event already has a figure for that audience.",
            ),
        ]

    def __str__(self):
        return f"{self.event}: {self.stated}"


class EventOrganizer(Versioned, NaturalKeyModel):
    """An organising body's role in an event: an Organizer, or a Company that co-hosts."""

    version_owners = ("event",)  # shown and written as part of it

    natural_key_fields = ("event", "organizer", "company", "role")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="organizer_roles")
    organizer = models.ForeignKey(
        "biotech_events.Organizer", on_delete=models.PROTECT, null=True, blank=True, related_name="event_roles"
    )
    company = models.ForeignKey(
        "biotech_events.Company", on_delete=models.PROTECT, null=True, blank=True, related_name="hosting_roles"
    )
    role = models.CharField(max_length=20, choices=HostRole.choices)
    note = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["event", "role", "id"]
        verbose_name = "event organiser"
        constraints = [
            exactly_one_of(
                "organizer",
                "company",
                name="event_organizer_exactly_one_party",
                message="Choose an organizer or a company, not both.",
            ),
            *(
                models.UniqueConstraint(
                    fields=["event", party, "role"],
                    condition=models.Q(**{f"{party}__isnull": False}),
                    name=f"event_organizer_unique_{party}_role",
                    violation_error_message="This body already has that role in the event.",
                )
                for party in ("organizer", "company")
            ),
        ]

    @property
    def party(self):
        return self.organizer or self.company

    def __str__(self):
        return f"{self.party} ({self.get_role_display()}) of {self.event}"

    def clean(self):
        super().clean()
        require_one_of(self, ("organizer", "company"), "Choose an organizer or a company, not both.")


class EventParticipant(Versioned, NaturalKeyModel):
    """A person's part in an event: keynote, speaker, moderator, panelist or guest."""

    version_owners = ("event",)  # shown and written as part of it

    natural_key_fields = ("event", "person", "role")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey("biotech_events.Person", on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(max_length=20, choices=PersonRole.choices)
    talk_title = models.CharField(max_length=300, blank=True, help_text="Where the source states it.")
    position_stated = models.CharField(
        max_length=300, blank=True, help_text="How the source introduces the person at this event."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["event", "role", "person"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "person", "role"],
                name="event_participant_unique_role",
                violation_error_message="This person already has that role in the event.",
            ),
        ]

    def __str__(self):
        return f"{self.person} ({self.get_role_display()}) at {self.event}"


class EventCompany(Versioned, NaturalKeyModel):
    """A company's part in an event: attendee, exhibitor, awardee (with the award), signatory."""

    version_owners = ("event",)  # shown and written as part of it

    natural_key_fields = ("event", "company", "role")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="companies")
    company = models.ForeignKey("biotech_events.Company", on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(max_length=20, choices=CompanyRole.choices)
    award = models.CharField(max_length=300, blank=True, help_text="The award or certificate named, for awardees.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["event", "role", "company"]
        verbose_name = "event company"
        verbose_name_plural = "event companies"
        constraints = [
            models.UniqueConstraint(
                fields=["event", "company", "role"],
                name="event_company_unique_role",
                violation_error_message="This company already has that role in the event.",
            ),
            models.CheckConstraint(
                condition=~models.Q(role=CompanyRole.AWARDEE) | ~models.Q(award=""),
                name="event_company_awardee_names_award",
                violation_error_message="award must name the award for an awardee.",
            ),
        ]

    def __str__(self):
        return f"{self.company} ({self.get_role_display()}) at {self.event}"
