"""Filter sets: every filter documented in the schema, several values meaning "any of them"."""

import django_filters
from django import forms
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django_filters.widgets import QueryArrayWidget
from drf_spectacular.utils import extend_schema_field
from rest_framework.filters import SearchFilter

from .. import choices
from ..models import (
    ALIAS_TARGET_FIELDS,
    Alias,
    Company,
    Deal,
    Event,
    Organizer,
    Park,
    ParkRanking,
    Person,
    RankingList,
    Report,
    SourceDocument,
)


class CatalogueSearchFilter(SearchFilter):
    """`?search=`: every word must match a searched field or one of the record's aliases.

    Aliases are matched with EXISTS (no JOIN, no DISTINCT). On PostgreSQL the view's
    `fuzzy_search_fields` and aliases also match a word that is one typo away (pg_trgm word
    similarity, served by the trigram indexes of migration 0005); SQLite matches plainly.
    """

    def filter_queryset(self, request, queryset, view):
        words = self.get_search_terms(request)
        if not words:
            return queryset
        fields = self.get_search_fields(view, request) or []
        fuzzy = getattr(view, "fuzzy_search_fields", []) if connection.vendor == "postgresql" else []
        alias_link = _alias_link(queryset.model)
        for word in words:
            condition = Q()
            for field in fields:
                condition |= Q(**{f"{field}__icontains": word})
            for field in fuzzy:
                condition |= Q(**{f"{field}__trigram_word_similar": word})
            if alias_link:
                aliases = Alias.objects.filter(**{alias_link: OuterRef("pk")})
                matching = Q(name__icontains=word)
                if fuzzy:
                    matching |= Q(name__trigram_word_similar=word)
                condition |= Q(Exists(aliases.filter(matching)))
            queryset = queryset.filter(condition)
        return queryset


def _alias_link(model):
    """The field of Alias that points at `model`, or None when the model carries no aliases."""
    return model._meta.model_name if model._meta.model_name in ALIAS_TARGET_FIELDS else None


class MultiValueField(forms.Field):
    """Collects `?x=a&x=b` and `?x=a,b` alike into ["a", "b"]."""

    widget = QueryArrayWidget

    def clean(self, value):
        return [item.strip() for item in super().clean(value) or [] if item.strip()]


class StrictBooleanField(forms.NullBooleanField):
    """true/false (or 1/0, yes/no); anything else is an error rather than silently ignored."""

    widget = forms.TextInput
    VALUES = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}

    def to_python(self, value):
        if value in (None, ""):
            return None
        try:
            return self.VALUES[str(value).lower()]
        except KeyError:
            raise forms.ValidationError(f"Use true or false, not {value!r}.") from None


class BooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class AnyOfFilter(django_filters.Filter):
    """Matches records whose field equals (case-insensitively) any of the given values."""

    field_class = MultiValueField

    def filter(self, queryset, values):
        if not values:
            return queryset
        condition = Q()
        for value in values:
            condition |= Q(**{f"{self.field_name}__iexact": value})
        return queryset.filter(condition)


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class RelatedRecordFilter(django_filters.Filter):
    """Records related to any of the given records, each named by id or slug.

    `field_name` may list several paths ("parties__company parties__organizer"): a record
    matches when any path leads to one of the given records. Results are distinct even when
    the path crosses a to-many relation.
    """

    field_class = MultiValueField

    def filter(self, queryset, values):
        if not values:
            return queryset
        ids = [int(v) for v in values if v.isdigit()]
        slugs = [v for v in values if not v.isdigit()]
        condition = Q()
        for path in self.field_name.split():
            condition |= Q(**{f"{path}__in": ids}) | Q(**{f"{path}__slug__in": slugs})
        return queryset.filter(condition).distinct()


def kinds(choice_class, field_name="kind", label="kind"):
    return django_filters.MultipleChoiceFilter(
        field_name=field_name, choices=choice_class.choices, label=f"Any of these {label} values."
    )


