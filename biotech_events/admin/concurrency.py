"""No lost updates in the admin: a change form saved over a newer version of its record is refused.

A change form carries, in hidden fields, the version of the record it was loaded at and when. On
save, inside the admin's transaction, the record's row is locked (after those of the records it is
part of: see Versioned.lock_for_write) and its version compared. If someone saved it since, or a part
of it (a role, a citation, an alias), nothing is saved, inlines included: the form comes back with
the editor's entries, what changed (each field as they opened it, as the other editor saved it, as
they entered it; the parts added, changed or deleted, by whom and when, from the history) and the
fields concerned marked. Its hidden version is then the current one, so saving again saves the form
over the newer version, knowingly; reloading starts afresh from it.

Inline rows of versioned records (role links, sub-events, bundled deals...) carry their own version,
and a row changed or deleted in the form is refused the same way when it changed meanwhile.

A POST without the hidden version (a script, an old page) is not checked: last writer wins, as before.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import capfirst

from ..models.base import Versioned

LOADED_VERSION = "loaded_version"
LOADED_AT = "loaded_at"
CHANGES_SHOWN = 10  # part changes listed; the rest are counted
VALUE_SHOWN = 80  # characters of a value shown


class LoadMarker(forms.CharField):
    """A hidden note of the state the form was loaded in; never counts as a change of the record."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def has_changed(self, initial, data):
        return False


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _locked_version(record):
    """The record's stored version, its row locked when inside the save's transaction."""
    if transaction.get_connection().in_atomic_block:
        return record.lock_for_write()
    return type(record)._base_manager.filter(pk=record.pk).values_list("version", flat=True).first()


class VersionCheckedRecordForm:
    """Mixed into the admin's change form (see version_checked_form)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields[LOADED_VERSION].initial = self.instance.version
            self.fields[LOADED_AT].initial = timezone.now().isoformat()

    def clean(self):
        cleaned_data = super().clean()
        loaded = _int_or_none(self[LOADED_VERSION].value())
        if self.instance.pk is None or loaded is None:
            return cleaned_data
        current = _locked_version(self.instance)
        if current is None:
            raise ValidationError(
                f"This {self.instance._meta.verbose_name} was deleted by someone else while you were editing it; "
                "nothing was saved."
            )
        if current != loaded:
            self.refuse(loaded, current, parse_datetime(self[LOADED_AT].value() or ""))
        return cleaned_data

    def refuse(self, loaded, current, loaded_at):
        """Nothing is saved: say what changed since the form was loaded, and re-arm it at the current version."""
        record = self.instance
        stored = type(record)._base_manager.get(pk=record.pk)
        own = field_changes(stored, loaded)
        parts = part_changes(type(record), record.pk, loaded_at) if loaded_at else []
        editors = _editors([*own.entries, *(entry for entry, _ in parts)])
        noun = record._meta.verbose_name
        messages = [
            f"Someone else saved this {noun} while you were editing it{editors}: it is now at version {current}, "
            f"you opened version {loaded}. Nothing was saved, inlines included. What changed is listed "
            "here and marked at each field; your entries are still in the form. Reload the page to start from "
            "the current version, or save again to put your version in place of theirs."
        ]
        for change in own.changes:
            yours = self._submitted(change.field)
            mark = f"Changed meanwhile: now “{change.now}” (you opened “{change.was}”)."
            if change.field.name in self.fields:
                self.add_error(change.field.name, mark)
            messages.append(
                f"{capfirst(change.field.verbose_name)}: you opened “{change.was}”, it is now “{change.now}”"
                + (f", you entered “{yours}”." if yours is not None else ".")
            )
        for entry, label in parts[:CHANGES_SHOWN]:
            messages.append(f"{label} — {_history_kind(entry)} by {_editor(entry)} at {_when(entry)}.")
        if len(parts) > CHANGES_SHOWN:
            messages.append(f"... and {len(parts) - CHANGES_SHOWN} more changes to its parts.")
        if not own.changes and not parts:
            messages.append("Its history does not say what changed (a bulk change, or a part written with it).")
        self.data = self.data.copy()  # bound data is immutable; the hidden fields now name the current version
        self.data[self.add_prefix(LOADED_VERSION)] = str(current)
        self.data[self.add_prefix(LOADED_AT)] = timezone.now().isoformat()
        raise ValidationError(messages)

    def _submitted(self, field):
        if field.name not in self.fields:
            return None
        value = self.cleaned_data.get(field.name) if field.name in self.cleaned_data else self[field.name].value()
        return _shown(field, value)


class VersionCheckedRowForm:
    """Mixed into an inline row's form: only carries the version; its formset checks it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields[LOADED_VERSION].initial = self.instance.version


class VersionCheckedFormSet:
    """Mixed into an inline formset: a row changed or deleted in the form must not have changed meanwhile."""

    def clean(self):
        super().clean()
        problems = []
        for form in self.initial_forms:
            loaded = _int_or_none(form[LOADED_VERSION].value())
            if form.instance.pk is None or loaded is None:
                continue
            deleting = self.can_delete and self._should_delete_form(form)
            if not (deleting or form.has_changed()):
                continue  # a row left as it was is not saved, so it overwrites nothing
            current = _locked_version(form.instance)
            if current is None or current == loaded:
                continue  # a row deleted meanwhile is reported by the formset itself
            stored = type(form.instance)._base_manager.get(pk=form.instance.pk)
            own = field_changes(stored, loaded)
            what = "; ".join(f"{c.field.verbose_name} now “{c.now}” (was “{c.was}”)" for c in own.changes)
            problem = (
                f"“{stored}” was changed by someone else{_editors(own.entries)} since you opened this page"
                + (f": {what}" if what else "")
                + f". Nothing was saved; your {'deletion' if deleting else 'entries'} for this row "
                "would have overwritten it. Save again to do it anyway, or reload the page."
            )
            form.add_error(None, problem)
            problems.append(problem)
            form.data = form.data.copy()
            form.data[form.add_prefix(LOADED_VERSION)] = str(current)
        if problems:
            rows = "1 row was" if len(problems) == 1 else f"{len(problems)} rows were"
            raise ValidationError(
                f"{rows} changed by someone else since you opened this page (marked below). Nothing was saved."
            )


