from ...models import Affiliation, EventParticipant, Honour, Person
from .base import CatalogueSerializer, SelfUrlField
from .provenance import AliasSerializer, CitedSerializer


class HonourSerializer(CitedSerializer):
    class Meta:
        model = Honour
        fields = ["id", "kind", "title", "awarded_by", "field", "year", "citations"]


class AffiliationSerializer(CitedSerializer):
    """A position at exactly one of `organizer` or `company`."""

    class Meta:
        model = Affiliation
        fields = ["id", "organizer", "company", "position", "citations"]


class ParticipationSerializer(CatalogueSerializer):
    """An event this person took part in, in what role, with the talk's title where stated."""

    class Meta:
        model = EventParticipant
        fields = ["event", "role", "talk_title"]
        read_only_fields = fields


class PersonSerializer(CitedSerializer):
    url = SelfUrlField()
    aliases = AliasSerializer(many=True, required=False)
    honours = HonourSerializer(many=True, required=False)
    affiliations = AffiliationSerializer(many=True, required=False)
    events = ParticipationSerializer(source="participations", many=True, read_only=True)

    class Meta(CitedSerializer.Meta):
        model = Person
        fields = [
            "id",
            "url",
            "display",
            "name",
            "slug",
            "family_name",
            "given_name",
            "name_zh",
            "name_order",
            "description",
            "aliases",
            "honours",
            "affiliations",
            "events",
            "citations",
        ]
