"""A quote in its context, and the spans a set of quotes covers in an article."""

from types import SimpleNamespace

import pytest

from biotech_events.services.sources import (
    ELLIPSIS,
    cited_spans,
    missing_quotes,
    occurrences,
    quote_in_context,
)

TEXT = (
    "The forum opened on Monday. Over 300 experts attended the opening ceremony in Chengdu. "
    "Three academicians gave keynote reports! Who will host next year? Nobody said."
)


def cite(quote, name=None):
    return SimpleNamespace(quote=quote, name=name or quote)


class TestQuoteInContext:
    def test_whole_sentences_around_the_quote_when_they_fit(self):
        context = quote_in_context(TEXT, "the opening ceremony", margin=40)
        assert context == ("Over 300 experts attended ", "the opening ceremony", " in Chengdu.")
        context = quote_in_context(TEXT, "the opening ceremony", margin=80)
        assert context.before == "The forum opened on Monday. Over 300 experts attended "
        assert context.after == " in Chengdu. Three academicians gave keynote reports! Who will host next year?"
        assert context.before + context.quote + context.after in TEXT

    def test_a_quote_at_the_start_has_nothing_before(self):
        context = quote_in_context(TEXT, "The forum opened", margin=30)
        assert context.before == ""
        assert context.after == " on Monday."

    def test_a_quote_at_the_end_has_nothing_after(self):
        assert quote_in_context(TEXT, "Nobody said.", margin=30) == ("Who will host next year? ", "Nobody said.", "")
        assert quote_in_context(TEXT, "said.", margin=10) == ("Nobody ", "said.", "")
        # The sentence before does not fit: its end is shown, from a word boundary.
        assert quote_in_context(TEXT, "Nobody said.", margin=20).before == f"{ELLIPSIS}host next year? "

    def test_the_whole_text_when_the_margin_covers_it(self):
        context = quote_in_context(TEXT, "keynote", margin=len(TEXT))
        assert context.before + context.quote + context.after == TEXT

    def test_cut_at_a_word_boundary_with_an_ellipsis_when_no_sentence_boundary_is_near(self):
        context = quote_in_context(TEXT, "attended", margin=12)
        assert context.before.startswith(ELLIPSIS)
        assert context.after.endswith(ELLIPSIS)
        before, after = context.before.removeprefix(ELLIPSIS), context.after.removesuffix(ELLIPSIS)
        assert before == "300 experts "  # the margin reaches just after "Over ": a word boundary
        assert after == " the opening"
        before = quote_in_context(TEXT, "attended", margin=10).before.removeprefix(ELLIPSIS)
        assert before == "experts "  # not "0 experts ": no word is cut
        start = TEXT.index("attended")
        assert TEXT[start - len(before) - 1] == " "
        assert TEXT[start + len("attended") + len(after)] == " "

    def test_a_repeated_quote_is_read_at_its_first_occurrence_or_at_the_one_given(self):
        text = "Alpha met Beta. Gamma met Delta. Alpha met Beta again."
        assert quote_in_context(text, "Alpha met Beta", margin=20).after == ". Gamma met Delta."
        second = text.rindex("Alpha met Beta")
        context = quote_in_context(text, "Alpha met Beta", margin=20, start=second)
        assert context.before == "Gamma met Delta. "
        assert context.after == " again."

    def test_full_width_punctuation_ends_a_sentence(self):
        text = "会议开幕。成都高新区主办。专家出席。"
        assert quote_in_context(text, "主办", margin=7) == ("成都高新区", "主办", "。专家出席。")
        assert quote_in_context(text, "主办", margin=10) == ("会议开幕。成都高新区", "主办", "。专家出席。")
        assert quote_in_context(text, "成都高新区", margin=4) == (ELLIPSIS, "成都高新区", "主办。")

    def test_a_quote_not_in_the_text_has_no_context(self):
        assert quote_in_context(TEXT, "Shanghai") is None
        assert quote_in_context(TEXT, "") is None
        assert quote_in_context(TEXT, "forum", start=0) is None  # not at the position given


class TestCitedSpans:
    def test_separate_quotes_make_separate_spans_in_order(self):
        a, b = cite("Over 300 experts"), cite("on Monday")
        spans = cited_spans(TEXT, [a, b])
        assert [(TEXT[s.start : s.end], s.items) for s in spans] == [("on Monday", [b]), ("Over 300 experts", [a])]

    def test_overlapping_quotes_merge_into_one_span_listing_both(self):
        a, b = cite("Over 300 experts attended"), cite("experts attended the opening ceremony")
        (span,) = cited_spans(TEXT, [a, b])
        assert TEXT[span.start : span.end] == "Over 300 experts attended the opening ceremony"
        assert span.items == [a, b]

    def test_a_chain_of_overlaps_and_a_quote_inside_another_merge_into_one(self):
        quotes = [cite("forum opened on"), cite("on Monday. Over"), cite("Over 300"), cite("Monday")]
        (span,) = cited_spans(TEXT, quotes)
        assert TEXT[span.start : span.end] == "forum opened on Monday. Over 300"
        assert span.items == [quotes[0], quotes[1], quotes[3], quotes[2]]  # in order of appearance

    def test_the_same_quote_cited_twice_is_one_span_with_both_citations(self):
        a, b = cite("keynote reports", "event"), cite("keynote reports", "person")
        (span,) = cited_spans(TEXT, [a, b])
        assert span.items == [a, b]

    def test_touching_quotes_stay_separate(self):
        a, b = cite("The forum"), cite(" opened")
        assert [(s.start, s.end) for s in cited_spans(TEXT, [a, b])] == [(0, 9), (9, 16)]

    def test_every_occurrence_of_a_quote_is_covered(self):
        text = "Alpha met Beta. Gamma met Delta. Alpha met Beta again."
        a = cite("Alpha")
        assert [(s.start, s.end) for s in cited_spans(text, [a])] == occurrences(text, "Alpha") == [(0, 5), (33, 38)]

    def test_quotes_not_in_the_text_are_left_out_and_reported(self):
        a, b = cite("Shanghai"), cite("Chengdu")
        assert [s.items for s in cited_spans(TEXT, [a, b])] == [[b]]
        assert missing_quotes(TEXT, [a, b]) == [a]

    def test_accepts_an_iterator_and_any_quote_accessor(self):
        spans = cited_spans(TEXT, iter([("Chengdu", 1)]), quote=lambda pair: pair[0])
        assert spans[0].items == [("Chengdu", 1)]


@pytest.mark.django_db
def test_every_seeded_quote_has_a_context_inside_its_article(seeded):
    from biotech_events.models import Citation

    for citation in Citation.objects.select_related("source"):
        context = quote_in_context(citation.source.text, citation.quote, margin=160)
        assert context is not None, citation
        around = context.before.removeprefix(ELLIPSIS) + context.quote + context.after.removesuffix(ELLIPSIS)
        assert around in citation.source.text
        assert len(around) <= len(citation.quote) + 2 * 160
