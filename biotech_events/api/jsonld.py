"""schema.org JSON-LD for events, organisations, people; a small extension vocabulary for deals and rankings.

The extension terms live under the `be:` prefix (urn:biotech-events:vocab:) and are described in
docs/jsonld-vocabulary.md. The @context is inline, so the documents expand without fetching anything.
"""

from rest_framework import serializers

from .. import choices
from ..models import Company, Deal, Event, Organizer, Person, RankingList
from .endpoints import detail_url

EXTENSION_VOCABULARY = "urn:biotech-events:vocab:"
CONTEXT = {"@vocab": "https://schema.org/", "be": EXTENSION_VOCABULARY}

ORGANIZER_TYPES = {
    choices.OrganizerKind.GOVERNMENT: "GovernmentOrganization",
    choices.OrganizerKind.AGENCY: "GovernmentOrganization",
    choices.OrganizerKind.UNIVERSITY: "CollegeOrUniversity",
    choices.OrganizerKind.HOSPITAL: "Hospital",
    choices.OrganizerKind.RESEARCH_INSTITUTE: "ResearchOrganization",
    choices.OrganizerKind.ACADEMY: "ResearchOrganization",
}


def iso_partial_date(date, precision):
    """ISO 8601 at the stated precision: 2023, 2023-11 or 2023-11-18."""
    if date is None:
        return None
    return {"year": f"{date:%Y}", "month": f"{date:%Y-%m}"}.get(precision, date.isoformat())


def _compact(node):
    return {key: value for key, value in node.items() if value not in (None, "", [])}


def _reference(obj, request):
    """A short node for a related record: its @id, type and name."""
    if obj is None:
        return None
    if isinstance(obj, Event):
        kind = "Event"
    elif isinstance(obj, Person):
        kind = "Person"
    elif isinstance(obj, Company):
        kind = "Corporation"
    elif isinstance(obj, Organizer):
        kind = ORGANIZER_TYPES.get(obj.kind, "Organization")
    elif isinstance(obj, Deal):
        kind = "be:Deal"
    else:
        kind = "Place"
    return _compact({"@id": detail_url(obj, request), "@type": kind, "name": str(obj)})


def _citations(obj):
    return [
        {"@type": "be:Citation", "be:quote": citation.quote, "be:source": citation.source.key}
        for citation in obj.citations.all()
    ]


def _place(obj):
    address = _compact(
        {
            "@type": "PostalAddress",
            "addressLocality": getattr(obj, "city", "") or getattr(obj, "hq_city", ""),
            "addressCountry": getattr(obj, "country", "") or getattr(obj, "hq_country", ""),
        }
    )
    return address if len(address) > 1 else None


def event_node(event, request):
    location = _compact(
        {
            "@type": "Place",
            "name": event.venue or (event.park.name if event.park else ""),
            "address": _compact(
                {"@type": "PostalAddress", "addressLocality": event.city, "addressRegion": event.district}
            )
            if event.city or event.district
            else None,
        }
    )
    return _compact(
        {
            "@id": detail_url(event, request),
            "@type": "Event",
            "identifier": event.slug,
            "name": event.name,
            "description": event.summary,
            "startDate": iso_partial_date(event.start_date, event.start_date_precision),
            "endDate": iso_partial_date(event.end_date, event.end_date_precision),
            "location": location if len(location) > 1 else None,
            "superEvent": _reference(event.parent, request),
            "subEvent": [_reference(sub, request) for sub in event.sub_events.all()],
            "organizer": [
                {
                    "@type": "OrganizationRole",
                    "roleName": link.get_role_display(),
                    "organizer": _reference(link.party, request),
                }
                for link in event.organizer_roles.all()
            ],
            "performer": [
                _compact(
                    {
                        "@type": "PerformanceRole",
                        "roleName": link.get_role_display(),
                        "performer": _reference(link.person, request),
                        "be:talkTitle": link.talk_title,
                    }
                )
                for link in event.participants.all()
            ],
            "attendee": [
                _compact(
                    {
                        "@type": "Role",
                        "roleName": link.get_role_display(),
                        "attendee": _reference(link.company, request),
                        "be:award": link.award,
                    }
                )
                for link in event.companies.all()
            ],
            "be:theme": event.theme,
            "be:citation": _citations(event),
        }
    )


