"""Abstract bases and helpers every curated model is declared from."""

import operator
from functools import reduce

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, router
from django.db.models.lookups import Exact
from django.db.models.signals import class_prepared, pre_delete, pre_save


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

    # The field a record is shown by (in briefs, lists and pickers); the API's read path selects it in SQL.
    display_field = "name"

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return getattr(self, self.display_field)


class Versioned(models.Model):
    """A record whose `version` goes up on every write: the API's ETag and the admin's stale-form check.

    The increment is done by the database (`SET version = version + 1`), so two writers never leave
    the same version behind, and a version is never reused, not even by a record restored after
    deletion. A record that is part of others (`version_owners`: a role link of its event, a
    citation of the record it supports) is shown and written with them, so writing or deleting it
    moves their versions on too.
    """

    version = models.PositiveIntegerField(
        default=1,
        db_default=1,  # rows written by COPY or raw SQL start at 1 too
        editable=False,
        help_text="Goes up by one on every write; the API serves it as the ETag.",
    )

    # Foreign keys to the records this one is part of, e.g. ("event",) on a role link.
    version_owners: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            if not update_fields:
                return super().save(**kwargs)  # Django writes nothing
            kwargs["update_fields"] = {*update_fields, "version"}
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        previous = self.__dict__.get("version")
        self.version, stored = self._next_version(using, force_insert=bool(kwargs.get("force_insert")))
        if stored and update_fields is None:
            # Never re-insert a row deleted meanwhile: that would undo someone's delete.
            kwargs["force_update"] = True
        try:
            # Owners first: every writer locks owners before their parts (see lock_for_write).
            bump_versions(self.owner_keys() | getattr(self, "_loaded_owners", set()), using=using)
            super().save(**kwargs)
        except BaseException:
            self.version = previous
            raise
        self._loaded_owners = self.owner_keys()

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        record = super().from_db(db, field_names, values, **kwargs)
        if cls.version_owners:
            record._loaded_owners = record.owner_keys()  # a part moved to another owner changes both
        return record

    def owner_keys(self):
        """(model, pk) of each record this one is part of, as the instance now stands."""
        keys = set()
        for name in self.version_owners:
            field = self._meta.get_field(name)
            pk = self.__dict__.get(field.attname)
            if pk is not None:
                keys.add((field.related_model, pk))
        return keys

    def _next_version(self, using, *, force_insert):
        """What to write as the version, and whether the row is already stored."""
        if self.pk is None:
            return 1, False
        manager = type(self)._base_manager.using(using)
        if not force_insert and (not self._state.adding or manager.filter(pk=self.pk).exists()):
            return models.F("version") + 1, True
        # Re-created under its old id (restored from history): carry on from its last recorded
        # version, so that an ETag read before the deletion cannot match again.
        history = getattr(type(self), "history", None)
        if history is None:
            return 1, False
        last = history.using(using).filter(**{self._meta.pk.attname: self.pk}).aggregate(last=models.Max("version"))
        return (last["last"] or 0) + 1, False

    def lock_for_write(self, using=None):
        """Lock the rows of the records this one is part of, then its own, until the transaction ends.

        Returns the stored version, or None when the record is gone. Owners are locked before
        their parts everywhere (here and in save), so two writers never wait for each other in a
        circle. FOR NO KEY UPDATE: new rows may still refer to the record meanwhile. Must run inside
        a transaction. SQLite has no row locks: there a racing writer fails ("database is locked")
        rather than overwrites.
        """
        using = using or router.db_for_write(type(self), instance=self)
        for model, pk in owner_chain(self.owner_keys(), using=using):
            list(model._base_manager.using(using).select_for_update(no_key=True).filter(pk=pk).values_list("pk"))
        locked = type(self)._base_manager.using(using).select_for_update(no_key=True).filter(pk=self.pk)
        return locked.values_list("version", flat=True).first()


def owner_chain(keys, *, using):
    """The records in `keys` ((model, pk) pairs) and every record they are part of, owners first."""
    chain = []

    def visit(model, pk):
        if (model, pk) in chain:
            return
        names = getattr(model, "version_owners", ())
        if names:
            fields = [model._meta.get_field(name) for name in names]
            row = model._base_manager.using(using).filter(pk=pk).values_list(*(f.attname for f in fields)).first()
            for field, value in zip(fields, row or (), strict=False):
                if value is not None:
                    visit(field.related_model, value)
        chain.append((model, pk))

    for model, pk in sorted(keys, key=lambda key: (key[0]._meta.label, key[1])):  # one order for every writer
        visit(model, pk)
    return chain


def bump_versions(keys, *, using, unless_within=None):
    """Move on the versions of the records in `keys` and of those they are part of, owners first.

    A chain reaching `unless_within` (a record being deleted) is left alone.
    """
    if not keys:
        return
    chain = owner_chain(keys, using=using)
    if unless_within is not None and unless_within in chain:
        chain = chain[: chain.index(unless_within)]  # only what it is part of, not itself or its parts
    for model, pk in chain:
        model._base_manager.using(using).filter(pk=pk).update(version=models.F("version") + 1)


def _version_raw_save(sender, instance, raw, using, **kwargs):
    """loaddata saves raw, past Model.save(): over a stored row it must still move the version on."""
    if raw and instance.pk is not None and sender._base_manager.using(using).filter(pk=instance.pk).exists():
        instance.version = models.F("version") + 1
        bump_versions(instance.owner_keys(), using=using)


def _version_owners_on_delete(sender, instance, using, origin=None, **kwargs):
    """A part deleted, one by one or in bulk, changes the records it was part of."""
    origin_key = (type(origin), origin.pk) if isinstance(origin, models.Model) else None
    bump_versions(instance.owner_keys(), using=using, unless_within=origin_key)


def _connect_version_signals(sender, **kwargs):
    if issubclass(sender, Versioned):
        pre_save.connect(_version_raw_save, sender=sender, dispatch_uid=f"version-raw-save-{sender._meta.label}")
        if sender.version_owners:  # per model, so that other models keep Django's fast deletes
            pre_delete.connect(
                _version_owners_on_delete, sender=sender, dispatch_uid=f"version-owners-delete-{sender._meta.label}"
            )


class_prepared.connect(_connect_version_signals)


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
