"""Pure: a passage's text and the spans tagged on it → the segments to render.

No ORM here, so the overlap rules are tested without a database.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    start: int | None  # None = the whole passage
    end: int | None
    key: int  # the annotation's id


@dataclass(frozen=True)
class Segment:
    text: str
    keys: tuple[int, ...]  # the annotations covering this stretch, outermost first


def segments(text: str, spans: Iterable[Span]) -> list[Segment]:
    """Cut `text` at every span boundary; each piece lists the spans that cover it.

    Spans outside the text are clipped rather than trusted: the database keeps start < end but
    cannot compare offsets with the passage text.
    """
    length = len(text)
    bounds: list[tuple[int, int, int]] = []
    for span in spans:
        start = 0 if span.start is None else max(0, min(span.start, length))
        end = length if span.end is None else max(0, min(span.end, length))
        if start < end:
            bounds.append((start, end, span.key))
    cuts = sorted({0, length, *(s for s, _, _ in bounds), *(e for _, e, _ in bounds)})
    # Wider spans first, so a span nested in another reads as the inner, more specific one.
    ordered: Sequence[tuple[int, int, int]] = sorted(bounds, key=lambda b: (b[0] - b[1], b[2]))
    pieces = []
    for left, right in zip(cuts, cuts[1:], strict=False):
        keys = tuple(key for start, end, key in ordered if start <= left and right <= end)
        pieces.append(Segment(text[left:right], keys))
    return pieces
