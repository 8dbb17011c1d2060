"""Deleting a project or a transcript that holds annotations: deliberately, never by a cascade.

Annotations are PROTECTed from cascades (through their passage and their tag), so deleting what
holds them fails until they are removed on purpose. `summarise()` says what would go, for the
confirmation pages and the admin; `delete_with_annotations()` removes it all in one transaction
and records what was removed in the admin history (LogEntry), which outlives the object.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.contrib.admin.models import DELETION, LogEntry
from django.db import transaction
from django.db.models import Q

from transcripts.models import Transcript

from .models import Annotation, GoldAnnotation, Project


@dataclass(frozen=True)
class DeletionSummary:
    label: str  # "project" or "transcript"
    name: str
    annotations_by_status: dict[str, int]
    annotators: int
    also_deleted: dict[str, int] = field(default_factory=dict)  # e.g. {"passages": 40}
    kept: dict[str, int] = field(default_factory=dict)  # e.g. {"transcripts (unlinked)": 2}

    @property
    def annotations(self) -> int:
        return sum(self.annotations_by_status.values())

    def describe(self) -> str:
        statuses = ", ".join(f"{n} {status}" for status, n in self.annotations_by_status.items())
        text = f"{self.annotations} annotation{plural(self.annotations)}"
        if self.annotations:
            text += f" ({statuses}) by {self.annotators} annotator{plural(self.annotators)}"
        others = ", ".join(f"{n} {what}" for what, n in self.also_deleted.items())
        return f"{text}; {others}" if others else text


def plural(n: int) -> str:
    return "" if n == 1 else "s"


def annotations_held_by(obj: Project | Transcript):
    if isinstance(obj, Project):
        return Annotation.objects.in_project(obj)
    # Also annotations elsewhere that answer one of its passages: they would dangle.
    return Annotation.objects.filter(Q(passage__transcript=obj) | Q(target_passage__transcript=obj))


def summarise(obj: Project | Transcript) -> DeletionSummary:
    rows = list(annotations_held_by(obj).values_list("status", "annotator"))
    by_status = Counter(status for status, _ in rows)
    common = {
        "name": str(obj),
        "annotations_by_status": {
            s: by_status[s] for s in Annotation.Status.values if s in by_status
        },
        "annotators": len({annotator for _, annotator in rows}),
    }
    if isinstance(obj, Project):
        also = {"tags": obj.tags.count(), "memberships": obj.memberships.count()}
        kept = {"transcripts (unlinked, not deleted)": obj.transcripts.count()}
        return DeletionSummary(label="project", also_deleted=also, kept=kept, **common)
    gold = gold_held_by(obj).count()
    also = {
        **({"gold items": gold} if gold else {}),  # the curated layer on it, when there is one
        "passages": obj.passages.count(),
        "turns": obj.turns.count(),
        "speakers": obj.speakers.count(),
    }
    kept = {"projects it is removed from": obj.projects.count()}
    return DeletionSummary(label="transcript", also_deleted=also, kept=kept, **common)


def delete_with_annotations(obj: Project | Transcript, *, by) -> DeletionSummary:
    """Delete `obj` and the annotations it holds; record it in the history first."""
    with transaction.atomic():
        summary = summarise(obj)
        LogEntry.objects.log_actions(
            user_id=by.pk,
            queryset=[obj],
            action_flag=DELETION,
            change_message=f"Deleted {summary.label} with {summary.describe()}.",
            single_object=True,
        )
        annotations_held_by(obj).delete()
        if isinstance(obj, Transcript):
            delete_transcript_rows(obj)
        obj.delete()
    return summary


def delete_transcript_rows(transcript: Transcript) -> None:
    """Its gold items, then its passages, turns and speakers, one DELETE a table, bottom up.

    Django's cascade first loads every passage to look for protected rows (170,000 of them
    for a 19 MB transcript: 57-93 s, past the worker's timeout). Nothing else points at these
    rows once its annotations and gold are gone (a passage answered from elsewhere was among
    `annotations_held_by`), so they go without being loaded; the foreign keys still check it.
    """
    gold_held_by(transcript).delete()
    using = transcript._state.db or "default"
    for rows in (transcript.passages, transcript.turns, transcript.speakers):
        rows.order_by()._raw_delete(using)


def gold_held_by(transcript: Transcript):
    return GoldAnnotation.objects.filter(
        Q(passage__transcript=transcript) | Q(target_passage__transcript=transcript)
    )
