"""Filter sets: every filter documented in the schema, several values meaning "any of them"."""

import re

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, TrigramStrictWordSimilarity
from django.db import connections
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django_filters.widgets import QueryArrayWidget
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter, SearchFilter

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
    """`?search=`: the records one of whose names holds every word of the search.

    A record's names are its own searched fields, taken together (the words may sit in different
    fields: an event's name and its city), and each of its aliases, taken alone: "Lianying Medical"
    finds United Imaging Healthcare by that alias, while "Lianying Healthcare", half one name and
    half another, finds nothing. Matching name by name lets PostgreSQL intersect the words' trigram
    index hits before it reads a row, so a three-word search reads a handful of rows rather than
    every row holding its commonest word. The aliases' matches come in through a semi-join over a
    UNION of index-served id sets, so rows never repeat and no DISTINCT is needed. A search so broad
    that gathering its matches would cost more than looking at rows (STREAMED_FROM names or more) is
    tested row by row instead, own fields OR EXISTS (an alias), and stops at the count's and the
    page's LIMIT.

    A word is found in a field when the field contains it (case-insensitively), or, for an `=field`
    (the slug), when it is the whole value. On PostgreSQL, a word that no record's names contain as
    typed is matched by similarity instead (pg_trgm word similarity, `%>`), in the view's
    `fuzzy_search_fields` and the aliases: one letter wrong still finds the name. Words found as
    typed are matched only as typed, so the costly similarity scans run for misspelt words alone,
    and a misspelling that some name really contains finds that name. A word without three letters
    or digits in a row ("AZ", "潘晨") has no trigram to look up, so on PostgreSQL it must begin a word
    of those names or aliases (or be a whole `=field`) rather than sit anywhere in any field. A word
    without two letters or digits in a row ("a", "&") is left out, and a search of such words alone
    finds nothing. SQLite matches every word plainly, as a substring.

    Without `?ordering=` (or `?cursor=`), a search that matches at most RANKED_AT_MOST names lists
    the best matches first (views with `fuzzy_search_fields`): a name or alias equal to the search,
    then names starting with it, then (when a word was misspelt) the most similar names; ties keep
    the list's usual order. A broader search keeps the usual order: ranking would read every match.
    """

    def get_search_terms(self, request):
        try:
            return super().get_search_terms(request)
        except ValidationError as error:  # DRF's own check (a NUL character): name the parameter
            raise ValidationError({self.search_param: error.detail}) from error

    def filter_queryset(self, request, queryset, view):
        terms = self.get_search_terms(request)
        fields = self.get_search_fields(view, request)
        if not terms or not fields:
            return queryset
        # A word without two letters or digits in a row ("-", "%", "a") has too little to search by.
        words = [term for term in terms if len(_longest_run(term)) >= 2]
        if not words:
            return queryset.none()
        fuzzy_fields = getattr(view, "fuzzy_search_fields", [])
        search = NameSearch(queryset.model, fields, fuzzy_fields, words, using=queryset.db)
        queryset = search.filter(queryset)
        return search.rank(queryset) if self.ranks(request, queryset, view) else queryset

    def ranks(self, request, queryset, view):
        """Whether the search sets the list's order: not when `?ordering=` or cursor mode does."""
        paginator = getattr(view, "paginator", None)
        if getattr(paginator, "cursor_query_param", None) in request.query_params:
            return False
        return not any(
            issubclass(backend, OrderingFilter) and backend().get_ordering(request, queryset, view)
            for backend in getattr(view, "filter_backends", [])
        )


# The most matching names a search ranks; a broader one keeps the list's order, which an index can serve.
RANKED_AT_MOST = 1000
# From this many matching names on, a search is tested row by row as the list streams by, which stops at
# the page's or the count's LIMIT; below it, the matches are gathered from the indexes first.
STREAMED_FROM = 10_000


