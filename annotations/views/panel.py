"""The side panel's list of annotations: paged by a cursor, changed one item at a time.

A transcript may hold tens of thousands of annotations, so the panel shows a page of them and
loads the next page as the user scrolls (a cursor, not an offset, so an item added meanwhile
neither repeats nor goes missing). An action never re-renders the list: `Panel.changes()`
says, for each annotation it touched, "remove the old item, and insert the new one before its
successor" — out-of-band swaps whose size does not depend on how many annotations there are.
"""

from dataclasses import dataclass
from functools import cached_property

from django.db.models import Q, Subquery, Value
from django.db.models.functions import Coalesce

from ..models import Annotation, Membership
from .figures import Figures, SubqueryCount, stored_count

PAGE = 50


@dataclass(frozen=True)
class Key:
    """Where an annotation sits in the list: passage position, span start (-1: whole), id."""

    position: int
    start: int
    pk: int

    def __str__(self) -> str:
        return f"{self.position}.{self.start}.{self.pk}"

    @classmethod
    def parse(cls, text) -> "Key | None":
        parts = str(text or "").split(".")
        if len(parts) != 3 or not all(p.lstrip("-").isdigit() and len(p) < 19 for p in parts):
            return None
        return cls(*map(int, parts))

    def after(self) -> Q:
        """The items after this one in the list's order (whole-passage ones first: start -1)."""
        p, s, k = self.position, self.start, self.pk
        # Spelled on `start` itself: a filter on the Coalesce annotation inside an OR was
        # compiled without it (Django 5.2 dropped the condition).
        later_start = Q(start__isnull=False) if s < 0 else Q(start__gt=s)
        same_start = Q(start__isnull=True) if s < 0 else Q(start=s)
        return (
            Q(passage__position__gt=p)
            | (Q(passage__position=p) & later_start)
            | (Q(passage__position=p) & same_start & Q(pk__gt=k))
        )


@dataclass(frozen=True)
class Change:
    pk: int
    item: Annotation | None  # None: it is gone from the list (deleted, or filtered out)
    successor: int | None  # the item it goes before; None: at the end of the list


@dataclass
class Panel:
    membership: Membership
    transcript: object
    filters: object
    after: Key | None
    figures: Figures

    def __post_init__(self):
        if self.filters.panel_tag or self.filters.panel_speaker:  # a filtered list: counted
            self.figures.ask(panel_count=SubqueryCount(self.annotations))
        else:  # the whole list: the stored counters, however many annotations there are
            everyone = self.membership.sees_all_annotations()
            count = stored_count(
                self.membership, self.transcript, "annotation_count", everyone=everyone
            )
            self.figures.ask(panel_count=count)

    @cached_property
    def annotations(self):
        panel = (
            Annotation.objects.visible_to(self.membership)
            .filter(passage__transcript=self.transcript)
            .annotate(start_key=Coalesce("start", Value(-1)))
        )
        if self.filters.panel_tag:
            panel = panel.filter(tag_id=self.filters.panel_tag)
        if self.filters.panel_speaker:
            panel = panel.filter(passage__turn__speaker_id=self.filters.panel_speaker)
        return panel.order_by("passage__position", "start_key", "pk")

    def shown(self):
        return self.annotations.select_related(
            "tag", "annotator", "passage__turn__speaker", "target_passage__turn__speaker"
        )

    @cached_property
    def _rows(self) -> list:
        rows = self.shown()
        if self.after is not None:
            rows = rows.filter(self.after.after())
        return list(rows[: PAGE + 1])

    @property
    def page(self) -> list:
        return self._rows[:PAGE]

    @property
    def next_cursor(self) -> str | None:
        if len(self._rows) <= PAGE:
            return None
        last = self._rows[PAGE - 1]
        return str(Key(last.passage.position, last.start_key, last.pk))

    @property
    def count(self) -> int:
        return self.figures["panel_count"]

    def listed(self, annotation: Annotation) -> bool:
        """Whether the list, as filtered, shows this annotation (already known visible)."""
        f = self.filters
        return (
            annotation.passage.transcript_id == self.transcript.pk
            and (not f.panel_tag or annotation.tag_id == f.panel_tag)
            and (not f.panel_speaker or annotation.passage.turn.speaker_id == f.panel_speaker)
        )

    def changes(self, pks, passages=()) -> list[Change]:
        """For each touched annotation: its item as it is now (or None), and where it goes.

        The items come from the touched `passages` (views.workspace.touched_passages: their
        annotations are loaded already). The successors are asked of the answer's figures, so
        they cost no query of their own.
        """
        pks = [pk for pk in pks if pk]
        # Every action touches its annotations' passages, so one not found there is gone.
        items = {a.pk: a for p in passages for a in p.shown if a.pk in pks and self.listed(a)}
        for pk, item in items.items():
            key = Key(item.passage.position, -1 if item.start is None else item.start, pk)
            after = self.annotations.filter(key.after()).values("pk")[:1]
            self.figures.ask(**{f"successor_{pk}": Subquery(after)})
        return [
            Change(pk, items.get(pk), self.figures[f"successor_{pk}"] if pk in items else None)
            for pk in pks
        ]
