"""`manage.py backup` then `manage.py restore_backup` into an empty database reproduces every record.

The catalogue is loaded and edited once per module, in a transaction rolled back after the backups
are written; each test then restores into the empty test database (transactional tests, so that
restores commit and sequences move as in production).
"""

import gzip
import io
import json
from collections import Counter
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.management import create_contenttypes
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from biotech_events.models import Alias, Citation, Company, Event, MergedRecord
from biotech_events.services.merge import merge_records
from biotech_events.services.seeds import BACKUP_EXCLUDED, backup_models
from tests.conftest import catalogue_models, restore_seeds, snapshot
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a long passphrase for the editor"
DUMPDATA_EXCLUDES = ["contenttypes", "auth.permission", "sessions", "authtoken"]


def state():
    """Every record a backup holds, field by field: ids as stored, content types and permissions (which
    `migrate` recreates with ids of its own) by natural key."""

    def by_key(model, pk):
        return None if pk is None else model._base_manager.get(pk=pk).natural_key()

    result = {}
    for model in backup_models():
        rows = []
        for record in model._base_manager.order_by("pk"):
            row = {}
            for field in model._meta.concrete_fields:
                value = getattr(record, field.attname)
                if field.is_relation and field.related_model._meta.label_lower in BACKUP_EXCLUDED:
                    value = by_key(field.related_model, value)
                row[field.attname] = value
            for field in model._meta.many_to_many:
                related = getattr(record, field.name).all()
                if field.related_model._meta.label_lower in BACKUP_EXCLUDED:
                    row[field.name] = sorted(item.natural_key() for item in related)
                else:
                    row[field.name] = sorted(item.pk for item in related)
            rows.append(row)
        result[model._meta.label] = rows
    return result


def natural_keys():
    """The catalogue as its natural keys: every record, role link, alias and citation, ids aside."""
    return {
        model._meta.label: Counter(record.natural_key() for record in model.objects.all())
        for model in catalogue_models()
        if hasattr(model, "natural_key")
    }


def history_counts():
    return {
        model._meta.label: model._base_manager.count()
        for model in backup_models()
        if "history_id" in {f.name for f in model._meta.fields}
    }


def edit_the_catalogue():
    """What a database in use holds beyond the seeds: users and groups, edits by a user, a deleted record
    (whose history now names rows that are gone), a merge, the admin's log, a token and a session."""
    editor = User.objects.create_user("editor", email="editor@example.org", password=PASSWORD, is_staff=True)
    curators = Group.objects.create(name="Curators")
    curators.permissions.set(
        Permission.objects.filter(content_type__app_label="biotech_events", codename__endswith="_company")
    )
    editor.groups.add(curators)
    editor.user_permissions.add(Permission.objects.get(codename="view_event"))

    company = Company.objects.get(slug="astrazeneca")
    company.description = "Edited before the backup."
    company._history_user = editor
    company._change_reason = "backup test"
    company.save()
    LogEntry.objects.create(
        user=editor,
        content_type=ContentType.objects.get_for_model(Company),
        object_id=str(company.pk),
        object_repr=str(company),
        action_flag=CHANGE,
        change_message='[{"changed": {"fields": ["Description"]}}]',
    )

    session_event = Event.objects.filter(parent__isnull=False, citations__isnull=False).order_by("pk").first()
    session_event.delete()

    duplicate = CompanyFactory(name="Astra Zeneca PLC", slug="astra-zeneca-plc")
    merge_records(survivor=company, others=[duplicate], user=editor)

    Token.objects.create(user=editor)
    session = SessionStore()
    session["note"] = "not in a backup"
    session.create()


@pytest.fixture(scope="module")
def backups(django_db_setup, django_db_blocker, tmp_path_factory, seed_rows):
    folder = tmp_path_factory.mktemp("backups")
    with django_db_blocker.unblock(), transaction.atomic():
        restore_seeds(seed_rows)
        # Plain dumpdata, as the issue puts it, works while no record has been deleted.
        call_command(
            "dumpdata",
            natural_foreign=True,
            exclude=DUMPDATA_EXCLUDES,
            output=str(folder / "dumpdata.json"),
            verbosity=0,
        )
        seeded = {"snapshot": snapshot(), "natural_keys": natural_keys(), "history_counts": history_counts()}
        edit_the_catalogue()
        call_command("backup", output=str(folder / "backup.json.gz"), verbosity=0)
        result = SimpleNamespace(
            path=folder / "backup.json.gz",
            dumpdata=folder / "dumpdata.json",
            seeded_snapshot=seeded["snapshot"],
            seeded_natural_keys=seeded["natural_keys"],
            seeded_history_counts=seeded["history_counts"],
            state=state(),
            natural_keys=natural_keys(),
            content_type_ids={ct.natural_key(): ct.pk for ct in ContentType.objects.all()},
        )
        transaction.set_rollback(True)
    yield result
    ContentType.objects.clear_cache()


