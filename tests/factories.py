"""factory_boy factories for building records in tests; a citation source is the real seed article 000."""

import factory

from biotech_events import choices
from biotech_events.models import (
    Company,
    Deal,
    Event,
    Organizer,
    Park,
    Person,
    SourceDocument,
)


class SourceDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SourceDocument
        django_get_or_create = ["key"]

    key = "000_bde207d968dfe5fb.txt"
    title = "Seed article 000"


class OrganizerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organizer

    name = factory.Sequence(lambda n: f"Test Commission {n}")
    slug = factory.Sequence(lambda n: f"test-commission-{n}")
    kind = choices.OrganizerKind.GOVERNMENT


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Test Pharma {n}")
    slug = factory.Sequence(lambda n: f"test-pharma-{n}")
    kind = choices.CompanyKind.PHARMA


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Test Person {n}")
    slug = factory.Sequence(lambda n: f"test-person-{n}")


class ParkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Park

    name = factory.Sequence(lambda n: f"Test Park {n}")
    slug = factory.Sequence(lambda n: f"test-park-{n}")
    kind = choices.ParkKind.HIGH_TECH_ZONE


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    name = factory.Sequence(lambda n: f"Test Forum {n}")
    slug = factory.Sequence(lambda n: f"test-forum-{n}")
    kind = choices.EventKind.FORUM


class DealFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deal

    title = factory.Sequence(lambda n: f"Test Deal {n}")
    slug = factory.Sequence(lambda n: f"test-deal-{n}")
    kind = choices.DealKind.COOPERATION


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "auth.User"

    username = factory.Sequence(lambda n: f"editor{n}")
    password = factory.django.Password("correct horse battery staple")
