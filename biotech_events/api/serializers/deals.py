from rest_framework import serializers

from ...models import Deal, DealParty
from ..fields import BriefRelatedField
from .base import SelfUrlField
from .provenance import CitedSerializer


class DealPartySerializer(CitedSerializer):
    """A party to the deal: exactly one of `company` or `organizer`."""

    class Meta:
        model = DealParty
        fields = ["id", "role", "company", "organizer", "citations"]


class DealSerializer(CitedSerializer):
    url = SelfUrlField()
    when = serializers.CharField(read_only=True, help_text="The date at the precision the source states.")
    children = BriefRelatedField(many=True, read_only=True, help_text="The projects of a bundle.")
    parties = DealPartySerializer(many=True, required=False)

    class Meta(CitedSerializer.Meta):
        model = Deal
        fields = [
            "id",
            "url",
            "display",
            "title",
            "slug",
            "kind",
            "event",
            "parent",
            "children",
            "when",
            "date",
            "date_precision",
            "asset",
            "amount",
            "currency",
            "amount_qualifier",
            "amount_stated",
            "amount_usd",
            "is_undisclosed",
            "project_count",
            "summary",
            "description",
            "parties",
            "citations",
        ]