def organization_node(organization, request):
    is_company = isinstance(organization, Company)
    return _compact(
        {
            "@id": detail_url(organization, request),
            "@type": "Corporation" if is_company else ORGANIZER_TYPES.get(organization.kind, "Organization"),
            "identifier": organization.slug,
            "name": organization.name,
            "alternateName": [alias.name for alias in organization.aliases.all()],
            "description": organization.description,
            "address": _place(organization),
            "parentOrganization": _reference(organization.parent, request),
            "be:citation": _citations(organization),
        }
    )


def person_node(person, request):
    return _compact(
        {
            "@id": detail_url(person, request),
            "@type": "Person",
            "identifier": person.slug,
            "name": person.name,
            "familyName": person.family_name,
            "givenName": person.given_name,
            "alternateName": [alias.name for alias in person.aliases.all()]
            + ([person.name_zh] if person.name_zh else []),
            "description": person.description,
            "award": [honour.title for honour in person.honours.all()],
            "affiliation": [_reference(a.organizer or a.company, request) for a in person.affiliations.all()],
            "performerIn": [_reference(link.event, request) for link in person.participations.all()],
            "be:citation": _citations(person),
        }
    )


def deal_node(deal, request):
    amount = None
    if deal.amount is not None:
        amount = {"@type": "MonetaryAmount", "value": str(deal.amount), "currency": deal.currency}
    return _compact(
        {
            "@id": detail_url(deal, request),
            "@type": "be:Deal",
            "identifier": deal.slug,
            "name": deal.title,
            "description": deal.summary,
            "be:kind": deal.kind,
            "be:date": iso_partial_date(deal.date, deal.date_precision),
            "be:asset": deal.asset,
            "be:amount": amount,
            "be:amountQualifier": deal.amount_qualifier,
            "be:amountStated": deal.amount_stated,
            "be:amountUSD": str(deal.amount_usd) if deal.amount_usd is not None else None,
            "be:undisclosed": deal.is_undisclosed or None,
            "be:projectCount": deal.project_count,
            "be:signedAt": _reference(deal.event, request),
            "be:partOf": _reference(deal.parent, request),
            "be:hasPart": [_reference(child, request) for child in deal.children.all()],
            "be:party": [
                {"@type": "Role", "roleName": party.get_role_display(), "be:party": _reference(party.party, request)}
                for party in deal.parties.all()
            ],
            "be:citation": _citations(deal),
        }
    )


def ranking_node(ranking, request):
    return _compact(
        {
            "@id": detail_url(ranking, request),
            "@type": ["ItemList", "be:Ranking"],
            "identifier": ranking.slug,
            "name": ranking.name,
            "be:yearRanked": ranking.year,
            "be:category": ranking.category,
            "be:dimension": ranking.dimension,
            "be:releasedAt": _reference(ranking.released_at, request),
            "itemListElement": [
                _compact(
                    {
                        "@type": "ListItem",
                        "position": entry.rank,
                        "be:rankStated": entry.rank_stated,
                        "item": _reference(entry.park, request),
                    }
                )
                for entry in ranking.entries.all()
            ],
            "be:citation": _citations(ranking),
        }
    )


NODE_BUILDERS = {
    Event: event_node,
    Organizer: organization_node,
    Company: organization_node,
    Person: person_node,
    Deal: deal_node,
    RankingList: ranking_node,
}


class JSONLDSerializer(serializers.BaseSerializer):
    """Serializes a record as its schema.org node (the renderer adds the @context)."""

    def to_representation(self, instance):
        return NODE_BUILDERS[type(instance)](instance, self.context.get("request"))
