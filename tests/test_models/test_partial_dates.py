import datetime

import pytest

from biotech_events.models.base import format_partial_date
from tests.factories import EventFactory

NOV_18 = datetime.date(2023, 11, 18)


@pytest.mark.parametrize(
    ("precision", "shown"), [("day", "2023-11-18"), ("month", "November 2023"), ("year", "2023"), ("", "2023-11-18")]
)
def test_a_date_is_shown_no_more_precisely_than_stated(precision, shown):
    assert format_partial_date(NOV_18, precision) == shown


def test_an_unknown_date_is_shown_empty():
    assert format_partial_date(None, "") == ""


@pytest.mark.django_db
def test_an_event_spans_its_start_and_end():
    event = EventFactory(
        start_date=NOV_18, start_date_precision="day", end_date=datetime.date(2023, 12, 1), end_date_precision="month"
    )
    assert event.when == "2023-11-18 to December 2023"
    assert EventFactory(start_date=NOV_18, start_date_precision="year").when == "2023"
