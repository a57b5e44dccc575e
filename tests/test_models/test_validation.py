"""Model validation (what the admin and the API run) names the field and the problem."""

import pytest
from django.core.exceptions import ValidationError

from biotech_events.models import Alias, Citation, DealParty, EventOrganizer
from tests.factories import CompanyFactory, DealFactory, EventFactory, OrganizerFactory, SourceDocumentFactory

pytestmark = pytest.mark.django_db


def test_a_quote_not_in_its_source_is_refused_on_the_quote_field():
    citation = Citation(source=SourceDocumentFactory(), quote="AstraZeneca bought the moon", company=CompanyFactory())
    with pytest.raises(ValidationError) as error:
        citation.full_clean()
    assert "does not occur verbatim" in error.value.message_dict["quote"][0]


def test_a_quote_not_in_its_source_is_refused_even_without_validation():
    """Saving directly (as loaddata does) still goes through the verbatim check."""
    with pytest.raises(ValidationError):
        Citation.objects.create(source=SourceDocumentFactory(), quote="not in the article", company=CompanyFactory())
    assert not Citation.objects.exists()


def test_a_verbatim_quote_is_accepted():
    citation = Citation(source=SourceDocumentFactory(), quote="Chengdu High tech Zone", company=CompanyFactory())
    citation.full_clean()


def test_quotes_are_matched_exactly_not_loosely():
    # The article writes "Chengdu High tech Zone", without a hyphen.
    citation = Citation(source=SourceDocumentFactory(), quote="Chengdu High-tech Zone", company=CompanyFactory())
    with pytest.raises(ValidationError):
        citation.full_clean()


def test_an_alias_must_occur_in_the_source_it_cites():
    alias = Alias(name="Astra Zenica", source=SourceDocumentFactory(), company=CompanyFactory())
    with pytest.raises(ValidationError) as error:
        alias.full_clean()
    assert "name" in error.value.message_dict


@pytest.mark.parametrize(
    ("model", "parent_field", "build_parent"),
    [(EventOrganizer, "event", EventFactory), (DealParty, "deal", DealFactory)],
)
def test_a_role_link_needs_exactly_one_party(model, parent_field, build_parent):
    link = model(
        **{parent_field: build_parent()}, organizer=OrganizerFactory(), company=CompanyFactory(), role="partner"
    )
    with pytest.raises(ValidationError) as error:
        link.full_clean(exclude=["role"])
    assert {"organizer", "company"} <= set(error.value.message_dict)