class NameSearch:
    """One `?search=` on one model: which records match, and in what order (see CatalogueSearchFilter)."""

    def __init__(self, model, fields, fuzzy_fields, words, *, using):
        self.model = model
        self.fields = list(fields)
        self.words = list(words)
        self.alias_link = _alias_link(model)
        self.name_field = fuzzy_fields[0] if fuzzy_fields else None
        self.using = using
        self.fuzzy_fields = list(fuzzy_fields) if connections[using].vendor == "postgresql" else []
        self.misspelt = []  # the words no name contains as typed, matched by similarity
        self.hits = None  # how many names match, counted up to STREAMED_FROM, once known
        self.found = None  # the ids of the matching records, when few enough names match to fetch them

    def filter(self, queryset):
        if self.fuzzy_fields:
            # Most searches find what was typed: looking up the names that hold it (which ranking and the
            # query's shape need anyway) says so. Only a search that finds nothing looks for misspellings.
            self.find()
            if not self.hits:
                self.misspelt = self.find_misspelt()
                if self.misspelt:
                    self.find()
        return self.matching(queryset)

    def name_ids(self):
        """The ids of the records with a matching name (a record's own fields, or an alias), unordered.

        UNION ALL under a LIMIT stops at the limit, however broad the search; a record matched by
        several names comes several times, which is no matter for telling a few matches from many.
        """
        own, in_alias = self.conditions(self.words)
        ids = self.model._default_manager.filter(own).order_by().values_list("pk", flat=True)
        if self.alias_link:
            ids = ids.union(self.aliases(in_alias).values_list(self.alias_link, flat=True), all=True).order_by()
        return ids

    def find(self):
        """Set `hits`, and `found` when at most RANKED_AT_MOST names match.

        A narrow search (the usual one: a name) fetches its few ids once, so the list's count, its page
        and its ranking look records up by id rather than repeating the trigram index scans.
        """
        ids = list(self.name_ids()[: RANKED_AT_MOST + 1])
        if len(ids) <= RANKED_AT_MOST:
            self.hits, self.found = len(ids), sorted(set(ids))
        else:
            self.hits, self.found = self.count_names(), None

    def count_names(self):
        """How many names match, up to STREAMED_FROM."""
        return self.name_ids()[:STREAMED_FROM].count()

    def matching(self, queryset):
        if self.found is not None:
            return queryset.filter(pk__in=self.found)
        own, in_alias = self.conditions(self.words)
        if self.alias_link:
            if self.hits is not None and self.hits >= STREAMED_FROM:
                # Broad: rows are tested as they stream by, so the count and the page stop at their LIMIT
                # (the page walking the order's index) instead of first gathering every match. Testing
                # every row costs more than gathering a few thousand matches, hence the threshold.
                aliases = self.aliases(in_alias).filter(**{self.alias_link: OuterRef("pk")})
                return queryset.filter(own | Q(Exists(aliases)))
            ids = self.model._default_manager.filter(own).order_by().values("pk")
            # UNION, not UNION ALL: PostgreSQL then knows how many ids to expect and plans the join to fit.
            return queryset.filter(pk__in=ids.union(self.aliases(in_alias).values(self.alias_link)))
        if any(_crosses_to_many(self.model, field.lstrip("=")) for field in self.fields):
            return queryset.filter(pk__in=self.model._default_manager.filter(own).values("pk"))
        return queryset.filter(own)

    def conditions(self, words):
        """(on the record, on one alias): each holds every word, typed or (if misspelt) similar."""
        own, in_alias = Q(), Q()
        for word in words:
            if self.fuzzy_fields and not _has_trigram(word):
                # No index can look up a shorter substring: the word must begin a word of a name.
                run = _longest_run(word)  # alone: a stray letter's trigrams are in almost every name
                own &= self.similar(run) | self.equals(word)
                in_alias &= Q(name__trigram_word_similar=run)
            elif word in self.misspelt:
                own &= self.similar(word)
                in_alias &= Q(name__trigram_word_similar=word)
            else:
                own &= self.contains(word)
                in_alias &= Q(name__icontains=word)
        return own, in_alias

    def contains(self, word):
        """The word in one of the searched fields: a substring, or the whole value of an `=field`."""
        condition = self.equals(word)
        for field in self.fields:
            if not field.startswith("="):
                condition |= Q(**{f"{field}__icontains": word})
        return condition

    def equals(self, word):
        """The word is the whole value of an `=field`: exact, so the field's b-tree index serves it."""
        condition = Q()
        for field in self.fields:
            if field.startswith("="):
                condition |= Q(**{f"{field[1:]}__in": sorted({word, word.lower()})})  # slugs are lower case
        return condition

    def similar(self, word):
        condition = Q()
        for field in self.fuzzy_fields:
            condition |= Q(**{f"{field}__trigram_word_similar": word})
        return condition

    def aliases(self, condition):
        return Alias.objects.filter(condition, **{f"{self.alias_link}__isnull": False}).order_by()

    def find_misspelt(self):
        """The words no record's names contain as typed: one query, a probe per word.

        Each probe stops at its first hit; a word found nowhere costs its index lookups only.
        """
        candidates = [word for word in self.words if _has_trigram(word)]  # a shorter word is never fuzzy
        if not candidates:
            return []
        probes = []
        for index, word in enumerate(candidates):
            own, in_alias = self.conditions([word])
            position = Value(index, output_field=IntegerField())
            probes.append(self.model._default_manager.filter(own).order_by().values(word=position)[:1])
            if self.alias_link:
                probes.append(self.aliases(in_alias).values(word=position)[:1])
        first, *others = probes
        query = first.union(*others, all=True).order_by() if others else first
        found = {row["word"] for row in query.using(self.using)}
        return [word for index, word in enumerate(candidates) if index not in found]

    def rank(self, queryset):
        """Best matches first, when there are few enough to rank (see CatalogueSearchFilter)."""
        if self.name_field is None:
            return queryset
        hits = self.count_names() if self.hits is None else self.hits
        if hits > RANKED_AT_MOST or (self.found is not None and len(self.found) <= 1):
            return queryset  # too many to rank, or one record (or none): nothing to put first
        phrase = " ".join(self.words)
        equal = Q(**{f"{self.name_field}__iexact": phrase})
        if self.alias_link:
            equal |= Q(pk__in=Alias.objects.filter(name__iexact=phrase).values(self.alias_link))
        rank = Case(
            When(equal, then=Value(0)),
            When(**{f"{self.name_field}__istartswith": phrase}, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
        terms = [rank.asc()]
        if self.misspelt:
            # Only then: similarity costs microseconds a row, and a common word matches thousands of rows.
            # Strict: "Hangzhou" is nearer to "Hangahou" than "Fuzhou Hangan" is (word_similarity says otherwise).
            terms.append(TrigramStrictWordSimilarity(phrase, self.name_field).desc())
        usual = list(queryset.query.order_by) or list(self.model._meta.ordering)
        return queryset.order_by(*terms, *usual, "pk")


_RUN = re.compile(r"[^\W_]+")  # letters or digits in a row, as pg_trgm splits words


def _longest_run(word):
    return max(_RUN.findall(word), key=len, default="")


def _has_trigram(word):
    """Whether pg_trgm can look the word up as a substring: it needs three letters or digits in a row."""
    return len(_longest_run(word)) >= 3


def _alias_link(model):
    """The field of Alias that points at `model`, or None when the model carries no aliases."""
    return model._meta.model_name if model._meta.model_name in ALIAS_TARGET_FIELDS else None


class MultiValueField(forms.Field):
    """Collects `?x=a&x=b` and `?x=a,b` alike into ["a", "b"]."""

    widget = QueryArrayWidget

    def clean(self, value):
        values = [item.strip() for item in super().clean(value) or [] if item.strip()]
        if any("\x00" in item for item in values):  # PostgreSQL refuses to compare a text with one
            raise forms.ValidationError("Null characters are not allowed.")
        return values


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


@extend_schema_field(
    {"type": "integer", "minimum": 1, "maximum": 9999, "description": "Year of the date (an event's start date)."}
)
class YearFilter(django_filters.NumberFilter):
    """The year of a date: a whole number a date can hold (1 to 9999), else a 400 rather than a crash."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=9999, **kwargs)


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
    matches when any path leads to one of the given records. A path across a to-many relation
    becomes a semi-join (`id IN (SELECT ...)`), so results never repeat and no DISTINCT is needed.
    """

    field_class = MultiValueField

    def filter(self, queryset, values):
        if not values:
            return queryset
        ids = [int(v) for v in values if v.isdecimal()]
        slugs = [v for v in values if not v.isdecimal()]
        condition = Q()
        paths = self.field_name.split()
        for path in paths:
            condition |= Q(**{f"{path}__in": ids}) | Q(**{f"{path}__slug__in": slugs})
        if any(_crosses_to_many(queryset.model, path) for path in paths):
            return queryset.filter(pk__in=queryset.model._default_manager.filter(condition).values("pk"))
        return queryset.filter(condition)


def _crosses_to_many(model, path):
    """Whether following `path` from `model` can reach several records per row (so a JOIN would repeat rows)."""
    for name in path.split("__"):
        field = model._meta.get_field(name)
        if field.one_to_many or field.many_to_many:
            return True
        model = field.related_model
    return False


# The text search configuration of `?text=`: the catalogue's prose is English. The full-text indexes
# (migration 0011) are built on the same expression, so changing it means a migration.
TEXT_SEARCH_CONFIG = "english"
# The fields `?text=` reads, per model; 0011_text_search_indexes indexes the same expressions.
EVENT_TEXT_FIELDS = ("name", "theme", "summary", "description")
DEAL_TEXT_FIELDS = ("title", "asset", "summary", "description")
SOURCE_TEXT_FIELDS = ("title", "text")
_TEXT_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


class FullTextFilter(django_filters.CharFilter):
    """`?text=`: the records whose prose (name, summary, description...) holds the words.

    On PostgreSQL this is full-text search (`websearch_to_tsquery`, English stemming:
    "commercialising" finds "commercialise"): words must all occur, "a quoted phrase" in that order, `or` between
    alternatives, `-word` excludes. A GIN index on the same `to_tsvector` expression serves it.
    Without `?ordering=` (or `?cursor=`), up to RANKED_AT_MOST matches are listed best first
    (`ts_rank`), ties in the list's usual order; more keep the usual order, which an index serves.
    On SQLite every word (or quoted phrase) must occur as typed, case-insensitively, in one of the
    fields, and `-word` excludes; `or` is not understood there.
    """

    def __init__(self, *, fields, **kwargs):
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("label", f'Full-text search in {", ".join(fields)} (words, "a phrase", or, -word).')
        super().__init__(**kwargs)
        self.text_fields = list(fields)

    def filter(self, queryset, value):
        value = (value or "").strip()
        if not value:
            return queryset
        if connections[queryset.db].vendor != "postgresql":
            condition = self.plain_condition(value)
            return queryset.none() if condition is None else queryset.filter(condition)
        vector = SearchVector(*self.text_fields, config=TEXT_SEARCH_CONFIG)
        query = SearchQuery(value, config=TEXT_SEARCH_CONFIG, search_type="websearch")
        matching = queryset.alias(text_vector=vector).filter(text_vector=query)
        if not self.ranks() or matching.order_by().values("pk")[: RANKED_AT_MOST + 1].count() > RANKED_AT_MOST:
            return matching
        usual = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
        return matching.order_by(SearchRank(vector, query).desc(), *usual, "pk")

    def ranks(self):
        """Whether the best matches may come first: not when `?ordering=` or cursor mode sets the order."""
        request = getattr(getattr(self, "parent", None), "request", None)
        params = getattr(request, "query_params", None) or getattr(request, "GET", {})
        return "ordering" not in params and "cursor" not in params

    def plain_condition(self, value):
        """Every word or phrase in one of the fields, none of the excluded ones; None when nothing is asked for."""
        condition, searched = Q(), False
        for minus, phrase, word in _TEXT_TOKEN.findall(value):
            if word:
                excluded = word.startswith("-") and len(word) > 1
                term = word[1:] if excluded else word
            else:
                excluded, term = bool(minus), phrase.strip()
            if not _RUN.search(term):  # punctuation alone, which PostgreSQL's parser drops too
                continue
            found = Q()
            for field in self.text_fields:
                found |= Q(**{f"{field}__icontains": term})
            condition &= ~found if excluded else found
            searched = True
        return condition if searched else None


def kinds(choice_class, field_name="kind", label="kind"):
    # distinct=False: the field is the record's own (or a to-one's), so rows cannot repeat, and a
    # DISTINCT over every column would cost more than the whole page.
    return django_filters.MultipleChoiceFilter(
        field_name=field_name, choices=choice_class.choices, label=f"Any of these {label} values.", distinct=False
    )


class EventFilterSet(django_filters.FilterSet):
    kind = kinds(choices.EventKind)
    city = AnyOfFilter(label="City, any of these (case-insensitive).")
    start_date = django_filters.DateFromToRangeFilter(
        label="Start date range: start_date_after and/or start_date_before (YYYY-MM-DD, inclusive)."
    )
    year = YearFilter(field_name="start_date__year", label="Year the event started.")
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
    text = FullTextFilter(fields=EVENT_TEXT_FIELDS)

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
    year = YearFilter(field_name="date__year", label="Year of the deal's date.")
    asset = django_filters.CharFilter(lookup_expr="icontains", label="Asset or subject contains (e.g. CMG901).")
    parent = RelatedRecordFilter(label="Projects of these bundles.")
    top_level = BooleanFilter(field_name="parent", lookup_expr="isnull", label="true: deals not inside a bundle only.")
    text = FullTextFilter(fields=DEAL_TEXT_FIELDS)

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
    text = FullTextFilter(fields=SOURCE_TEXT_FIELDS)

    class Meta:
        model = SourceDocument
        fields = []