def version_checked_form(form_class, row=False):
    """The form class with hidden load markers and the version check mixed in."""
    markers = {LOADED_VERSION: LoadMarker()} if row else {LOADED_VERSION: LoadMarker(), LOADED_AT: LoadMarker()}
    mixin = VersionCheckedRowForm if row else VersionCheckedRecordForm
    return type(form_class.__name__, (mixin, form_class), markers)


def _with_markers(fieldsets, names):
    """The fieldsets with the hidden markers added to the first one (rendered as a hidden row)."""
    if not fieldsets:
        return [(None, {"fields": list(names)})]
    (title, options), *rest = fieldsets
    return [(title, {**options, "fields": [*options.get("fields", ()), *names]}), *rest]


class VersionCheckedAdmin:
    """ModelAdmin mixin: change forms and their inline rows of versioned records are checked on save."""

    def get_fields(self, request, obj=None):
        # Fields derived from the form (no `fields` declared) must not list the markers: they are not model fields.
        return [name for name in super().get_fields(request, obj) if name not in (LOADED_VERSION, LOADED_AT)]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and isinstance(obj, Versioned) and self.has_change_permission(request, obj):
            form = version_checked_form(form)
        return form

    def get_formsets_with_inlines(self, request, obj=None):
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            if obj is not None and issubclass(formset.model, Versioned) and inline.has_change_permission(request, obj):
                formset = type(
                    formset.__name__,
                    (VersionCheckedFormSet, formset),
                    {"form": version_checked_form(formset.form, row=True)},
                )
            yield formset, inline

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        adminform = context.get("adminform")
        if adminform is not None and LOADED_VERSION in adminform.form.fields:
            adminform.fieldsets = _with_markers(adminform.fieldsets, [LOADED_VERSION, LOADED_AT])
        for inline in context.get("inline_admin_formsets", ()):
            if LOADED_VERSION in inline.formset.form.base_fields:
                inline.fieldsets = _with_markers(inline.fieldsets, [LOADED_VERSION])
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)


# --- what changed, from the history --------------------------------------------------------------------


class FieldChanges:
    def __init__(self, changes, entries):
        self.changes = changes  # [Change], the fields whose stored value differs from the opened version's
        self.entries = entries  # the history entries written since the opened version


class Change:
    def __init__(self, field, was, now):
        self.field, self.was, self.now = field, was, now


def field_changes(stored, loaded_version):
    """How `stored` differs from its version `loaded_version`, as its history recorded that version."""
    model = type(stored)
    history = model.history.filter(id=stored.pk)
    entries = list(history.filter(version__gt=loaded_version).select_related("history_user").order_by("history_date"))
    opened = history.filter(version__lte=loaded_version).order_by("-version", "-history_date", "-history_id").first()
    if opened is None:
        return FieldChanges([], entries)  # no record of that version (written in bulk): nothing to compare with
    changes = []
    for field in model._meta.concrete_fields:
        if field.primary_key or not field.editable:
            continue
        was, now = field.value_from_object(opened), field.value_from_object(stored)
        if was != now:
            changes.append(Change(field, _shown(field, was), _shown(field, now)))
    return FieldChanges(changes, entries)


def part_changes(model, pks, since, depth=2):
    """History entries of the parts of the records (role links, citations... and their own parts) since `since`.

    Each as (entry, label), oldest first.
    """
    pks = [pks] if not isinstance(pks, list | set | tuple) else list(pks)
    found = []
    for relation in model._meta.related_objects:
        part = relation.related_model
        if not (issubclass(part, Versioned) and relation.field.name in part.version_owners):
            continue
        history = part.history.filter(**{f"{relation.field.attname}__in": pks})
        for entry in history.filter(history_date__gt=since).select_related("history_user"):
            found.append((entry, f"{capfirst(part._meta.verbose_name)}: {_describe(entry)}"))
        if depth > 1:
            ever = set(history.values_list("id", flat=True))
            if ever:
                found += part_changes(part, ever, since, depth - 1)
    return sorted(found, key=lambda item: item[0].history_date)


def _describe(entry):
    try:
        return str(entry.instance)[:VALUE_SHOWN]
    except (models.ObjectDoesNotExist, AttributeError, TypeError):  # names a record deleted since
        return f"#{entry.id}"


def _shown(field, value):
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, models.Model):
        value = str(value)
    elif field.is_relation:
        related = field.related_model._base_manager.filter(pk=value).first()
        value = str(related) if related is not None else f"#{value} (deleted)"
    elif field.choices:
        value = dict(field.flatchoices).get(value, value)
    text = str(value)
    return text if len(text) <= VALUE_SHOWN else text[: VALUE_SHOWN - 1] + "…"


def _history_kind(entry):
    return {"+": "added", "-": "deleted"}.get(entry.history_type, "changed")


def _editor(entry):
    user = entry.history_user
    return user.get_username() if user is not None else "an import or a script"


def _when(entry):
    return f"{timezone.localtime(entry.history_date):%Y-%m-%d %H:%M:%S}"


def _editors(entries):
    names = sorted({_editor(entry) for entry in entries})
    return f" ({', '.join(names)})" if names else ""
