"""Loading the curated seed data: the source articles and every fixture, all or nothing."""

import bz2
import datetime
import gzip
import lzma
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.management.color import no_style
from django.core.serializers import json as json_serializer
from django.core.serializers.base import DeserializationError, DeserializedObject
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, IntegrityError, connections, transaction
from django.db.models import Max
from simple_history.models import HistoricalChanges

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
        if not f.primary_key and f.name != "version"  # the count of writes, not seed data
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


# --- Backups: the whole database as portable JSON, restored all or nothing ------------------------

# Not in a backup: `migrate` recreates content types and permissions (with ids of its own, so the
# backup names them by natural key); sessions are ephemeral; API tokens are secrets stored in plain
# text, issued anew after a restore.
BACKUP_EXCLUDED = ("contenttypes.contenttype", "auth.permission", "sessions.session", "authtoken.token")
BACKUP_CHUNK_ROWS = 2000
BACKUP_COMPRESSIONS = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open, ".lzma": lzma.open}


class _FullPrecisionEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder cuts times to the millisecond; history is ordered by the microsecond."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        return super().default(o)


class _BackupSerializer(json_serializer.Serializer):
    """Django's JSON with every primary key kept, so that ids in API URLs, history and the merge log stay
    valid; references to what `migrate` recreates are written by natural key instead.

    Not `dumpdata --natural-foreign`: that fails on the history of any deleted record, whose foreign
    keys point at rows no longer there.
    """

    def handle_fk_field(self, obj, field):
        self.use_natural_foreign_keys = field.remote_field.model._meta.label_lower in BACKUP_EXCLUDED
        super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj, field):
        self.use_natural_foreign_keys = field.remote_field.model._meta.label_lower in BACKUP_EXCLUDED
        super().handle_m2m_field(obj, field)


def backup_models():
    """Every model a backup holds, each after the models its natural keys depend on."""
    app_list = [
        (
            app_config,
            [
                model
                for model in app_config.get_models()
                if model._meta.managed and not model._meta.proxy and model._meta.label_lower not in BACKUP_EXCLUDED
            ],
        )
        for app_config in apps.get_app_configs()
    ]
    return serializers.sort_dependencies([entry for entry in app_list if entry[1]], allow_cycles=True)


def write_backup(stream, *, indent=None, using="default"):
    """Write every record of `backup_models()` to `stream` as one JSON array, from one consistent snapshot.

    Returns the number of records written per model label.
    """
    connection = connections[using]
    own_transaction = not connection.in_atomic_block
    counts = Counter()

    def records():
        for model in backup_models():
            for record in model._base_manager.using(using).order_by("pk").iterator(chunk_size=BACKUP_CHUNK_ROWS):
                counts[model._meta.label] += 1
                yield record

    with transaction.atomic(using=using):
        if connection.vendor == "postgresql" and own_transaction:
            with connection.cursor() as cursor:  # one snapshot of every table, as pg_dump takes
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        _BackupSerializer().serialize(records(), stream=stream, indent=indent, cls=_FullPrecisionEncoder)
    return counts


def open_backup(path, mode="rt"):
    """Open a backup file, (de)compressing by its last extension: .gz, .bz2, .xz or .lzma."""
    path = Path(path)
    opener = BACKUP_COMPRESSIONS.get(path.suffix.lower())
    if opener is not None:
        return opener(path, mode, encoding="utf-8")
    return path.open(mode, encoding="utf-8")


def backup_format(path):
    """The serialization format of a backup file from its name: backup.json, backup.json.gz..."""
    path = Path(path)
    suffixes = [suffix.lower() for suffix in path.suffixes]
    if suffixes and suffixes[-1] in BACKUP_COMPRESSIONS:
        suffixes.pop()
    name = suffixes[-1].lstrip(".") if suffixes else ""
    name = {"yml": "yaml"}.get(name, name)
    if name not in serializers.get_public_serializer_formats():
        raise SeedLoadError(
            f"{path.name}: cannot tell the format from the name; use .json (or .jsonl, .yaml, .xml), "
            f"optionally compressed as {', '.join(BACKUP_COMPRESSIONS)}"
        )
    return name


