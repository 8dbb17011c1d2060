"""Pure curation logic: which annotations all coders agree on, and where annotators differ.

An item is an annotation reduced to what the agreement's exact match compares: its tag and its
`Span` (passage, offsets, and for a link the target passage and the answered span). No Django
here: `annotations.adjudication` feeds it rows and writes what it decides.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .agreement.spans import Span


@dataclass(frozen=True)
class Item:
    annotation: int
    annotator: int
    tag: int
    span: Span
    target: int | None = None  # the annotator's annotation it answers, if any

    @property
    def key(self) -> tuple:
        return (self.tag, self.span)


def agreed_groups(items: Iterable[Item], coders: Iterable[int]) -> list[list[Item]]:
    """Groups of items, one per coder, on which every coder (at least two) agrees exactly.

    Groups come in passage order, so an item's target (said earlier) is merged before it.
    """
    coders = set(coders)
    if len(coders) < 2:
        return []  # one annotator's work is not an agreement
    by_key: dict[tuple, dict[int, Item]] = defaultdict(dict)
    for item in items:
        by_key[item.key].setdefault(item.annotator, item)
    groups = [list(group.values()) for group in by_key.values() if coders <= set(group)]
    return sorted(groups, key=lambda group: (group[0].span.passage, group[0].span.start))


def differs(keys_by_coder: Mapping[int, set], coders: Iterable[int]) -> bool:
    """Whether the coders' items on one passage differ (someone has an item another lacks)."""
    sets = [frozenset(keys_by_coder.get(coder, ())) for coder in coders]
    return len(set(sets)) > 1


def coder_labels(usernames: list[str], *, anonymise: bool) -> list[str]:
    """Column headings: the usernames, or "Annotator 1, 2, …" in the same order."""
    if not anonymise:
        return list(usernames)
    return [f"Annotator {number}" for number in range(1, len(usernames) + 1)]
