from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.widgets import AdminTextareaWidget
from django.db.models import Prefetch
from django.urls import NoReverseMatch, reverse
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import capfirst

from ..models import CITATION_TARGET_FIELDS, Alias, Citation, SluggedModel, SourceDocument
from ..services.sources import cited_spans, missing_quotes
from .base import CatalogueAdmin


def citation_targets():
    """Prefetches of the record each citation supports, with what its name is made of: one query per kind.

    A role link or figure (not a SluggedModel) is named after the records it links, so those come in
    the same query. One query per kind rather than one query of sixteen joins: PostgreSQL spends more
    time planning a join that wide (up to a second) than running all of these.
    """
    prefetches = []
    for name in CITATION_TARGET_FIELDS:
        target = Citation._meta.get_field(name).related_model
        if issubclass(target, SluggedModel):
            prefetches.append(name)
        else:
            named_by = [field.name for field in target._meta.concrete_fields if field.is_relation]
            prefetches.append(Prefetch(name, queryset=target._default_manager.select_related(*named_by)))
    return prefetches


def highlighted_text(text, citations, *, url_for, note=""):
    """The article's text, escaped, with each cited passage in a <mark> linked to the records it supports.

    Overlapping or repeated quotes become one highlight for every record they support. Records are
    numbered in order of first appearance; each highlight is followed by its records' numbers, linked
    to their admin pages, and the numbered list of records follows the text.
    """
    citations = list(citations)
    spans = cited_spans(text, citations)
    records = {}  # (target field, pk) -> CitedRecord, in order of first appearance
    for citation in (citation for span in spans for citation in span.items):
        key = (citation.target_field, citation.target.pk)
        if key not in records:
            records[key] = CitedRecord(len(records) + 1, citation.target, url_for(citation.target))
    for citation in citations:
        if (key := (citation.target_field, citation.target and citation.target.pk)) in records:
            records[key].citations.append(citation)

    parts, position = [], 0
    for span in spans:
        cited = list(
            {(c.target_field, c.target.pk): records[(c.target_field, c.target.pk)] for c in span.items}.values()
        )
        title = "Supports " + "; ".join(record.label for record in cited)
        passage = text[span.start : span.end]
        if len(cited) == 1 and cited[0].url:
            mark = format_html(
                '<a class="cited" href="{}"><mark title="{}">{}</mark></a>', cited[0].url, title, passage
            )
        else:
            mark = format_html('<mark class="cited-many" title="{}">{}</mark>', title, passage)
        parts += [
            conditional_escape(text[position : span.start]),
            format_html_join("", '<span id="citation-{}"></span>', ((c.pk,) for c in span.items)),
            mark,
            format_html(
                '<sup class="cited-by">[{}]</sup>',
                format_html_join(", ", '<a href="{}" title="{}">{}</a>', ((r.url, r.label, r.number) for r in cited)),
            ),
        ]
        position = span.end
    parts.append(conditional_escape(text[position:]))
    # Blank lines around the whole article would only show as empty space.
    parts[0] = parts[0].lstrip("\r\n")
    parts[-1] = parts[-1].rstrip("\r\n")

    legend = format_html(
        "<p><strong>{} from this article support {}.</strong> "
        '<mark>A highlight</mark> quotes one record: click it to open the record. <mark class="cited-many">A darker '
        "one</mark> is where quotes overlap and stands for several records. The numbers after each highlight "
        "link to its records, listed below the text.</p>",
        plural(len(citations), "citation"),
        plural(len(records), "record"),
    )
    if note:
        legend += format_html('<p class="citations-not-shown">{}</p>', note)
    missing = missing_quotes(text, citations)
    if missing:
        legend += format_html(
            '<p class="errornote">{} not found in the text: {}</p>',
            plural(len(missing), "quote"),
            format_html_join("; ", "“{}”", ((c.quote,) for c in missing)),
        )
    return format_html(
        '<div class="source-legend">{}</div><div class="source-text">{}</div>'
        '<h3 class="source-records-title">Records cited from this article</h3><ol class="source-records">{}</ol>',
        legend,
        SafeString("".join(parts)),
        format_html_join(
            "",
            '<li><a href="{}">{}</a> <span class="quiet">({})</span></li>',
            ((r.url, r.label, plural(len(r.citations), "quote")) for r in records.values()),
        ),
    )


