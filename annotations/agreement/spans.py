"""Span- and link-level agreement between two annotators: one-to-one matches and F1.

A `Span` is one annotation reduced to where it sits: its passage and character offsets in the
passage text (a whole-passage annotation spans 0..len(text)), and for a link its target.
Matching is one-to-one on the same passage, either exact (same start and end) or by overlap
(at least one shared character; greedy, largest overlap first). F1 = 2 * matches / (|A| + |B|).
"""

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import NamedTuple

from .reliability import Estimate, undefined


class Span(NamedTuple):
    passage: int
    start: int
    end: int
    # A link's target: the passage answered, and the answered annotation's offsets in it
    # (None when the link points at the passage itself, or there is no link).
    target_passage: int | None = None
    target_start: int | None = None
    target_end: int | None = None

    @property
    def is_link(self) -> bool:
        return self.target_passage is not None


def overlap(a: Span, b: Span) -> int:
    """Characters two spans share (0 on different passages)."""
    if a.passage != b.passage:
        return 0
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def targets_match(a: Span, b: Span, *, exact: bool) -> bool:
    """Same target passage; where both answer an annotation, those overlap (exact: coincide).

    A link to a passage and a link to an annotation on that passage agree in overlap mode (the
    issue's "same passage or overlapping annotations"), never in exact mode.
    """
    if a.target_passage != b.target_passage:
        return False
    a_target, b_target = (a.target_start, a.target_end), (b.target_start, b.target_end)
    if exact:
        return a_target == b_target
    if a.target_start is None or b.target_start is None:
        return True
    return min(a.target_end, b.target_end) > max(a.target_start, b.target_start)


def exact_matches(a: Sequence[Span], b: Sequence[Span], *, links: bool = False) -> int:
    """One-to-one matches with the same passage and offsets (and, for links, the same target)."""

    def key(span: Span) -> tuple:
        return span if links else span[:3]

    return sum((Counter(map(key, a)) & Counter(map(key, b))).values())


def overlap_matches(a: Sequence[Span], b: Sequence[Span], *, links: bool = False) -> int:
    """One-to-one matches by overlap: pairs sharing most characters are matched first."""
    left_by: dict[int, list[Span]] = defaultdict(list)
    right_by: dict[int, list[Span]] = defaultdict(list)
    for span in a:
        left_by[span.passage].append(span)
    for span in b:
        right_by[span.passage].append(span)
    matched = 0
    for passage, left in left_by.items():
        right = right_by.get(passage)
        if not right:
            continue
        candidates = sorted(
            (-shared, x.start, y.start, i, j)
            for i, x in enumerate(left)
            for j, y in enumerate(right)
            if (shared := overlap(x, y)) and (not links or targets_match(x, y, exact=False))
        )
        used_left: set[int] = set()
        used_right: set[int] = set()
        for *_, i, j in candidates:
            if i not in used_left and j not in used_right:
                used_left.add(i)
                used_right.add(j)
                matched += 1
    return matched


def f1(matches: int, a_count: int, b_count: int) -> Estimate:
    """2 * matches / (|A| + |B|); undefined when neither annotator made any annotation."""
    total = a_count + b_count
    if not total:
        return undefined("neither annotator made one", 0)
    return Estimate(2 * matches / total, total)


def span_f1(a: Sequence[Span], b: Sequence[Span], *, exact: bool) -> Estimate:
    """F1 of two annotators' spans of one tag; `units` is |A| + |B|."""
    matches = exact_matches(a, b) if exact else overlap_matches(a, b)
    return f1(matches, len(a), len(b))


def link_f1(a: Sequence[Span], b: Sequence[Span], *, exact: bool) -> Estimate:
    """F1 of two annotators' links (spans with a target): sources and targets must match."""
    a_links = [span for span in a if span.is_link]
    b_links = [span for span in b if span.is_link]
    if exact:
        matches = exact_matches(a_links, b_links, links=True)
    else:
        matches = overlap_matches(a_links, b_links, links=True)
    return f1(matches, len(a_links), len(b_links))