def restore(path, *args):
    out = io.StringIO()
    call_command("restore_backup", str(path), *args, stdout=out)
    return out.getvalue()


def recreate_content_types():
    """Content types and permissions as `migrate` would create them afresh: the same natural keys, other ids."""
    Permission.objects.all().delete()
    ContentType.objects.all().delete()
    ContentType.objects.clear_cache()
    for app_config in reversed(list(apps.get_app_configs())):
        create_contenttypes(app_config, verbosity=0)
        create_permissions(app_config, verbosity=0)


def read_backup(path):
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        return json.load(stream)


def write_json(path, records):
    path.write_text(json.dumps(records), encoding="utf-8")
    return path


def assert_empty():
    holding = [model._meta.label for model in backup_models() if model._base_manager.exists()]
    assert holding == []


def test_a_restore_into_an_empty_database_reproduces_every_record_relation_alias_and_citation(backups):
    recreate_content_types()
    moved = {ct.natural_key(): ct.pk for ct in ContentType.objects.all()}
    assert all(moved[key] != old for key, old in backups.content_type_ids.items() if key in moved)
    assert_empty()

    output = restore(backups.path)

    assert "Restored" in output and "drf_create_token" in output
    assert state() == backups.state  # ids, every field, history, merge log, users, groups, admin log
    assert natural_keys() == backups.natural_keys
    assert Alias.objects.count() > 20 and Citation.objects.count() > 400  # the seeds, not an empty round trip
    # To the microsecond, which history is ordered by (Django's JSON encoder would keep milliseconds).
    assert any(entry.history_date.microsecond % 1000 for entry in Company.history.all())
    # The history of the deleted record, the merge and who made the edits came back with them.
    survivor = Company.objects.get(slug="astrazeneca")
    assert MergedRecord.survivor_of(Company, slug="astra-zeneca-plc") == survivor.pk
    assert survivor.history.filter(history_change_reason="backup test", history_user__username="editor").exists()
    editor = User.objects.get(username="editor")
    assert editor.check_password(PASSWORD)
    assert editor.has_perm("biotech_events.change_company") and editor.has_perm("biotech_events.view_event")
    assert not editor.has_perm("biotech_events.change_event")
    # Secrets and ephemera stay out of backups.
    assert not Token.objects.exists() and not Session.objects.exists()


def test_new_records_after_a_restore_get_fresh_ids(backups):
    restore(backups.path)

    def restored_max(label, key="id"):
        return max(row[key] for row in backups.state[label])

    editor = User.objects.get(username="editor")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=editor).key}")
    response = api.post(
        "/api/v1/companies/", {"name": "After Restore Bio", "slug": "after-restore-bio", "kind": "biotech"}
    )
    assert response.status_code == 201, response.json()
    company = Company.objects.get(slug="after-restore-bio")
    # Past the ids of deleted and merged-away companies too, which their history and the merge log still name.
    assert company.pk > restored_max("biotech_events.HistoricalCompany") > restored_max("biotech_events.Company")
    assert set(company.history.values_list("name", flat=True)) == {"After Restore Bio"}
    assert MergedRecord.survivor_of(Company, pk=company.pk) is None
    first_version = company.history.order_by("history_id").first()
    assert first_version.history_id > restored_max("biotech_events.HistoricalCompany", "history_id")
    assert User.objects.create_user("newcomer").pk > restored_max("auth.User")
    assert Group.objects.create(name="Newcomers").pk > restored_max("auth.Group")


def test_plain_dumpdata_with_natural_keys_restores_as_well(backups):
    restore(backups.dumpdata)
    assert snapshot() == backups.seeded_snapshot
    assert natural_keys() == backups.seeded_natural_keys
    # Its history too, though dumpdata's JSON keeps times to the millisecond only.
    assert history_counts() == backups.seeded_history_counts