def plural(count, noun):
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


@dataclass
class CitedRecord:
    number: int
    record: object
    url: str
    citations: list = field(default_factory=list)

    @property
    def label(self):
        return f"{capfirst(self.record._meta.verbose_name)}: {self.record}"


@admin.register(SourceDocument)
class SourceDocumentAdmin(CatalogueAdmin):
    list_display = ["key", "title", "outlet", "author", "published_on", "language"]
    list_filter = ["language", "outlet"]
    search_fields = ["key", "title", "outlet", "author"]
    change_form_template = "admin/biotech_events/source_change_form.html"
    # An article rarely has more (the seeds: 131 at most); past that, the page would grow without bound.
    citations_highlighted = 300
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "key",
                    "title",
                    "outlet",
                    "author",
                    "url",
                    ("published_on", "published_on_precision"),
                    "language",
                    "notes",
                    "sha256",
                ]
            },
        ),
        ("Text", {"fields": ["text"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        """A new article needs its text; a stored one shows it read-only, so that no quote silently stops matching."""
        if obj is None:
            return self.fieldsets
        return [
            *self.fieldsets[:-1],
            ("Text, with every cited quote highlighted", {"fields": ["cited_text"], "classes": ["source-text-set"]}),
        ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "notes":
            kwargs["widget"] = AdminTextareaWidget(attrs={"rows": 3})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return ["sha256"] if obj is None else ["sha256", "cited_text"]

    @admin.display(description="text")
    def cited_text(self, obj):
        """The text with the first `citations_highlighted` citations highlighted; a note counts the others."""
        limit = self.citations_highlighted
        citations = list(obj.citations.prefetch_related(*citation_targets()).order_by("pk")[: limit + 1])
        note = ""
        if len(citations) > limit:
            citations = citations[:limit]
            cap = settings.API_COUNT_CAP
            total = obj.citations.order_by().values("pk")[: cap + 1].count()
            note = format_html(
                'Only the first {} of {} citations are highlighted here. <a href="{}">See all of them</a>.',
                limit,
                f"{total:,}" if total <= cap else f"more than {cap:,}",
                reverse(f"{self.admin_site.name}:biotech_events_citation_changelist") + f"?source__id__exact={obj.pk}",
            )
        return highlighted_text(obj.text, citations, url_for=self.record_url, note=note)

    def record_url(self, record):
        opts = record._meta
        try:
            return reverse(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=[record.pk])
        except NoReverseMatch:
            return ""


@admin.register(Citation)
class CitationAdmin(CatalogueAdmin):
    list_display = ["__str__", "source", "supports"]
    list_filter = ["source"]
    search_fields = ["quote", "note"]
    autocomplete_fields = ["source", *CITATION_TARGET_FIELDS]
    list_select_related = ["source"]
    # Newest first, on the primary key: ordering by the source's key sorts every citation on each page.
    ordering = ["-pk"]
    sortable_by = []
    fieldsets = [
        (None, {"fields": ["source", "quote", "note"]}),
        ("The one record it supports", {"fields": list(CITATION_TARGET_FIELDS)}),
    ]

    def get_queryset(self, request):
        # The record each listed citation supports, for `supports`: one query per kind on the page.
        return super().get_queryset(request).prefetch_related(*citation_targets())

    @admin.display(description="supports")
    def supports(self, obj):
        return f"{obj._meta.get_field(obj.target_field).verbose_name}: {obj.target}" if obj.target_field else "—"


@admin.register(Alias)
class AliasAdmin(CatalogueAdmin):
    list_display = ["name", "kind", "organizer", "company", "person", "park", "source"]
    list_filter = ["kind", "source"]
    search_fields = ["name"]
    autocomplete_fields = ["source", "organizer", "company", "person", "park"]
    list_select_related = ["source", "organizer", "company", "person", "park"]
    sortable_by = ["name"]  # indexed: sorting a quarter of a million aliases by another column sorts them all
