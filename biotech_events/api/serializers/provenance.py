"""Citations, aliases and source articles."""

from rest_framework import serializers

from ...models import Alias, Citation, SourceDocument
from ..fields import SourceKeyField
from .base import CatalogueSerializer, SelfUrlField


class CitationSerializer(CatalogueSerializer):
    """A verbatim quote from a source article; refused (400 on `quote`) when the article does not contain it."""

    source = SourceKeyField(queryset=SourceDocument.objects.all(), help_text="The source article's key (file name).")

    class Meta:
        model = Citation
        fields = ["source", "quote", "note"]


class AliasSerializer(CatalogueSerializer):
    source = SourceKeyField(
        queryset=SourceDocument.objects.all(),
        required=False,
        allow_null=True,
        help_text="The article the spelling was seen in; the name must occur in it verbatim.",
    )

    class Meta:
        model = Alias
        fields = ["name", "kind", "source"]


class CitedSerializer(CatalogueSerializer):
    """A record that carries citations."""

    citations = CitationSerializer(many=True, required=False, help_text="Verbatim quotes supporting this record.")


class SourceDocumentSerializer(CatalogueSerializer):
    url = SelfUrlField()
    article_url = serializers.URLField(source="url", required=False, allow_blank=True, max_length=500)
    citation_count = serializers.IntegerField(read_only=True)

    class Meta(CatalogueSerializer.Meta):
        model = SourceDocument
        fields = [
            "id",
            "url",
            "display",
            "key",
            "title",
            "outlet",
            "author",
            "article_url",
            "published_on",
            "published_on_precision",
            "language",
            "notes",
            "sha256",
            "citation_count",
            "text",
        ]
        # The text is kept byte for byte as published: DRF would strip its leading and trailing whitespace.
        extra_kwargs = {"sha256": {"read_only": True}, "text": {"trim_whitespace": False}}

    def validate_text(self, value):
        # As in the admin: a stored article's text is fixed, or its citations would silently stop matching.
        if self.instance is not None and value != self.instance.text:
            raise serializers.ValidationError(
                "The text of a stored article cannot change: citations quote it verbatim. Register the new "
                "text as another article."
            )
        return value