def restore_backup(path, *, dry_run=False, using="default"):
    """Load a backup into an empty database, all or nothing, keeping every primary key.

    Each record is inserted as stored (no new history entries; its own history is in the backup),
    then every record but history rows (which may name deleted records) is validated like an admin
    save, and every foreign key checked. Any failure raises SeedLoadError naming the file and record,
    and the database is left as it was. Sequences are moved past the restored ids, so new records get
    fresh ones.
    """
    path = Path(path)
    if not path.is_file():
        raise SeedLoadError(f"{path.name}: backup file not found at {path}")
    fmt = backup_format(path)
    connection = connections[using]
    report = LoadReport()
    with transaction.atomic(using=using):
        _refuse_non_empty(path, using)
        positions = {}  # (model, pk) -> the record's position in the file, for error messages
        deferred = []
        with open_backup(path) as stream:
            for position, record in _backup_records(path, stream, fmt, using):
                instance = record.object
                if instance._meta.label_lower in BACKUP_EXCLUDED:
                    raise SeedLoadError(
                        f"{path.name}, record {position} ({_describe_record(record)}): a backup does not hold "
                        f"{instance._meta.label_lower} records ({', '.join(BACKUP_EXCLUDED)}); "
                        "make it with `manage.py backup`"
                    )
                if instance.pk is None:
                    raise SeedLoadError(
                        f"{path.name}, record {position} ({_describe_record(record)}): no primary key (a dump made "
                        "with --natural-primary); ids must be kept, or history and API links would point at the "
                        "wrong records. Make the backup with `manage.py backup`"
                    )
                key = (type(instance), instance.pk)
                if key in positions:
                    raise SeedLoadError(
                        f"{path.name}, record {position} ({_describe_record(record)}): id {instance.pk} is taken "
                        f"by record {positions[key]} already"
                    )
                positions[key] = position
                _guard(path, position, record, lambda record=record: _insert(record, using))
                if record.deferred_fields:  # a natural-key reference to a record later in the file
                    deferred.append((position, record))
                report.created[instance._meta.label] += 1
        for position, record in deferred:
            _guard(path, position, record, lambda record=record: record.save_deferred_fields(using=using))
        _validate_restored(path, positions, using)
        try:
            connection.check_constraints()
        except DatabaseError as error:
            raise SeedLoadError(
                f"{path.name}: a reference points at a record the backup does not hold: {error}"
            ) from error
        _advance_sequences({model for model, _ in positions}, using)
        if dry_run:
            transaction.set_rollback(True, using=using)
    return report


def _advance_sequences(restored, using):
    """Move each id sequence past every id the backup has seen, so new records get fresh ones.

    Past the ids of deleted records too (still named by their history and the merge log): a new
    record taking one would inherit the old one's history and merge redirects.
    """
    from ..models import MergedRecord

    connection = connections[using]
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), restored):
            cursor.execute(statement)  # past the restored rows, as loaddata does
        for model in restored:
            pk = model._meta.pk
            if pk.get_internal_type() not in {"AutoField", "BigAutoField", "SmallAutoField"}:
                continue
            highest = [
                model._base_manager.using(using).aggregate(top=Max(pk.attname))["top"],
                MergedRecord.objects.using(using)
                .filter(model_label=model._meta.label_lower)
                .aggregate(top=Max("old_id"))["top"],
            ]
            if not issubclass(model, HistoricalChanges) and hasattr(model, "history"):
                highest.append(model.history.using(using).aggregate(top=Max(pk.attname))["top"])
            top = max((value for value in highest if value is not None), default=None)
            if top is None:
                continue
            table = model._meta.db_table
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, %s), %s)",
                    [connection.ops.quote_name(table), pk.column, top],
                )
            elif connection.vendor == "sqlite":  # AUTOINCREMENT tables keep their high-water mark here
                cursor.execute("UPDATE sqlite_sequence SET seq = MAX(seq, %s) WHERE name = %s", [top, table])
                if cursor.rowcount == 0:
                    cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, top])


def _refuse_non_empty(path, using):
    holding = [model._meta.label_lower for model in backup_models() if model._base_manager.using(using).exists()]
    if holding:
        raise SeedLoadError(
            f"{path.name}: the database is not empty ({', '.join(holding[:5])}{' ...' if len(holding) > 5 else ''} "
            "hold records). Restore into a new database after `manage.py migrate`, or empty this one with "
            "`manage.py flush` first"
        )


# What a damaged or truncated file raises while it is read and decompressed.
UNREADABLE = (OSError, EOFError, UnicodeDecodeError, lzma.LZMAError, zlib.error)


def _backup_records(path, stream, fmt, using):
    try:  # the JSON deserializer parses the whole file here
        records = serializers.deserialize(fmt, stream, using=using, handle_forward_references=True)
    except (DeserializationError, *UNREADABLE) as error:
        reason = _describe_error(error.__cause__ or error)
        raise SeedLoadError(f"{path.name}: not a readable {fmt} backup: {reason}") from error
    position = 0
    while True:
        position += 1
        try:
            record = next(records)
        except StopIteration:
            return
        except (DeserializationError, *UNREADABLE) as error:
            raise SeedLoadError(f"{path.name}, record {position}: {_describe_error(error)}") from error
        yield position, record


def _insert(record, using):
    # A savepoint, so that a refused row is reported rather than poisoning the transaction on PostgreSQL.
    # force_insert: never an UPDATE of a row already there.
    with transaction.atomic(using=using):
        record.save(using=using, force_insert=True)


def _validate_restored(path, positions, using):
    """Validate every restored record but history rows, as an admin save would (fields, choices, clean())."""
    for model in sorted({model for model, _ in positions}, key=lambda model: model._meta.label):
        if issubclass(model, HistoricalChanges):
            continue  # a version may name records deleted since: the database checks what must hold
        for instance in model._base_manager.using(using).order_by("pk").iterator(chunk_size=BACKUP_CHUNK_ROWS):
            position = positions.get((model, instance.pk), "?")
            _guard(
                path,
                position,
                DeserializedObject(instance),
                lambda instance=instance: instance.full_clean(validate_unique=False, validate_constraints=False),
            )
