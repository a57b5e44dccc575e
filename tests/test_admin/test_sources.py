"""Sources in the admin: an article's text with every cited quote highlighted, and each record's quotes in context."""

import re
import xml.etree.ElementTree as ET
from html import unescape

import pytest
from django.urls import reverse

from biotech_events.admin.sources import highlighted_text
from biotech_events.models import CITATION_TARGET_FIELDS, Citation, Company, Event, SourceDocument
from tests.factories import CompanyFactory, EventFactory, PersonFactory

pytestmark = pytest.mark.django_db

SOURCE_000 = "000_bde207d968dfe5fb.txt"


def change_url(record):
    return reverse(f"admin:biotech_events_{record._meta.model_name}_change", args=[record.pk])


def highlights(html):
    """The article text's highlights: [(marked text, {citation ids}, [record links])], parsed as XML.

    Parsing the fragment as XML also proves it well-formed: no overlapping quotes broke the nesting.
    """
    fragment = re.search(r'<div class="source-text">.*?</div>(?=<h3 class="source-records-title">)', html, re.S)
    assert fragment, "no highlighted text on the page"
    root = ET.fromstring(fragment.group(0))
    found, pending = [], set()
    for element in root:
        if element.tag == "span" and element.get("id", "").startswith("citation-"):
            pending.add(int(element.get("id").removeprefix("citation-")))
        elif element.tag in ("a", "mark"):
            mark = element if element.tag == "mark" else element.find("mark")
            found.append(["".join(mark.itertext()), pending, [element.get("href")] if element.tag == "a" else []])
            pending = set()
        elif element.tag == "sup":
            found[-1][2] += [link.get("href") for link in element.iter("a")]
    return found


def source_page(client, source):
    response = client.get(change_url(source))
    assert response.status_code == 200
    return response.content.decode()


def test_every_seeded_citation_is_highlighted_and_linked_to_its_record(seeded, admin_client):
    for source in SourceDocument.objects.all():
        marks = highlights(source_page(admin_client, source))
        citations = list(source.citations.all())
        assert citations
        for citation in citations:
            (text, _, links) = next(m for m in marks if citation.pk in m[1])
            assert citation.quote in text, citation
            assert change_url(citation.target) in links, citation
        # Highlights never overlap: together they are disjoint stretches of the article.
        assert sum(len(text) for text, _, _ in marks) <= len(source.text)


def test_the_legend_counts_citations_and_records(seeded, admin_client):
    source = SourceDocument.objects.get(key=SOURCE_000)
    citations = list(source.citations.all())
    records = {(c.target_field, c.target.pk) for c in citations}
    html = source_page(admin_client, source)
    assert f"{len(citations)} citations from this article support {len(records)} records." in html
    assert html.count('<li><a href="/admin/biotech_events/') >= len(records)


def test_overlapping_and_repeated_quotes_make_one_highlight_listing_every_record(admin_client):
    source = SourceDocument.objects.create(
        key="test_overlap.txt", title="Overlaps", text="Alpha Pharma signed with Beta Bio in Chengdu on Monday."
    )
    alpha, beta = CompanyFactory(name="Alpha Pharma"), CompanyFactory(name="Beta Bio")
    event = EventFactory(name="Signing")
    Citation.objects.create(source=source, quote="Alpha Pharma signed with", company=alpha)
    Citation.objects.create(source=source, quote="signed with Beta Bio", company=beta)
    Citation.objects.create(source=source, quote="signed with Beta Bio", event=event)  # the same quote again
    Citation.objects.create(source=source, quote="on Monday", event=event)

    marks = highlights(source_page(admin_client, source))
    assert [text for text, _, _ in marks] == ["Alpha Pharma signed with Beta Bio", "on Monday"]
    merged_links = marks[0][2]
    assert set(merged_links) == {change_url(alpha), change_url(beta), change_url(event)}
    assert len(merged_links) == 3  # each record once
    assert marks[1][2] == [change_url(event)] * 2  # the highlight itself and its number
    assert len(marks[0][1]) == 3 and len(marks[1][1]) == 1


def test_article_text_and_record_names_are_escaped(admin_client):
    text = 'Intro. <script>alert("x")</script> & <b>Co</b> signed. End.'
    source = SourceDocument.objects.create(key="test_escape.txt", title="Escapes", text=text)
    company = CompanyFactory(name='<img src=x onerror="alert(1)">')
    Citation.objects.create(source=source, quote='<script>alert("x")</script> & <b>Co', company=company)
    html = source_page(admin_client, source)
    assert "<script>alert" not in html
    assert '<img src=x onerror="alert(1)">' not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;Co" in html
    (marked,) = highlights(html)
    assert marked[0] == '<script>alert("x")</script> & <b>Co'
    assert marked[2] == [change_url(company)] * 2


def test_highlighted_text_is_well_formed_for_any_overlap_pattern():
    text = "one two three four five six seven"
    quotes = ["one two", "two three four", "four", "six", "five six seven", "seven", "three", "nine"]

    class Quote:
        def __init__(self, pk, quote):
            self.pk, self.quote, self.target_field = pk, quote, "company"
            self.target = Company(pk=pk, name=f"Company {pk}")

    citations = [Quote(pk, quote) for pk, quote in enumerate(quotes, start=1)]
    html = str(highlighted_text(text, citations, url_for=lambda record: f"/c/{record.pk}/"))
    root = ET.fromstring(f"<root>{html}</root>")  # well-formed
    marks = ["".join(m.itertext()) for m in root.iter("mark") if m.get("title")]
    assert marks == ["one two three four", "five six seven"]
    assert "1 quote not found in the text" in unescape(html) and "“nine”" in unescape(html)
    assert "7 citations" not in html and "8 citations from this article support 7 records" in html


