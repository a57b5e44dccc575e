"""Deals signed or announced at events: licences, investments, projects, cooperations, joint labs."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from ..choices import CURRENCY_CODES, AmountQualifier, DatePrecision, DealKind, DealRole
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


class Deal(Versioned, SluggedModel):
    """An agreement or project, with its amount exactly as far as the source states it.

    A bundle ("18 projects totalling nearly 3 billion yuan") is a parent deal carrying the
    stated total and count; the projects the source names are its children, without amounts
    the source does not give.
    """

    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=30, choices=DealKind.choices)
    event = models.ForeignKey(
        "biotech_events.Event",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deals",
        help_text="Where it was signed or announced.",
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="The bundle it belongs to.",
    )
    date = models.DateField(null=True, blank=True)
    date_precision = models.CharField(max_length=5, choices=DatePrecision.choices, blank=True)
    asset = models.CharField(max_length=200, blank=True, help_text="Drug candidate code or subject, e.g. CMG901.")
    summary = models.TextField(blank=True)
    amount = models.DecimalField(
        max_digits=20, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(
        max_length=3, blank=True, choices=[(code, code) for code in CURRENCY_CODES], help_text="ISO 4217 code."
    )
    amount_qualifier = models.CharField(max_length=15, choices=AmountQualifier.choices, blank=True)
    amount_stated = models.CharField(
        max_length=300, blank=True, help_text="As the source words it, e.g. “nearly 3 billion yuan ($464 million)”."
    )
    amount_usd = models.DecimalField(
        "amount in USD",
        max_digits=20,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Only where the source states it.",
    )
    is_undisclosed = models.BooleanField(default=False, help_text="The source says the value was not disclosed.")
    project_count = models.PositiveIntegerField(
        null=True, blank=True, help_text="For a bundle: how many projects the source says it comprises."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "title"]
        indexes = [
            models.Index(fields=["date"]),
            # ?kind= with the default newest-first order: one index range, no sort.
            models.Index(fields=["kind", "date"], name="deal_kind_date"),
            models.Index(fields=["currency", "amount"]),
            models.Index(fields=["asset"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gte=0),
                name="deal_amount_not_negative",
                violation_error_message="amount must not be negative.",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_usd__isnull=True) | models.Q(amount_usd__gte=0),
                name="deal_amount_usd_not_negative",
                violation_error_message="amount_usd must not be negative.",
            ),
            models.CheckConstraint(
                condition=models.Q(currency="") | models.Q(currency__in=CURRENCY_CODES),
                name="deal_currency_iso_4217",
                violation_error_message="currency must be an ISO 4217 code such as CNY or USD.",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | ~models.Q(currency=""),
                name="deal_amount_has_currency",
                violation_error_message="currency is required with an amount.",
            ),
            models.CheckConstraint(
                condition=models.Q(is_undisclosed=False) | models.Q(amount__isnull=True, amount_usd__isnull=True),
                name="deal_undisclosed_has_no_amount",
                violation_error_message="An undisclosed deal has no amount.",
            ),
            models.CheckConstraint(
                condition=models.Q(parent__isnull=True) | ~models.Q(parent=models.F("id")),
                name="deal_not_own_parent",
                violation_error_message="A deal cannot be its own parent.",
            ),
            date_precision_constraint("date", "deal_date_precision"),
        ]

    display_field = "title"
    # Properties the API computes from a row's columns alone, with the columns each one reads.
    row_properties = {"when": ("date", "date_precision")}

    @property
    def when(self):
        return format_partial_date(self.date, self.date_precision)

    def clean(self):
        super().clean()
        errors = check_date_precision(self, "date")
        if self.amount is not None and not self.currency:
            errors["currency"] = "Give the ISO 4217 currency of the amount."
        if self.is_undisclosed and (self.amount is not None or self.amount_usd is not None):
            errors["is_undisclosed"] = "An undisclosed deal has no amount."
        if errors:
            raise ValidationError(errors)


class DealParty(Versioned, NaturalKeyModel):
    """A party to a deal: a Company, or an Organizer (universities, customs, development zones sign too)."""

    version_owners = ("deal",)  # shown and written as part of it

    natural_key_fields = ("deal", "company", "organizer", "role")

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="parties")
    company = models.ForeignKey(
        "biotech_events.Company", on_delete=models.PROTECT, null=True, blank=True, related_name="deal_roles"
    )
    organizer = models.ForeignKey(
        "biotech_events.Organizer", on_delete=models.PROTECT, null=True, blank=True, related_name="deal_roles"
    )
    role = models.CharField(max_length=20, choices=DealRole.choices)

    history = HistoricalRecords()

    class Meta:
        ordering = ["deal", "role", "id"]
        verbose_name_plural = "deal parties"
        constraints = [
            exactly_one_of(
                "company",
                "organizer",
                name="deal_party_exactly_one_party",
                message="Choose a company or an organizer, not both.",
            ),
            *(
                models.UniqueConstraint(
                    fields=["deal", party, "role"],
                    condition=models.Q(**{f"{party}__isnull": False}),
                    name=f"deal_party_unique_{party}_role",
                    violation_error_message="This party already has that role in the deal.",
                )
                for party in ("company", "organizer")
            ),
        ]

    @property
    def party(self):
        return self.company or self.organizer

    def __str__(self):
        return f"{self.party} ({self.get_role_display()}) in {self.deal}"

    def clean(self):
        super().clean()
        require_one_of(self, ("company", "organizer"), "Choose a company or an organizer, not both.")
