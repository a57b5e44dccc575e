"""Merging duplicate records: the same company, person, organiser or park arriving under two spellings.

Every relation of the merged-away records is re-pointed to the survivor; a role link or citation
that would then duplicate one the survivor already has is folded into it (its own citations move
along). Their names and aliases become the survivor's aliases. Each change is saved through the
model, so history records it; the whole merge is one transaction; and the old ids and slugs are
kept as redirects to the survivor.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import Alias, Citation, Company, MergedRecord, Organizer, Park, Person

MERGEABLE_MODELS = (Company, Person, Organizer, Park)

# Fields never offered as conflicts: identity, and what the merge itself decides.
NOT_MERGED_FIELDS = {"id", "slug", "name"}


class MergeError(ValidationError):
    """The merge cannot be done as asked; nothing was written."""


@dataclass
class Conflict:
    field: str
    label: str
    options: list = field(default_factory=list)  # [(value, display, [records holding it])]


def merge_conflicts(survivor, others):
    """Fields whose non-empty values differ between the records: the editor picks one of each."""
    conflicts = []
    for model_field in _mergeable_fields(type(survivor)):
        options = {}
        for record in [survivor, *others]:
            value = model_field.value_from_object(record)
            if value in (None, ""):
                continue
            display = (
                str(getattr(record, model_field.name)) if model_field.is_relation else _display(record, model_field)
            )
            options.setdefault(value, (value, display, []))[2].append(record)
        if len(options) > 1:
            conflicts.append(Conflict(model_field.name, str(model_field.verbose_name), list(options.values())))
    return conflicts


def relation_counts(record):
    """How many rows of each kind point at the record (shown to the editor before merging)."""
    counts = {}
    for relation in type(record)._meta.related_objects:
        if relation.one_to_many:
            count = relation.related_model._default_manager.filter(**{relation.field.name: record}).count()
            if count:
                counts[relation.related_model._meta.verbose_name_plural] = count
    return counts


@transaction.atomic
def merge_records(*, survivor, others, field_values=None, user=None):
    """Merge `others` into `survivor`. `field_values` settles conflicts ({field: value}); unset
    fields keep the survivor's value, or take the one non-empty value among the records."""
    model = type(survivor)
    others = [other for other in others if other.pk != survivor.pk]
    _check(model, survivor, others)
    reason = f"Merged into “{survivor}”"
    survivor = model._default_manager.select_for_update().get(pk=survivor.pk)
    others = list(model._default_manager.select_for_update().filter(pk__in=[o.pk for o in others]))

    _settle_fields(survivor, others, field_values or {})
    survivor._history_user = user
    survivor._change_reason = "Merged " + ", ".join(f"“{other}”" for other in others) + " into this record"
    survivor.full_clean(validate_unique=False)
    survivor.save()

    for other in others:
        names = {other.name, *other.aliases.values_list("name", flat=True)}
        _absorb(other, survivor, user=user, reason=reason)
        _keep_names(survivor, names, other, user=user, reason=reason)
        MergedRecord.objects.filter(model_label=model._meta.label_lower, survivor_id=other.pk).update(
            survivor_id=survivor.pk
        )
        MergedRecord.objects.create(
            model_label=model._meta.label_lower,
            old_id=other.pk,
            old_slug=other.slug,
            old_name=other.name,
            survivor_id=survivor.pk,
            merged_by=user,
        )
        other._history_user, other._change_reason = user, reason
        other.delete()
    for redundant in Alias.objects.filter(**{type(survivor)._meta.model_name: survivor, "name": survivor.name}):
        redundant._history_user, redundant._change_reason = user, f"{reason}: the survivor's own name"
        redundant.delete()
    return survivor


def _check(model, survivor, others):
    if model not in MERGEABLE_MODELS:
        raise MergeError(f"{model._meta.verbose_name_plural} cannot be merged.")
    if not others:
        raise MergeError({"others": "Choose at least one other record to merge into the survivor."})
    if any(type(other) is not model for other in others):
        raise MergeError({"others": f"Only {model._meta.verbose_name_plural} can be merged with each other."})


def _mergeable_fields(model):
    return [f for f in model._meta.concrete_fields if f.editable and f.name not in NOT_MERGED_FIELDS]


def _display(record, model_field):
    if model_field.choices:
        return getattr(record, f"get_{model_field.name}_display")()
    return str(model_field.value_from_object(record))


def _settle_fields(survivor, others, field_values):
    fields = {f.name: f for f in _mergeable_fields(type(survivor))}
    unknown = set(field_values) - set(fields)
    if unknown:
        raise MergeError({"fields": f"Unknown or unmergeable field(s): {', '.join(sorted(unknown))}."})
    for name, model_field in fields.items():
        if name in field_values:
            offered = {model_field.value_from_object(r) for r in [survivor, *others]}
            value = field_values[name]
            if model_field.is_relation and hasattr(value, "pk"):
                value = value.pk
            if value not in offered:
                raise MergeError({name: "Choose one of the values the merged records hold."})
            setattr(survivor, model_field.attname, value)
        elif model_field.value_from_object(survivor) in (None, ""):
            filled = [
                model_field.value_from_object(o) for o in others if model_field.value_from_object(o) not in (None, "")
            ]
            if filled:
                setattr(survivor, model_field.attname, filled[0])
        points_at_a_duplicate = getattr(survivor, model_field.attname) in {o.pk for o in others}
        if model_field.related_model is type(survivor) and points_at_a_duplicate:
            setattr(survivor, model_field.attname, None)  # its parent was a duplicate of itself


def _absorb(source, target, *, user, reason):
    """Re-point every row that refers to `source` so it refers to `target`, folding duplicates."""
    for relation in type(source)._meta.related_objects:
        if not (relation.one_to_many or relation.one_to_one):
            continue
        foreign_key = relation.field
        for row in relation.related_model._default_manager.filter(**{foreign_key.name: source}):
            row._history_user, row._change_reason = user, reason
            setattr(row, foreign_key.name, target)
            twin = _equivalent(row)
            if twin is None:
                row.save()
            else:
                _absorb(row, twin, user=user, reason=reason)
                row.delete()


def _equivalent(row):
    """Another stored row that `row` would duplicate (same natural key), or None."""
    model = type(row)
    if model is Citation:
        target = row.target_field
        candidates = Citation.objects.filter(
            source_id=row.source_id, quote=row.quote, **{f"{target}_id": getattr(row, f"{target}_id")}
        )
    elif hasattr(model, "natural_key_lookup"):
        candidates = model._default_manager.filter(**model.natural_key_lookup(row.natural_key()))
    else:
        return None
    return candidates.exclude(pk=row.pk).first()


def _keep_names(survivor, names, other, *, user, reason):
    """The merged record's name and aliases become the survivor's aliases, each with a source that spells it."""
    target_field = type(survivor)._meta.model_name
    known = {survivor.name, *Alias.objects.filter(**{target_field: survivor}).values_list("name", flat=True)}
    sources = [c.source for c in Citation.objects.filter(**{target_field: survivor}).select_related("source")]
    for name in sorted(names - known):
        source = next((s for s in sources if s.contains(name)), None)
        alias = Alias(name=name, kind="spelling", source=source, **{target_field: survivor})
        alias._history_user, alias._change_reason = user, reason
        alias.save()