class EventFilterSet(django_filters.FilterSet):
    kind = kinds(choices.EventKind)
    city = AnyOfFilter(label="City, any of these (case-insensitive).")
    start_date = django_filters.DateFromToRangeFilter(
        label="Start date range: start_date_after and/or start_date_before (YYYY-MM-DD, inclusive)."
    )
    year = django_filters.NumberFilter(field_name="start_date__year", label="Year the event started.")
    parent = RelatedRecordFilter(label="Sub-events of these events (id or slug).")
    top_level = BooleanFilter(
        field_name="parent", lookup_expr="isnull", label="true: main events only; false: sub-events only."
    )
    organizer = RelatedRecordFilter(
        field_name="organizer_roles__organizer", label="Organised (in any role) by these organizers (id or slug)."
    )
    company = RelatedRecordFilter(
        field_name="companies__company organizer_roles__company",
        label="With these companies taking part or co-hosting (id or slug).",
    )
    person = RelatedRecordFilter(field_name="participants__person", label="With these people taking part.")
    park = RelatedRecordFilter(label="Held in these parks (id or slug).")

    class Meta:
        model = Event
        fields = []


class OrganizerFilterSet(django_filters.FilterSet):
    kind = kinds(choices.OrganizerKind)
    city = AnyOfFilter()
    country = AnyOfFilter(label="ISO 3166-1 alpha-2 country codes.")
    event = RelatedRecordFilter(field_name="event_roles__event", label="Organisers of these events.")

    class Meta:
        model = Organizer
        fields = []


class CompanyFilterSet(django_filters.FilterSet):
    kind = kinds(choices.CompanyKind)
    city = AnyOfFilter(field_name="hq_city", label="Headquarters city, any of these.")
    country = AnyOfFilter(field_name="hq_country", label="Headquarters country (ISO 3166-1 alpha-2), any of these.")
    event = RelatedRecordFilter(
        field_name="participations__event hosting_roles__event",
        label="Companies that took part in or co-hosted these events.",
    )

    class Meta:
        model = Company
        fields = []


class PersonFilterSet(django_filters.FilterSet):
    event = RelatedRecordFilter(field_name="participations__event", label="People who took part in these events.")
    affiliation = RelatedRecordFilter(
        field_name="affiliations__organizer affiliations__company",
        label="People affiliated with these organizers or companies (id or slug).",
    )

    class Meta:
        model = Person
        fields = []


class DealFilterSet(django_filters.FilterSet):
    kind = kinds(choices.DealKind)
    event = RelatedRecordFilter(label="Deals signed or announced at these events.")
    party = RelatedRecordFilter(
        field_name="parties__company parties__organizer",
        label="Deals these companies or organizers are party to (id or slug).",
    )
    currency = AnyOfFilter(label="ISO 4217 currency codes, any of these.")
    amount = django_filters.RangeFilter(label="Amount range: amount_min and/or amount_max, in the deal's currency.")
    year = django_filters.NumberFilter(field_name="date__year", label="Year of the deal's date.")
    asset = django_filters.CharFilter(lookup_expr="icontains", label="Asset or subject contains (e.g. CMG901).")
    parent = RelatedRecordFilter(label="Projects of these bundles.")
    top_level = BooleanFilter(field_name="parent", lookup_expr="isnull", label="true: deals not inside a bundle only.")

    class Meta:
        model = Deal
        fields = []


class ParkFilterSet(django_filters.FilterSet):
    kind = kinds(choices.ParkKind)
    city = AnyOfFilter()
    ranking = RelatedRecordFilter(field_name="rankings__ranking", label="Parks listed in these rankings.")

    class Meta:
        model = Park
        fields = []


class RankingListFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(label="Year ranked.")
    category = kinds(choices.RankingCategory, field_name="category", label="category")
    released_at = RelatedRecordFilter(label="Rankings released at these events.")
    park = RelatedRecordFilter(field_name="entries__park", label="Rankings that list these parks.")

    class Meta:
        model = RankingList
        fields = []


class ParkRankingFilterSet(django_filters.FilterSet):
    ranking = RelatedRecordFilter(label="Entries of these rankings (id or slug).")
    year = django_filters.NumberFilter(field_name="ranking__year", label="Year ranked.")
    category = kinds(choices.RankingCategory, field_name="ranking__category", label="category")
    park = RelatedRecordFilter(label="Entries of these parks (id or slug).")

    class Meta:
        model = ParkRanking
        fields = []


class ReportFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter()
    publisher = RelatedRecordFilter()

    class Meta:
        model = Report
        fields = []


class SourceDocumentFilterSet(django_filters.FilterSet):
    language = kinds(choices.Language, field_name="language", label="language")
    outlet = AnyOfFilter()

    class Meta:
        model = SourceDocument
        fields = []
