"""Which passages an annotator has had on screen, as merged ranges of positions (pure).

The workspace reports the positions it showed ("0-24,31"); the server keeps them merged as
[[first, last], ...], so a 100,000-passage transcript read end to end is one pair.
"""

import re

RANGE = re.compile(r"(\d{1,9})(?:-(\d{1,9}))?", re.ASCII)
MAX_REPORT = 2000  # characters of one report: a screenful is a few ranges, never thousands
MAX_POSITION = 10_000_000

Ranges = list[list[int]]


class BadReport(ValueError):
    pass


def parse_ranges(text: str) -> list[tuple[int, int]]:
    """'3-10,12' -> [(3, 10), (12, 12)]; anything else is a BadReport saying what is wrong."""
    text = (text or "").strip()
    if len(text) > MAX_REPORT:
        raise BadReport(f"a report of seen passages is at most {MAX_REPORT} characters")
    ranges = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        match = RANGE.fullmatch(part)
        if match is None:
            raise BadReport(f"“{part[:20]}” is not a position or a range like 3-10")
        a, b = int(match[1]), int(match[2] or match[1])
        if a > b or b > MAX_POSITION:
            raise BadReport(f"“{part[:20]}” is not a range of passage positions")
        ranges.append((a, b))
    return ranges


def merge_ranges(existing, new) -> Ranges:
    """The union of two lists of inclusive ranges, sorted, touching ranges joined."""
    merged: Ranges = []
    for a, b in sorted([*map(tuple, existing), *map(tuple, new)]):
        if merged and a <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return merged


def subtract(new, existing) -> Ranges:
    """The parts of `new` not already in `existing`: what a report adds."""
    left: Ranges = []
    for a, b in merge_ranges([], new):
        for c, d in merge_ranges([], existing):
            if d < a or c > b:
                continue
            if c > a:
                left.append([a, c - 1])
            a = max(a, d + 1)
            if a > b:
                break
        if a <= b:
            left.append([a, b])
    return left


def count(ranges) -> int:
    return sum(b - a + 1 for a, b in ranges)
