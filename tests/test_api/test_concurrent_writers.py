"""Concurrent writers on PostgreSQL: separate connections, real row locks, exactly one of two racing writes wins.

Transactional tests (each thread has its own connection and commits), so kept apart from the modules
sharing the seeded catalogue in one rolled-back transaction.
"""

import contextlib
import threading
import time

import psycopg
import pytest
from django.contrib.auth.models import Permission
from django.db import connection, connections
from rest_framework.test import APIClient

from biotech_events.models import Organizer, ParkRanking, RankingList
from tests.factories import OrganizerFactory, ParkFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks between connections need PostgreSQL"),
]


def run_in_threads(*targets):
    """Run each callable in its own thread (own database connection); return their results in order."""
    results = [None] * len(targets)

    def run(index, target):
        try:
            results[index] = target()
        except BaseException as error:  # reported to the test, not lost in the thread
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a writer hung"
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results


def api_writer(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def change_permitted_user(model):
    user = UserFactory()
    user.user_permissions.set(Permission.objects.filter(codename=f"change_{model._meta.model_name}"))
    return user


def test_of_many_concurrent_writers_with_the_same_if_match_exactly_one_wins():
    organizer = OrganizerFactory(description="")
    user = change_permitted_user(Organizer)
    tag = f'"{organizer.version}"'
    start = threading.Barrier(8)

    def attempt(number):
        def send():
            client = api_writer(user)
            start.wait(timeout=30)
            response = client.patch(
                f"/api/v1/organizers/{organizer.pk}/",
                {"description": f"writer {number}"},
                format="json",
                headers={"If-Match": tag},
            )
            return number, response.status_code, response.get("ETag")

        return send

    results = run_in_threads(*(attempt(n) for n in range(8)))
    statuses = sorted(status for _, status, _ in results)
    assert statuses == [200] + [412] * 7, results
    winner = next(number for number, status, _ in results if status == 200)
    organizer.refresh_from_db()
    assert organizer.description == f"writer {winner}"
    assert organizer.version == 2
    assert all(tag == '"2"' for _, _, tag in results)  # the winner's new version, and the losers' current one
    assert organizer.history.count() == 2  # created, and the one write that won


def hold_lock_until_the_other_waits(model):
    """Patch lock_for_write so the first writer, once it holds the row, waits until a second one queues on it."""
    original = model.lock_for_write
    queued = threading.Event()
    first = threading.Lock()

    def lock_for_write(record, using=None):
        version = original(record, using)
        if first.acquire(blocking=False):
            with observer_cursor() as cursor:
                for _ in range(300):
                    cursor.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = %s",
                        [connections["default"].settings_dict["NAME"]],
                    )
                    if cursor.fetchone()[0]:
                        queued.set()
                        break
                    time.sleep(0.05)
        return version

    return lock_for_write, queued


@contextlib.contextmanager
def observer_cursor():
    """A connection of its own (outside Django's, in autocommit) that watches the writers' sessions."""
    settings = connections["default"].settings_dict
    with psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        password=settings["PASSWORD"] or None,
        autocommit=True,
    ) as conn:
        yield conn.cursor()


def test_the_second_writer_waits_for_the_first_and_is_refused(monkeypatch):
    """Deterministic interleaving: writer A holds the row lock until writer B is seen waiting for it."""
    organizer = OrganizerFactory(city="")
    user = change_permitted_user(Organizer)
    lock_for_write, queued = hold_lock_until_the_other_waits(Organizer)
    monkeypatch.setattr(Organizer, "lock_for_write", lock_for_write)
    tag = f'"{organizer.version}"'
    url = f"/api/v1/organizers/{organizer.pk}/"
    a_started = threading.Event()

    def a():
        a_started.set()
        return api_writer(user).patch(url, {"city": "A"}, format="json", headers={"If-Match": tag}).status_code

    def b():
        a_started.wait(10)
        time.sleep(0.2)  # let A take the lock first
        return api_writer(user).patch(url, {"city": "B"}, format="json", headers={"If-Match": tag}).status_code

    assert run_in_threads(a, b) == [200, 412]
    assert queued.is_set(), "B never waited for A's lock: the check and the write were not serialised"
    organizer.refresh_from_db()
    assert (organizer.city, organizer.version) == ("A", 2)


def test_patches_without_if_match_keep_each_others_fields(monkeypatch):
    """Without If-Match the last writer wins, but a PATCH never writes back fields it did not send."""
    organizer = OrganizerFactory(city="", description="")
    user = change_permitted_user(Organizer)
    lock_for_write, queued = hold_lock_until_the_other_waits(Organizer)
    monkeypatch.setattr(Organizer, "lock_for_write", lock_for_write)
    url = f"/api/v1/organizers/{organizer.pk}/"
    a_started = threading.Event()

    def a():
        a_started.set()
        return api_writer(user).patch(url, {"city": "Chengdu"}, format="json").status_code

    def b():
        a_started.wait(10)
        time.sleep(0.2)
        return api_writer(user).patch(url, {"description": "Edited by B"}, format="json").status_code

    assert run_in_threads(a, b) == [200, 200]
    assert queued.is_set()
    organizer.refresh_from_db()
    assert (organizer.city, organizer.description, organizer.version) == ("Chengdu", "Edited by B", 3)


def test_a_ranking_and_its_entry_written_at_once_do_not_deadlock():
    """Owners are locked before their parts by every writer, whatever it writes."""
    ranking = RankingList.objects.create(name="R", slug="r-ranking", year=2022, category="comprehensive")
    entry = ParkRanking.objects.create(ranking=ranking, park=ParkFactory(), rank=1)
    user = UserFactory()
    user.user_permissions.set(Permission.objects.filter(codename__in=["change_rankinglist", "change_parkranking"]))
    body = api_writer(user).get(f"/api/v1/rankings/{ranking.pk}/").json()
    start = threading.Barrier(2)

    def whole():
        client = api_writer(user)
        start.wait(10)
        return client.put(f"/api/v1/rankings/{ranking.pk}/", body, format="json").status_code

    def part():
        client = api_writer(user)
        start.wait(10)
        return client.patch(f"/api/v1/park-rankings/{entry.pk}/", {"rank_stated": "first"}, format="json").status_code

    for _ in range(5):
        assert run_in_threads(whole, part) == [200, 200]
    assert ParkRanking.objects.filter(ranking=ranking).count() == 1
