from ...models import Company, DealParty, EventCompany, EventOrganizer, Organizer
from .base import CatalogueSerializer, SelfUrlField
from .provenance import AliasSerializer, CitedSerializer


class HostingRoleSerializer(CatalogueSerializer):
    """An event this body organised, and in what role."""

    class Meta:
        model = EventOrganizer
        fields = ["event", "role"]
        read_only_fields = fields


class EventCompanyRoleSerializer(CatalogueSerializer):
    """An event this company took part in, and how."""

    class Meta:
        model = EventCompany
        fields = ["event", "role", "award"]
        read_only_fields = fields


class DealRoleSerializer(CatalogueSerializer):
    """A deal this body or company is party to, and in what role."""

    class Meta:
        model = DealParty
        fields = ["deal", "role"]
        read_only_fields = fields


class OrganizerSerializer(CitedSerializer):
    url = SelfUrlField()
    aliases = AliasSerializer(many=True, required=False)
    events = HostingRoleSerializer(source="event_roles", many=True, read_only=True)
    deals = DealRoleSerializer(source="deal_roles", many=True, read_only=True)

    class Meta(CitedSerializer.Meta):
        model = Organizer
        fields = [
            "id",
            "url",
            "display",
            "name",
            "slug",
            "kind",
            "parent",
            "city",
            "country",
            "description",
            "aliases",
            "events",
            "deals",
            "citations",
        ]


class CompanySerializer(CitedSerializer):
    url = SelfUrlField()
    aliases = AliasSerializer(many=True, required=False)
    events = EventCompanyRoleSerializer(source="participations", many=True, read_only=True)
    hosted_events = HostingRoleSerializer(source="hosting_roles", many=True, read_only=True)
    deals = DealRoleSerializer(source="deal_roles", many=True, read_only=True)

    class Meta(CitedSerializer.Meta):
        model = Company
        fields = [
            "id",
            "url",
            "display",
            "name",
            "slug",
            "kind",
            "parent",
            "hq_city",
            "hq_country",
            "description",
            "aliases",
            "events",
            "hosted_events",
            "deals",
            "citations",
        ]