def test_a_dry_run_validates_everything_then_leaves_the_database_empty(backups):
    output = restore(backups.path, "--dry-run")
    assert output.startswith("Dry run, rolled back:")
    assert f"{len(read_backup(backups.path))} records" in output
    assert_empty()


def first(records, model, **fields):
    return next(
        (position, record)
        for position, record in enumerate(records, start=1)
        if record["model"] == model and all(record["fields"].get(k) == v for k, v in fields.items())
    )


def make_quote_unsourced(records):
    position, record = first(records, "biotech_events.citation")
    record["fields"]["quote"] = "A sentence the article never printed."
    return position, "biotech_events.citation", "quote: The quote does not occur verbatim"


def make_kind_unknown(records):
    position, record = first(records, "biotech_events.company", slug="konoya")
    record["fields"]["kind"] = "spaceship"
    return position, "biotech_events.company ['konoya']", "kind: Value 'spaceship' is not a valid choice."


def make_reference_dangle(records):
    position, record = first(records, "biotech_events.dealparty")
    record["fields"]["company"], record["fields"]["organizer"] = 999999, None
    return position, "biotech_events.dealparty", "company: company instance with id 999999 "


def drop_a_primary_key(records):
    position, record = first(records, "biotech_events.company", slug="konoya")
    del record["pk"]
    return position, "biotech_events.company ['konoya']", "no primary key (a dump made with --natural-primary)"


def repeat_a_primary_key(records):
    _, record = first(records, "biotech_events.company", slug="konoya")
    records.append({**record, "fields": {**record["fields"], "slug": "konoya-again"}})
    return len(records), "biotech_events.company ['konoya-again']", f"id {record['pk']} is taken by record "


@pytest.mark.parametrize(
    "corrupt",
    [make_quote_unsourced, make_kind_unknown, make_reference_dangle, drop_a_primary_key, repeat_a_primary_key],
)
def test_a_bad_record_aborts_the_whole_restore_naming_the_file_and_record(backups, tmp_path, corrupt):
    records = read_backup(backups.path)
    position, record, problem = corrupt(records)
    path = write_json(tmp_path / "broken.json", records)

    with pytest.raises(CommandError) as refused:
        restore(path)

    message = str(refused.value)
    assert message.startswith("Nothing was restored. broken.json, record ")
    assert f"broken.json, record {position} ({record}" in message
    assert problem in message
    assert_empty()


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("cut.json", b'[{"model": "biotech_events.company", "pk": 1, "fields": {"na', "not a readable json backup: "),
        ("cut.json.gz", b"\x1f\x8b\x08\x00 not really gzip", "not a readable json backup: "),
        ("odd.json", b'[{"model": "biotech_events.nothing", "pk": 1, "fields": {}}]', "record 1: Invalid model"),
    ],
)
def test_a_damaged_file_is_refused_naming_it(tmp_path, name, content, problem):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError) as refused:
        restore(path)
    assert str(refused.value).startswith(f"Nothing was restored. {name}")
    assert problem in str(refused.value)
    assert_empty()


def test_a_database_holding_records_is_refused_and_left_alone(backups):
    CompanyFactory(slug="already-here")
    with pytest.raises(CommandError, match=r"backup.json.gz: the database is not empty \(biotech_events.company"):
        restore(backups.path)
    assert list(Company.objects.values_list("slug", flat=True)) == ["already-here"]


def test_records_a_backup_never_holds_are_refused(backups, tmp_path):
    path = tmp_path / "with-content-types.json"
    call_command("dumpdata", "contenttypes", output=str(path), verbosity=0)
    with pytest.raises(CommandError, match=r"record 1 \(contenttypes.contenttype .*make it with `manage.py backup`"):
        restore(path)


def test_the_backup_goes_to_standard_output_by_default(backups):
    restore(backups.path)
    out = io.StringIO()
    call_command("backup", stdout=out, stderr=io.StringIO())
    records = json.loads(out.getvalue())
    assert Counter(record["model"] for record in records) == Counter(
        record["model"] for record in read_backup(backups.path)
    )


def test_a_backup_is_named_as_json(tmp_path):
    with pytest.raises(CommandError, match=r"backup.txt: cannot tell the format"):
        call_command("backup", output=str(tmp_path / "backup.txt"), verbosity=0)
    with pytest.raises(CommandError, match=r"backup.yaml: a backup is JSON"):
        call_command("backup", output=str(tmp_path / "backup.yaml"), verbosity=0)
    assert list(tmp_path.iterdir()) == []
