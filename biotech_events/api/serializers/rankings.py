from ...models import Park, ParkRanking, RankingList, Report
from ..fields import BriefRelatedField
from .base import CatalogueSerializer, SelfUrlField
from .provenance import AliasSerializer, CitedSerializer


class ParkPlacingSerializer(CatalogueSerializer):
    """A ranking this park appears in, and its place there (empty when the source gives none)."""

    class Meta:
        model = ParkRanking
        fields = ["ranking", "rank", "rank_stated"]
        read_only_fields = fields


class ParkSerializer(CitedSerializer):
    url = SelfUrlField()
    aliases = AliasSerializer(many=True, required=False)
    rankings = ParkPlacingSerializer(many=True, read_only=True)
    events = BriefRelatedField(many=True, read_only=True, help_text="Events held in the park.")

    class Meta(CitedSerializer.Meta):
        model = Park
        fields = [
            "id",
            "url",
            "display",
            "name",
            "slug",
            "kind",
            "parent",
            "administered_by",
            "city",
            "district",
            "country",
            "description",
            "aliases",
            "rankings",
            "events",
            "citations",
        ]


class ReportSerializer(CitedSerializer):
    url = SelfUrlField()
    rankings = BriefRelatedField(many=True, read_only=True)

    class Meta(CitedSerializer.Meta):
        model = Report
        fields = [
            "id",
            "url",
            "display",
            "title",
            "slug",
            "year",
            "publisher",
            "released_at",
            "description",
            "rankings",
            "citations",
        ]


class RankingEntrySerializer(CitedSerializer):
    """A park's entry in the ranking, as listed inside the ranking."""

    class Meta:
        model = ParkRanking
        fields = ["id", "park", "rank", "rank_stated", "citations"]


class RankingListSerializer(CitedSerializer):
    url = SelfUrlField()
    entries = RankingEntrySerializer(many=True, required=False)

    class Meta(CitedSerializer.Meta):
        model = RankingList
        fields = [
            "id",
            "url",
            "display",
            "name",
            "slug",
            "year",
            "category",
            "dimension",
            "report",
            "publisher",
            "released_at",
            "description",
            "entries",
            "citations",
        ]


class ParkRankingSerializer(CitedSerializer):
    url = SelfUrlField()

    class Meta(CitedSerializer.Meta):
        model = ParkRanking
        fields = ["id", "url", "display", "ranking", "park", "rank", "rank_stated", "citations"]
