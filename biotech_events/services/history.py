"""Reading a record's history, reverting it to an earlier version, restoring it after deletion.

A record's "owned" relations are the ones deleted with it (on_delete=CASCADE): its citations,
aliases and role links, and their own citations. Reverting restores the record's fields and those
relations as they stood at the chosen version, in one transaction that is itself recorded in
history, so a revert can be reverted too.
"""

from datetime import timedelta

from django.db import models, transaction
from django.utils import timezone


class NothingToRestore(Exception):
    """The record has no version to restore from."""


def history_entries(record):
    """The record's versions, newest first, each with the field changes it made."""
    entries = list(record.history.select_related("history_user").order_by("-history_date", "-history_id"))
    for newer, older in zip(entries, [*entries[1:], None], strict=True):
        newer.changes = [] if older is None else newer.diff_against(older).changes
    return entries


def owned_relations(model):
    """Reverse relations whose records are deleted with a record of `model`, and so restored with it."""
    return [
        relation
        for relation in model._meta.related_objects
        if relation.one_to_many
        and relation.on_delete is models.CASCADE
        and hasattr(relation.related_model, "history")
        and relation.related_model is not model
    ]


@transaction.atomic
def revert_to(entry, *, reason=None):
    """Make the record what it was at history `entry`: its fields and its owned relations.

    Works whether or not the record still exists, so it also restores a deleted record.
    """
    if entry.history_type == "-":
        raise NothingToRestore("That version is the deletion itself; choose a version before it.")
    record = entry.instance  # a model instance carrying the version's values, with its original pk
    record._change_reason = reason or f"Reverted to the version of {entry.history_date:%Y-%m-%d %H:%M:%S}"
    record.full_clean(validate_unique=False)
    # The version stood until the record's next change. Its relations are taken as they were just
    # before that, which includes the inlines saved a moment after the record in the same form.
    following = (
        type(entry)
        .objects.filter(id=entry.id, history_date__gt=entry.history_date)
        .order_by("history_date", "history_id")
        .first()
    )
    moment = following.history_date - MOMENT if following else timezone.now()
    record.save()
    _restore_relations(record, moment, record._change_reason)
    return record


def _restore_relations(record, moment, reason):
    for relation in owned_relations(type(record)):
        child_model, fk = relation.related_model, relation.field
        wanted = {child.pk: child for child in child_model.history.as_of(moment).filter(**{fk.attname: record.pk})}
        child_model._default_manager.filter(**{fk.name: record}).exclude(pk__in=wanted).delete()
        for child in wanted.values():
            child._change_reason = reason
            child.save()
            _restore_relations(child, moment, reason)


# A delete removes the owned relations just before the record itself, within one transaction.
CASCADE_WINDOW = timedelta(seconds=1)
MOMENT = timedelta(microseconds=1)


@transaction.atomic
def restore_deleted(model, pk):
    """Bring back a deleted record, with its owned relations, as it was just before deletion."""
    if model._default_manager.filter(pk=pk).exists():
        raise NothingToRestore(f"{model._meta.verbose_name} {pk} has not been deleted.")
    deletion = model.history.filter(id=pk, history_type="-").order_by("-history_date").first()
    if deletion is None:
        raise NothingToRestore(f"No deletion of {model._meta.verbose_name} {pk} is recorded.")
    last = (
        model.history.filter(id=pk, history_date__lte=deletion.history_date)
        .exclude(history_type="-")
        .order_by("-history_date", "-history_id")
        .first()
    )
    record = last.instance
    record._change_reason = "Restored after deletion"
    record.full_clean(validate_unique=False)
    record.save()
    _restore_relations(record, deletion.history_date - CASCADE_WINDOW, record._change_reason)
    return record


def deleted_records(model, limit=50):
    """The latest deletions of `model` whose records have not come back since."""
    deletions = model.history.filter(history_type="-").order_by("-history_date")
    live = set(model._default_manager.filter(pk__in=deletions.values("id")).values_list("pk", flat=True))
    seen, found = set(), []
    for deletion in deletions.select_related("history_user"):
        if deletion.id in live or deletion.id in seen:
            continue
        seen.add(deletion.id)
        found.append(deletion)
        if len(found) == limit:
            break
    return found
