"""Each rule the catalogue must always satisfy is enforced by the database itself.

The records are written with `objects.create`, which skips model validation, so only a
database constraint can stop them.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from biotech_events.models import (
    Affiliation,
    Alias,
    AttendanceFigure,
    Citation,
    Company,
    Deal,
    DealParty,
    Event,
    EventCompany,
    EventOrganizer,
    Honour,
    Organizer,
    ParkRanking,
    RankingList,
)
from tests.factories import (
    CompanyFactory,
    DealFactory,
    EventFactory,
    OrganizerFactory,
    ParkFactory,
    PersonFactory,
    SourceDocumentFactory,
)

QUOTE = "Chengdu High tech Zone"  # occurs verbatim in seed article 000


def ranking():
    return RankingList.objects.create(name="Test ranking", slug="test-ranking", year=2022, category="comprehensive")


VIOLATIONS = {
    "duplicate company slug": lambda: [
        CompanyFactory(slug="same"),
        Company.objects.create(name="Other", slug="same", kind="pharma"),
    ],
    "duplicate organizer slug": lambda: [
        OrganizerFactory(slug="same"),
        Organizer.objects.create(name="Other", slug="same", kind="government"),
    ],
    "event organiser with both an organizer and a company": lambda: EventOrganizer.objects.create(
        event=EventFactory(), organizer=OrganizerFactory(), company=CompanyFactory(), role="host"
    ),
    "event organiser with neither": lambda: EventOrganizer.objects.create(event=EventFactory(), role="host"),
    "deal party with both": lambda: DealParty.objects.create(
        deal=DealFactory(), organizer=OrganizerFactory(), company=CompanyFactory(), role="partner"
    ),
    "deal party with neither": lambda: DealParty.objects.create(deal=DealFactory(), role="partner"),
    "affiliation with neither employer": lambda: Affiliation.objects.create(person=PersonFactory(), position="Dean"),
    "citation supporting no record": lambda: Citation.objects.create(source=SourceDocumentFactory(), quote=QUOTE),
    "citation supporting two records": lambda: Citation.objects.create(
        source=SourceDocumentFactory(), quote=QUOTE, company=CompanyFactory(), person=PersonFactory()
    ),
    "alias naming two records": lambda: Alias.objects.create(name="X", company=CompanyFactory(), park=ParkFactory()),
    "duplicate alias of one company": lambda: [
        company := CompanyFactory(),
        Alias.objects.create(name="AZ", company=company),
        Alias.objects.create(name="AZ", company=company),
    ],
    "event ending before it starts": lambda: EventFactory(
        start_date=datetime.date(2023, 10, 19),
        start_date_precision="day",
        end_date=datetime.date(2023, 10, 18),
        end_date_precision="day",
    ),
    "event date without precision": lambda: EventFactory(start_date=datetime.date(2023, 10, 19)),
    "event precision without date": lambda: EventFactory(start_date_precision="day"),
    "event edition zero": lambda: EventFactory(edition=0),
    "negative deal amount": lambda: DealFactory(amount=Decimal("-1"), currency="CNY"),
    "negative USD figure": lambda: DealFactory(amount_usd=Decimal("-5")),
    "unknown currency": lambda: DealFactory(amount=Decimal("10"), currency="XYZ"),
    "amount without currency": lambda: DealFactory(amount=Decimal("10")),
    "undisclosed deal with an amount": lambda: DealFactory(amount=Decimal("10"), currency="USD", is_undisclosed=True),
    "country that is not an upper-case ISO code": lambda: OrganizerFactory(country="cn"),
    "park ranked zero": lambda: ParkRanking.objects.create(ranking=ranking(), park=ParkFactory(), rank=0),
    "park twice in one ranking": lambda: [
        park := ParkFactory(),
        the_ranking := ranking(),
        ParkRanking.objects.create(ranking=the_ranking, park=park),
        ParkRanking.objects.create(ranking=the_ranking, park=park),
    ],
    "awardee without the award": lambda: EventCompany.objects.create(
        event=EventFactory(), company=CompanyFactory(), role="awardee"
    ),
    "honour in an implausible year": lambda: Honour.objects.create(
        person=PersonFactory(), kind="prize", title="Nobel Prize", year=13
    ),
    "two audiences of the same name": lambda: [
        event := EventFactory(),
        AttendanceFigure.objects.create(event=event, audience="academicians", count=27, stated="27 academicians"),
        AttendanceFigure.objects.create(event=event, audience="academicians", count=28, stated="28 academicians"),
    ],
}


@pytest.mark.django_db
@pytest.mark.parametrize("build", VIOLATIONS.values(), ids=VIOLATIONS.keys())
def test_database_rejects(build):
    with pytest.raises(IntegrityError), transaction.atomic():
        build()


@pytest.mark.django_db
def test_an_event_cannot_be_its_own_parent():
    event = EventFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(parent=event)


@pytest.mark.django_db
def test_a_deal_cannot_be_its_own_parent():
    deal = DealFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Deal.objects.filter(pk=deal.pk).update(parent=deal)


@pytest.mark.django_db
def test_valid_records_pass_every_constraint():
    """The same shapes, written correctly, are accepted: the constraints are not over-broad."""
    event = EventFactory(
        start_date=datetime.date(2023, 10, 19),
        start_date_precision="day",
        end_date=datetime.date(2023, 10, 19),
        end_date_precision="day",
        edition=2,
    )
    company = CompanyFactory(hq_country="CN")
    EventOrganizer.objects.create(event=event, company=company, role="co_host")
    EventCompany.objects.create(event=event, company=company, role="awardee", award="Pioneer certificate")
    deal = DealFactory(amount=Decimal("1200000000"), currency="USD", amount_usd=Decimal("1200000000"))
    DealParty.objects.create(deal=deal, company=company, role="licensee")
    Citation.objects.create(source=SourceDocumentFactory(), quote=QUOTE, event=event)
    Alias.objects.create(name="AZ", company=company)
    assert Citation.objects.count() == 1