def test_the_text_is_editable_on_the_add_page_only(seeded, admin_client):
    add = admin_client.get(reverse("admin:biotech_events_sourcedocument_add")).content.decode()
    assert 'name="text"' in add
    source = SourceDocument.objects.get(key=SOURCE_000)
    change = source_page(admin_client, source)
    assert 'name="text"' not in change

    response = admin_client.post(
        change_url(source),
        {
            "key": source.key,
            "title": source.title + " (edited)",
            "language": source.language,
            "text": "A different text, which would orphan every quote.",
            "notes": source.notes,
        },
    )
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    source.refresh_from_db()
    assert source.title.endswith("(edited)")
    assert source.text.startswith("\nOn October 19th")
    assert all(source.contains(c.quote) for c in source.citations.all())


def test_a_new_source_is_added_with_its_text(admin_client):
    response = admin_client.post(
        reverse("admin:biotech_events_sourcedocument_add"),
        {"key": "test_new.txt", "title": "A new article", "language": "en", "text": "It happened in Wuhan."},
    )
    assert response.status_code == 302
    assert SourceDocument.objects.get(key="test_new.txt").text == "It happened in Wuhan."


def test_the_source_page_loads_all_citations_and_records_in_a_few_queries(
    seeded, admin_client, django_assert_max_num_queries
):
    source = SourceDocument.objects.get(key=SOURCE_000)
    assert source.citations.count() > 100
    # The session, the user, the source, its citations, then one query per kind of record they support.
    with django_assert_max_num_queries(4 + len(CITATION_TARGET_FIELDS)):
        admin_client.get(change_url(source))


# A record's citations, in context


def test_a_records_page_shows_each_quote_highlighted_in_its_context(seeded, admin_client):
    event = Event.objects.get(slug="2023-china-biotechnology-innovation-conference")
    html = admin_client.get(change_url(event)).content.decode()
    citations = list(event.citations.select_related("source"))
    assert citations
    for citation in citations:
        cell = re.search(
            r'<span class="quote-in-context"[^>]*>(.*?) <a href="([^"]*)"[^>]*>in the article</a></span>',
            html[html.index(f'value="{citation.pk}" id="id_citations-') :],
            re.S,
        )
        assert cell, citation
        before, rest = cell.group(1).split("<mark>")
        quote, after = rest.split("</mark>")
        assert unescape(quote) == citation.quote
        around = unescape(before).removeprefix("…") + citation.quote + unescape(after).removesuffix("…")
        assert around in citation.source.text and len(around) > len(citation.quote)
        link = reverse("admin:biotech_events_sourcedocument_change", args=[citation.source_id])
        assert cell.group(2) == f"{link}#citation-{citation.pk}"


def form_data(response):
    """POST data reproducing a change or add form as rendered, its inline formsets included."""
    data = {}

    def add(form):
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = value
        data[f"{formset.prefix}-TOTAL_FORMS"] = formset.initial_form_count()  # the empty extra rows left out
        for form in formset.initial_forms:
            add(form)
    return data


def citation_row(response, source, quote):
    """The data of a new citation in the inline's empty row."""
    formset = next(i.formset for i in response.context["inline_admin_formsets"] if i.formset.model is Citation)
    index = formset.initial_form_count()  # the first row after the stored citations
    return {
        f"{formset.prefix}-TOTAL_FORMS": index + 1,
        f"{formset.prefix}-{index}-source": source.pk,
        f"{formset.prefix}-{index}-quote": quote,
    }


def test_the_inline_refuses_a_quote_not_in_its_source_on_a_record_being_changed(seeded, admin_client):
    company = CompanyFactory()
    source = SourceDocument.objects.get(key=SOURCE_000)
    page = admin_client.get(change_url(company))
    row = citation_row(page, source, "AstraZeneca moved its headquarters to Chengdu")
    response = admin_client.post(change_url(company), form_data(page) | row)
    assert response.status_code == 200
    errors = next(i.formset for i in response.context["inline_admin_formsets"] if i.formset.model is Citation).errors
    assert "does not occur verbatim" in str(errors)
    assert "does not occur verbatim" in response.content.decode()
    assert not company.citations.exists()

    row = citation_row(page, source, "AstraZeneca")
    response = admin_client.post(change_url(company), form_data(page) | row)
    assert response.status_code == 302
    assert list(company.citations.values_list("quote", flat=True)) == ["AstraZeneca"]


def test_the_inline_refuses_a_bad_quote_and_keeps_a_good_one_on_a_record_being_added(seeded, admin_client):
    source = SourceDocument.objects.get(key=SOURCE_000)
    add_url = reverse("admin:biotech_events_person_add")
    page = admin_client.get(add_url)
    person = {"name": "Deng Zixin", "slug": "deng-zixin-test"}

    row = citation_row(page, source, "Deng Zixin, a Nobel laureate")
    response = admin_client.post(add_url, form_data(page) | person | row)
    assert response.status_code == 200  # the form again, not a server error
    assert "does not occur verbatim" in response.content.decode()
    assert not response.context["adminform"].form.errors

    row = citation_row(page, source, "Deng Zixin, academician of the CAS Member")
    response = admin_client.post(add_url, form_data(page) | person | row)
    assert response.status_code == 302
    (citation,) = Citation.objects.filter(person__slug="deng-zixin-test")
    assert citation.quote == "Deng Zixin, academician of the CAS Member"


def test_a_quote_in_context_is_shown_for_an_existing_citation_only(admin_client):
    person = PersonFactory()
    html = admin_client.get(change_url(person)).content.decode()
    assert "in context" in html.lower()
    assert 'class="quote-in-context"' not in html  # no citation yet: nothing to show
