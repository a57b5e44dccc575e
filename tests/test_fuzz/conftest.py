"""The fuzzed application, run in-process, and the checks that the catalogue is still sound after a request."""

import sys
from contextlib import contextmanager

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections, connection, transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from rest_framework.authtoken.models import Token

from biotech_events.models import Alias, Citation
from tests.conftest import catalogue_models
from tests.factories import UserFactory


class InProcessApplication(WSGIHandler):
    """Django's WSGI application, called in the test's thread and database transaction.

    Like Django's test client it keeps the test's connection open (no close_old_connections)
    and re-raises an exception a view did not handle, so a 500 fails with its traceback. Each
    request runs in a savepoint: a database error undoes that request only, as it would in
    production, where each request commits on its own.
    """

    def __call__(self, environ, start_response):
        raised = []

        def store(sender, **kwargs):
            raised.append(sys.exc_info()[1])

        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        got_request_exception.connect(store)
        try:
            with transaction.atomic():
                response = super().__call__(environ, start_response)
                body = b"".join(response)  # a streamed CSV runs its queries here, inside the savepoint
                response.close()
                if raised:
                    raise raised[0]
        finally:
            got_request_exception.disconnect(store)
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        return [body]


@contextmanager
def recording_writes():
    """Collect (model, pk) of every catalogue row saved, and of every one deleted, inside the block."""
    saved, deleted = set(), set()
    models = tuple(catalogue_models())

    def on_save(sender, instance, **kwargs):
        if isinstance(instance, models):
            saved.add((type(instance), instance.pk))

    def on_delete(sender, instance, **kwargs):
        if isinstance(instance, models):
            deleted.add((type(instance), instance.pk))

    post_save.connect(on_save, weak=False)
    post_delete.connect(on_delete, weak=False)
    try:
        yield saved, deleted
    finally:
        post_save.disconnect(on_save)
        post_delete.disconnect(on_delete)


def integrity_problems(saved):
    """What is wrong with the stored catalogue after some writes; an empty list when nothing is.

    Every saved row that still exists passes full_clean() (fields, choices, uniqueness, check
    constraints, verbatim quotes), as the admin demands; every foreign key points at a row; and
    over the whole catalogue every citation's quote, and every alias attributed to a source,
    still occurs verbatim in that source's text. (full_clean() of all ~850 seeded rows takes
    seconds, so only the rows a request wrote are cleaned; the rest is checked in SQL.)
    """
    problems = []
    for model, pk in sorted(saved, key=lambda item: (item[0]._meta.label, item[1])):
        row = model._default_manager.filter(pk=pk).first()
        if row is None:
            continue
        try:
            row.full_clean()
        except ValidationError as error:
            problems.append(f"{model._meta.label} {pk} ({row}): {error}")
    try:
        connection.check_constraints()
    except Exception as error:
        problems.append(f"foreign keys: {error}")
    for citation in Citation.objects.exclude(source__text__contains=F("quote")).select_related("source"):
        problems.append(f"citation {citation.pk}: quote not verbatim in {citation.source.key}: {citation.quote[:80]!r}")
    for alias in Alias.objects.filter(source__isnull=False).exclude(source__text__contains=F("name")):
        problems.append(f"alias {alias.pk}: {alias.name!r} not verbatim in its source")
    return problems


@pytest.fixture
def editor_token(db):
    """The API token of a user holding every permission on the catalogue's models."""
    user = UserFactory(username="fuzz-editor")
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="biotech_events"))
    return Token.objects.create(user=user).key
