"""Pure offset maths for correcting a transcript's structure: no Django, no database.

A passage is a slice `turn.text[start:end]` and an annotation a slice of its passage's text
(or the whole passage, start and end None). When the structure editor splits or merges
passages, these functions say where each annotation lands: `transcripts.edits` moves the
passages, and `annotations.structure` moves the annotations with what is computed here.
"""

from dataclasses import dataclass


class StructureError(ValueError):
    """An edit that cannot be made as asked; the message says why, for the curator."""


@dataclass(frozen=True)
class Cut:
    """A passage cut in two: `left` keeps text[:left_end], `right` starts at `right_start`."""

    left_end: int
    right_start: int
    length: int

    @property
    def right_length(self) -> int:
        return self.length - self.right_start


def cut_at(text: str, at: int) -> Cut:
    """Where a split at character `at` puts the two halves; the white space between them goes.

    Refuses a split that would leave either side empty (or only white space).
    """
    if not 0 < at < len(text):
        raise StructureError(f"Split inside the passage: between 1 and {len(text) - 1}.")
    left_end = len(text[:at].rstrip())
    right_start = len(text) - len(text[at:].lstrip())
    if left_end == 0 or right_start >= len(text):
        raise StructureError("A split must leave some text on each side.")
    return Cut(left_end=left_end, right_start=right_start, length=len(text))


@dataclass(frozen=True)
class Placed:
    """Where an annotation lands after a cut: on the right half or not, its new span, and
    whether the cut went through it (then it keeps only the side holding most of it)."""

    right: bool
    start: int | None
    end: int | None
    was_cut: bool


def place_after_cut(start: int | None, end: int | None, cut: Cut) -> Placed:
    whole = start is None
    s, e = (0, cut.length) if whole else (start, end)
    on_left = max(0, min(e, cut.left_end) - s)
    on_right = max(0, e - max(s, cut.right_start))
    was_cut = on_left > 0 and on_right > 0
    right = on_right > on_left
    if whole:  # a whole-passage tag stays a whole-passage tag, on the larger half
        return Placed(right=right, start=None, end=None, was_cut=True)
    if right:
        return Placed(True, max(s, cut.right_start) - cut.right_start, e - cut.right_start, was_cut)
    new_end = min(e, cut.left_end)
    if new_end <= s:  # only white space of the gap was tagged: keep its first character
        new_end = s + 1
    return Placed(False, s, new_end, was_cut)


def span_after_merge(
    start: int | None, end: int | None, *, offset: int, length: int
) -> tuple[int, int]:
    """A span of a passage that now begins `offset` characters into a longer passage.

    A whole-passage annotation becomes a span over the text it covered (`length` long): the
    merged passage is not what it tagged.
    """
    if start is None:
        return offset, offset + length
    return offset + start, offset + end


def merged_text(left: str, gap: str, right: str) -> tuple[str, int]:
    """The text of two neighbouring passages joined, and where the right one now begins.

    `gap` is what separated them in the turn text; anything but white space there (it should
    never be) is replaced by one space.
    """
    if gap.strip():
        gap = " "
    return left + gap + right, len(left) + len(gap)
