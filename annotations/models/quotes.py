"""The quote rule: an annotation's quote is its passage's text at its offsets, always.

The export promises `passage_text[span_start:span_end] == quote` (the whole passage's text when
there is no span). So the quote is never taken from the caller: `Annotation.save()` and the bulk
writes recompute it here from the passage and the offsets, and refuse offsets that fall outside
the passage. The admin, the importers, the API and the shell all end in those writes.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError

from transcripts.models import Passage

CHUNK = 5000  # ids per IN (...) list: well inside SQLite's limit on query parameters
QUOTE_INPUTS = {"passage", "start", "end", "quote"}  # a write of any of these rewrites the quote


class SpanOutsidePassage(ValidationError):
    """Offsets that do not name a piece of the passage (beyond its end, or only one given)."""


def span_problem(text: str, start: int | None, end: int | None) -> str | None:
    """Why start–end is not a span of `text`, or None if it is (both None: the whole passage)."""
    if start is None and end is None:
        return None
    if start is None or end is None:
        return "A span needs both a start and an end."
    if not 0 <= start < end <= len(text):
        return f"The span {start}–{end} is outside the passage (0–{len(text)} characters)."
    return None


def quote_of(text: str, start: int | None, end: int | None) -> str:
    """The quote of start–end in `text`: the span, or the whole passage when there is none."""
    problem = span_problem(text, start, end)
    if problem:
        raise SpanOutsidePassage(problem)
    return text if start is None else text[start:end]


def disordered(start: int | None, end: int | None) -> bool:
    # What the span_ordered CHECK constraint refuses: left to it, so the database is the rule.
    return (start is None) != (end is None) or (start is not None and start >= end)


def set_quotes(annotations: Iterable, texts: dict | None = None) -> None:
    """Set each annotation's quote from its passage and offsets; one query per 5,000 passages
    neither loaded with the annotation nor in `texts` (passage id -> text).
    Raises SpanOutsidePassage, naming the passage."""
    annotations, texts, passage_of = list(annotations), dict(texts or {}), {}
    for a in annotations:
        passage = a._state.fields_cache.get("passage")
        passage_of[id(a)] = (
            a.passage_id if a.passage_id is not None else getattr(passage, "pk", None)
        )
        if passage is not None and passage.pk is not None and passage.pk == passage_of[id(a)]:
            texts[passage.pk] = passage.text
    missing = sorted(set(passage_of.values()) - set(texts) - {None})
    for first in range(0, len(missing), CHUNK):
        ids = missing[first : first + CHUNK]
        texts |= dict(Passage.objects.filter(pk__in=ids).values_list("pk", "text"))
    for a in annotations:
        passage_id = passage_of[id(a)]
        if passage_id not in texts or disordered(a.start, a.end):
            continue  # no such passage, or a disordered span: the database refuses the row
        try:
            a.quote = quote_of(texts[passage_id], a.start, a.end)
        except SpanOutsidePassage as outside:
            raise SpanOutsidePassage(f"Passage {passage_id}: {outside.message}") from None
