"""Abstract bases and helpers every curated model is declared from."""

import operator
from functools import reduce

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.lookups import Exact


def exactly_one_of(*fields, name, message):
    """A CHECK constraint: exactly one of the given nullable foreign keys is set."""
    set_flags = [
        models.Case(
            models.When(**{f"{field}__isnull": False}, then=models.Value(1)),
            default=models.Value(0),
        )
        for field in fields
    ]
    return models.CheckConstraint(
        condition=Exact(reduce(operator.add, set_flags), models.Value(1)),
        name=name,
        violation_error_message=message,
    )


def require_one_of(instance, fields, message):
    """Model-level twin of `exactly_one_of`, reported on each field for forms."""
    chosen = [field for field in fields if getattr(instance, f"{field}_id") is not None]
    if len(chosen) != 1:
        raise ValidationError({field: message for field in fields})


class NaturalKeyManager(models.Manager):
    """Resolves records by their `natural_key_fields`, so fixtures can cite slugs, not ids."""

    def get_by_natural_key(self, *values):
        return self.get(**self.model.natural_key_lookup(values))


class NaturalKeyModel(models.Model):
    """A record addressed by a tuple of its own values and its parents' slugs.

    A foreign key in `natural_key_fields` contributes the related record's
    single-value natural key (its slug), or None when it is not set.
    """

    natural_key_fields: tuple[str, ...] = ("slug",)

    objects = NaturalKeyManager()

    class Meta:
        abstract = True

    def natural_key(self):
        key = []
        for name in self.natural_key_fields:
            field = self._meta.get_field(name)
            if field.is_relation:
                # A reference not resolved yet (a fixture's forward reference) has no key part.
                related = getattr(self, name) if getattr(self, field.attname) is not None else None
                key.append(None if related is None else related.natural_key()[0])
            else:
                key.append(getattr(self, name))
        return tuple(key)

    @classmethod
    def natural_key_lookup(cls, values):
        if len(values) != len(cls.natural_key_fields):
            raise cls.DoesNotExist(
                f"{cls._meta.label} is addressed by {list(cls.natural_key_fields)}, got {list(values)}"
            )
        lookup = {}
        for name, value in zip(cls.natural_key_fields, values, strict=True):
            field = cls._meta.get_field(name)
            if not field.is_relation:
                lookup[name] = value
            elif value is None:
                lookup[f"{name}__isnull"] = True
            else:
                lookup[f"{name}__{field.related_model.natural_key_fields[0]}"] = value
        return lookup


class SluggedModel(NaturalKeyModel):
    """A named record with a unique, URL-safe slug that fixtures and the API use."""

    slug = models.SlugField(
        max_length=120,
        unique=True,
        validators=[
            RegexValidator(
                r"[a-z]", message="A slug needs at least one letter, so that it is never mistaken for an id."
            )
        ],
        help_text="Stable identifier used in fixtures and URLs.",
    )
    description = models.TextField(blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return self.name


def date_precision_constraint(date_field, name):
    """The date's precision ("day", "month", "year") is set exactly when the date is."""
    precision = f"{date_field}_precision"
    return models.CheckConstraint(
        condition=(
            models.Q(**{f"{date_field}__isnull": True, precision: ""})
            | (models.Q(**{f"{date_field}__isnull": False}) & ~models.Q(**{precision: ""}))
        ),
        name=name,
        violation_error_message=f"{precision} is required with {date_field}, and only with it.",
    )


def country_code_constraint(field, name):
    """Empty, or an upper-case ISO 3166-1 alpha-2 code."""
    return models.CheckConstraint(
        condition=models.Q(**{field: ""}) | models.Q(**{f"{field}__regex": r"^[A-Z]{2}$"}),
        name=name,
        violation_error_message=f"{field} must be an ISO 3166-1 alpha-2 code such as CN.",
    )


def format_partial_date(date, precision):
    """A date shown no more precisely than the source states it: "2023", "November 2023", "2023-11-18"."""
    if date is None:
        return ""
    if precision == "year":
        return f"{date:%Y}"
    if precision == "month":
        return f"{date:%B %Y}"
    return date.isoformat()


def check_date_precision(instance, date_field):
    """Field errors for a date and its precision set without each other (mirrors date_precision_constraint)."""
    date, precision = getattr(instance, date_field), getattr(instance, f"{date_field}_precision")
    if date is not None and not precision:
        return {f"{date_field}_precision": f"Say how precise {date_field} is: day, month or year."}
    if date is None and precision:
        return {f"{date_field}_precision": f"Leave empty while {date_field} is unknown."}
    return {}


country_code_validator = RegexValidator(r"^[A-Z]{2}$", message="Use an ISO 3166-1 alpha-2 code such as CN.")
