"""Reading quotes in their source articles: a quote in its context, and the spans a set of quotes covers.

Plain functions over strings, so that the admin pages that show citations (the article with every
quote highlighted, a record's quotes in context) share one reading of where a quote stands.
"""

import re
from dataclasses import dataclass, field
from operator import attrgetter
from typing import NamedTuple

ELLIPSIS = "…"

# A sentence ends at . ! ? followed by whitespace or the end of the text, or at a full stop, ! or ? in full width
# (Chinese needs no space after them), after any closing quotes or brackets; a line break ends one too.
_CLOSERS = r"[\"'\u201d\u2019)\]]*"
_SENTENCE_END = re.compile(rf"[.!?]{_CLOSERS}(?=\s|$)|[\u3002\uff01\uff1f]{_CLOSERS}|\n")
_WHITESPACE = re.compile(r"\s+")


class QuoteInContext(NamedTuple):
    """A quote with the text around it; `before` and `after` start or end with "…" where cut short."""

    before: str
    quote: str
    after: str


def quote_in_context(text, quote, margin=250, *, start=None):
    """The quote's first occurrence (or the one at `start`) with up to `margin` characters either side.

    The context is cut at a sentence boundary within the margin where there is one, else at a word
    boundary (marked with "…"), so it never begins or ends mid-word. Returns None when the quote
    does not occur in the text.
    """
    if not quote:
        return None
    if start is None:
        start = text.find(quote)
    if start < 0 or text[start : start + len(quote)] != quote:
        return None
    end = start + len(quote)
    return QuoteInContext(_context_before(text, start, margin), quote, _context_after(text, end, margin))


def _context_before(text, start, margin):
    low = max(0, start - margin)
    window = text[low:start]
    if low == 0:
        return window.lstrip()
    # The earliest sentence beginning in the window: as much context as fits, from a sentence start.
    for boundary in _SENTENCE_END.finditer(window):
        if window[boundary.end() :].strip():
            return window[boundary.end() :].lstrip()
    # No sentence starts there: begin after the first whitespace, so that no word is cut.
    if text[low - 1].isspace():
        cut = 0
    else:
        space = _WHITESPACE.search(window)
        cut = space.end() if space else len(window)
    return ELLIPSIS + window[cut:].lstrip()


def _context_after(text, end, margin):
    high = min(len(text), end + margin)
    window = text[end:high]
    if high == len(text):
        return window.rstrip()
    # The last sentence end in the window.
    for boundary in reversed(list(_SENTENCE_END.finditer(window))):
        if window[: boundary.end()].strip():
            return window[: boundary.end()].rstrip()
    # None: stop at the last whitespace, so that no word is cut.
    if text[high].isspace():
        cut = len(window)
    else:
        spaces = list(_WHITESPACE.finditer(window))
        cut = spaces[-1].start() if spaces else 0
    return window[:cut].rstrip() + ELLIPSIS


def occurrences(text, passage):
    """Where the passage occurs in the text: (start, end) of each occurrence that does not overlap the previous."""
    found, start = [], text.find(passage) if passage else -1
    while start >= 0:
        found.append((start, start + len(passage)))
        start = text.find(passage, start + len(passage))
    return found


@dataclass
class CitedSpan:
    """A stretch of the text covered by one or more overlapping quotes, with the items quoting it."""

    start: int
    end: int
    items: list = field(default_factory=list)


def cited_spans(text, citations, *, quote=attrgetter("quote")):
    """The non-overlapping spans of `text` the citations' quotes cover, in order.

    Every occurrence of a quote counts. Quotes that overlap (or repeat one another) are merged into
    one span listing every citation quoting any part of it, each once, in order of appearance.
    Citations whose quote does not occur in the text are left out (see `missing_quotes`).
    """
    items = list(citations)
    marks = sorted(
        (start, end, index) for index, item in enumerate(items) for start, end in occurrences(text, quote(item))
    )
    spans = []
    for start, end, index in marks:
        if spans and start < spans[-1].end:
            span = spans[-1]
            span.end = max(span.end, end)
        else:
            span = CitedSpan(start, end)
            spans.append(span)
        if not any(item is items[index] for item in span.items):
            span.items.append(items[index])
    return spans


def missing_quotes(text, citations, *, quote=attrgetter("quote")):
    """The citations whose quote does not occur in the text."""
    return [citation for citation in citations if not quote(citation) or quote(citation) not in text]
