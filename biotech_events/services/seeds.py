"""Loading the curated seed data: the source articles and every fixture, all or nothing."""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, IntegrityError, transaction

SOURCES_FIXTURE = "sources.yaml"
SHARED_FIXTURE = "shared.yaml"


class SeedLoadError(Exception):
    """A fixture record could not be loaded; the message names the file and the record."""


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)

    @property
    def changed(self):
        return sum(self.created.values()) + sum(self.updated.values())

    def summary(self):
        total = sum(self.created.values()) + sum(self.updated.values()) + sum(self.unchanged.values())
        return (
            f"{total} records: {sum(self.created.values())} created, "
            f"{sum(self.updated.values())} updated, {sum(self.unchanged.values())} unchanged"
        )


def seed_fixture_paths(*, seeds_dir=None, fixtures_dir=None):
    """The files `load_seeds` reads, in loading order: sources, shared records, then each article's file."""
    seeds_dir = Path(seeds_dir or settings.SEEDS_DIR)
    fixtures_dir = Path(fixtures_dir or settings.FIXTURES_DIR)
    article_files = sorted(p for p in fixtures_dir.glob("*.yaml") if p.name != SHARED_FIXTURE)
    shared = [fixtures_dir / SHARED_FIXTURE] if (fixtures_dir / SHARED_FIXTURE).exists() else []
    return [seeds_dir / SOURCES_FIXTURE, *shared, *article_files]


def load_seeds(*, seeds_dir=None, fixtures_dir=None, dry_run=False, using="default"):
    """Register the source articles and load every fixture in one transaction.

    Each record is validated like an admin save (`full_clean`: fields, choices, uniqueness,
    constraints, verbatim quotes) before it is written. Any failure raises SeedLoadError naming
    the file and record, and the transaction leaves the database exactly as it was. Records
    whose stored values already match are not written again, so a second run changes nothing.
    """
    seeds_dir = Path(seeds_dir or settings.SEEDS_DIR)
    paths = seed_fixture_paths(seeds_dir=seeds_dir, fixtures_dir=fixtures_dir)
    report = LoadReport()
    with transaction.atomic(using=using):
        deferred = []
        for path in paths:
            for position, record in _records(path, using):
                if record.deferred_fields:
                    deferred.append((path, position, record))
                    continue
                _validate_and_save(path, position, record, report, using)
        for path, position, record in deferred:
            _resolve_deferred(path, position, record, using)
            _validate_and_save(path, position, record, report, using)
        _check_seed_texts(seeds_dir, using)
        if dry_run:
            transaction.set_rollback(True, using=using)
    return report


def _records(path, using):
    """Deserialize one fixture file, numbering its records from 1 for error messages."""
    if not path.exists():
        raise SeedLoadError(f"{path.name}: fixture file not found at {path}")
    with path.open(encoding="utf-8") as stream:
        records = serializers.deserialize("yaml", stream, using=using, handle_forward_references=True)
        position = 0
        while True:
            position += 1
            try:
                record = next(records)
            except StopIteration:
                return
            except DeserializationError as error:
                raise SeedLoadError(f"{path.name}, record {position}: {_describe_error(error)}") from error
            yield position, record


def _resolve_deferred(path, position, record, using):
    """Resolve references to records defined later in the fixtures, naming any that never appear."""
    for reference, natural_key in record.deferred_fields.items():
        try:
            target = reference.remote_field.model._default_manager.db_manager(using).get_by_natural_key(*natural_key)
        except ObjectDoesNotExist as error:
            raise SeedLoadError(
                f"{path.name}, record {position} ({record.object._meta.label_lower}): {reference.name} refers to "
                f"{natural_key}, which no fixture or stored record defines"
            ) from error
        setattr(record.object, reference.attname, target.pk)


def _validate_and_save(path, position, record, report, using):
    instance = record.object
    label = instance._meta.label
    stored = type(instance)._base_manager.using(using).filter(pk=instance.pk).first() if instance.pk else None
    instance._state.adding = stored is None  # found by natural key: validate as an update
    # Fields, choices and clean() here; uniqueness and constraints are left to the database,
    # which enforces them anyway, and explained in _save only when it refuses a record.
    _guard(path, position, record, lambda: instance.full_clean(validate_unique=False, validate_constraints=False))
    if stored is not None and _same_values(stored, instance):
        report.unchanged[label] += 1
        return
    instance._change_reason = f"load_seeds: {path.name}"  # shown in the record's history
    _guard(path, position, record, lambda: _save(instance, using))
    (report.updated if stored is not None else report.created)[label] += 1


def _save(instance, using):
    try:
        # A savepoint keeps a refused INSERT from poisoning the outer transaction on PostgreSQL.
        # A plain save(), not loaddata's raw one, so that the change is recorded in history.
        with transaction.atomic(using=using):
            instance.save(using=using)
    except IntegrityError:
        # Let Django name the field and rule the database refused; fall back to the database's words.
        instance.validate_unique()
        instance.validate_constraints()
        raise


def _same_values(stored, instance):
    return all(
        f.value_from_object(stored) == f.value_from_object(instance)
        for f in instance._meta.concrete_fields
        if not f.primary_key
    )


def _guard(path, position, record, action):
    try:
        action()
    except (ValidationError, ObjectDoesNotExist, DatabaseError, DeserializationError) as error:
        raise SeedLoadError(
            f"{path.name}, record {position} ({_describe_record(record)}): {_describe_error(error)}"
        ) from error


def _describe_record(record):
    instance = record.object
    try:
        key = instance.natural_key()
    except (AttributeError, ObjectDoesNotExist):
        key = None
    return f"{instance._meta.label_lower} {list(key)}" if key else instance._meta.label_lower


def _describe_error(error):
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def _check_seed_texts(seeds_dir, using):
    """Every registered seed article must match its file byte for byte."""
    from ..models import SourceDocument

    for source in SourceDocument.objects.using(using).all():
        seed_file = seeds_dir / source.key
        if seed_file.exists() and seed_file.read_bytes().decode("utf-8") != source.text:
            raise SeedLoadError(f"{SOURCES_FIXTURE}: stored text of {source.key} differs from {seed_file}")
