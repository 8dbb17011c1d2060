"""The query layer under the adjudication view: opening, the automatic merge, one page.

The board's counters live on the `Adjudication` row (adjudication_state.py): each decision
moves them by its passage's change (`counting`), and they are recounted in one pass only when
annotators' work arrived since. A page reads its passages, their annotations and their gold
items in a fixed number of queries, whatever the transcript's length.
"""

from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.db.models.functions import Length

from transcripts.models import Passage

from .adjudication_state import (
    annotated_passages,
    coders,
    coders_of,
    curated,
    in_gold_now,
    latest_event,
    open_passages,
    passage_state,
    passage_states,
    progress_counts,
    recount,
)
from .agreement_data import span
from .curation import Item, agreed_groups, coder_labels, differs
from .models import Annotation, AnnotationEvent
from .models.gold import (
    Adjudication,
    GoldAnnotation,
    GoldEvent,
    GoldSource,
    gold_snapshot,
    undecided,
)

PAGE_SIZE = 40  # passages per page


def positions(transcript) -> range:
    """The transcript's passage positions, to page through by range (an index probe for the
    last one) rather than by COUNT and OFFSET, which read every passage before the page."""
    last = transcript.passages.aggregate(last=Max("position"))["last"]
    return range(0 if last is None else last + 1)


def items(annotations) -> list[Item]:
    rows = annotations.order_by().values_list(
        "pk",
        "annotator_id",
        "tag_id",
        "passage_id",
        "start",
        "end",
        Length("passage__text"),
        "target_passage_id",
        "target_id",
        "target__start",
        "target__end",
        Length("target_passage__text"),
    )
    return [
        Item(pk, who, tag, span(passage, *rest), target=rest[4])
        for pk, who, tag, passage, *rest in rows
    ]


def opened(project, transcript_id: int, *, by) -> Adjudication:
    """The transcript's adjudication, merged if annotations changed since the last merge, and
    its counters recounted if annotators' events arrived since they were last kept."""
    adjudication, new = Adjudication.objects.get_or_create(
        project=project, transcript_id=transcript_id
    )
    latest = latest_event(project, transcript_id)
    if adjudication.auto_merge and (new or latest != adjudication.merged_through):
        merge_agreed(adjudication, by=by)  # recounts too
        adjudication.refresh_from_db()
    elif adjudication.counted_through != latest:
        recount(adjudication, latest)
    return adjudication


@contextmanager
def counting(project, transcript_id: int, passage_id: int, *, by):
    """Keep the board's counters true across one curator's decision on one passage.

    Under the adjudication's row lock (curators' clicks take turns): the passage's state before
    and after the decision moves the counters, a few queries whatever the transcript's size.
    If annotators' events arrived meanwhile (the counters or the merge are behind), the
    counters are recounted instead and the merge is left to the next opening.
    """
    with transaction.atomic():
        adjudication = Adjudication.objects.select_for_update().filter(
            project=project, transcript_id=transcript_id
        )
        adjudication = adjudication.first() or opened(project, transcript_id, by=by)
        since = latest_event(project, transcript_id)
        fresh = adjudication.counted_through == since
        before = passage_state(project, transcript_id, passage_id) if fresh else None
        yield adjudication
        events = AnnotationEvent.objects.filter(project=project, transcript_id=transcript_id)
        latest = latest_event(project, transcript_id)
        if not fresh or events.filter(pk__gt=since).exclude(user=by).exists():
            recount(adjudication, latest)
            return
        after = passage_state(project, transcript_id, passage_id)
        adjudication.annotated_count += after[0] - before[0]
        adjudication.open_count += after[1] - before[1]
        adjudication.counted_through = latest
        if adjudication.merged_through == since:  # nothing but this decision happened since
            adjudication.merged_through = latest
        adjudication.save(
            update_fields=["annotated_count", "open_count", "counted_through", "merged_through"]
        )


@transaction.atomic
def merge_agreed(adjudication: Adjudication, *, by) -> int:
    """Put every item all coders agree on into gold, marked as merged; how many were created.

    Idempotent: agreed annotations already in gold at their version are not undecided, so they
    are not seen again; nor are those whose merge a curator undid (`declined`).
    """
    adjudication = Adjudication.objects.select_for_update().get(pk=adjudication.pk)
    project, transcript_id = adjudication.project, adjudication.transcript_id
    who = [user for user, _ in coders(project, transcript_id)]
    pending = undecided(curated(project, transcript_id)).exclude(pk__in=adjudication.declined)
    groups = agreed_groups(items(pending), who)
    in_gold = dict(
        GoldSource.objects.filter(
            gold__project=project, gold__passage__transcript_id=transcript_id
        ).values_list("annotation_id", "gold_id")
    )
    created, waiting = 0, groups
    while waiting:  # links whose target is not in gold yet wait for it (said earlier)
        ready = [g for g in waiting if g[0].target is None or g[0].target in in_gold]
        if not ready:
            break  # their targets were never agreed: the curator decides those links
        created += create_merged(project, ready, in_gold, by=by)
        waiting = [g for g in waiting if g not in ready]
    adjudication.merged_through = latest_event(project, transcript_id)
    adjudication.save(update_fields=["merged_through"])
    recount(adjudication, adjudication.merged_through)
    return created


def create_merged(project, groups: list[list[Item]], in_gold: dict, *, by) -> int:
    """One gold item per group, its annotations accepted and recorded as its sources."""
    firsts = Annotation.objects.in_bulk([group[0].annotation for group in groups])
    gold = []
    for group in groups:
        annotation = firsts[group[0].annotation]
        gold.append(
            GoldAnnotation(
                project=project,
                passage_id=annotation.passage_id,
                tag_id=annotation.tag_id,
                start=annotation.start,
                end=annotation.end,
                quote=annotation.quote,
                target_id=in_gold.get(annotation.target_id),
                target_passage_id=annotation.target_passage_id,
                note=annotation.note,
                attributes=annotation.attributes,
                origin=GoldAnnotation.Origin.MERGED,
                curator=by,
            )
        )
    GoldAnnotation.objects.bulk_create(gold)  # sets pks on PostgreSQL and SQLite >= 3.35
    ids = {item.annotation: g.pk for g, group in zip(gold, groups, strict=True) for item in group}
    accepted = Annotation.objects.filter(pk__in=list(ids))
    accepted.accept(by=by)
    versions = accepted.values_list("pk", "version", "annotator_id")
    GoldSource.objects.bulk_create(
        GoldSource(
            gold_id=ids[pk], annotation_id=pk, subject=pk, version=version, annotator_id=user
        )
        for pk, version, user in versions
    )
    GoldEvent.objects.bulk_create(
        GoldEvent(
            project=project,
            gold=g,
            subject=g.pk,
            user=by,
            action=GoldEvent.Action.MERGE,
            after={"origin": "merged", "sources": [item.annotation for item in group]},
            version_after=1,
        )
        for g, group in zip(gold, groups, strict=True)
    )
    in_gold.update(ids)
    return len(gold)


def unmerge(gold: GoldAnnotation, *, by, expected_version: int | None) -> None:
    """Take one item out of gold; a merged one is not merged again on the next opening."""
    with transaction.atomic():
        if gold.origin == GoldAnnotation.Origin.MERGED:
            adjudication = (
                Adjudication.objects.select_for_update()
                .filter(project_id=gold.project_id, transcript_id=gold.passage.transcript_id)
                .first()
            )
            if adjudication is not None:
                sourced = gold.sourced_annotations().values_list("pk", flat=True)
                adjudication.declined = sorted({*adjudication.declined, *sourced})
                adjudication.save(update_fields=["declined"])
        gold.remove(by, expected_version)


@transaction.atomic
def undo_merge(adjudication: Adjudication, *, by) -> int:
    """Every automatically merged item of the transcript out of gold, and no merging on opening."""
    adjudication = Adjudication.objects.select_for_update().get(pk=adjudication.pk)
    merged = GoldAnnotation.objects.in_transcript(
        adjudication.project, adjudication.transcript_id
    ).filter(origin=GoldAnnotation.Origin.MERGED)
    at = GoldSource.objects.filter(
        gold__in=merged, annotation=OuterRef("pk"), version=OuterRef("version")
    )
    sourced = Annotation.objects.filter(Exists(at)).values_list("pk", flat=True)
    sourced = Annotation.objects.filter(pk__in=list(sourced))
    events = [
        GoldEvent(
            project=adjudication.project,
            subject=gold.pk,
            user=by,
            action=GoldEvent.Action.DELETE,
            before=gold_snapshot(gold),
            version_after=gold.version,
        )
        for gold in merged
    ]
    sourced.review(Annotation.Status.SUBMITTED, by=by, reviewing=False)
    GoldEvent.objects.bulk_create(events)
    merged.delete()
    adjudication.auto_merge = False
    adjudication.save(update_fields=["auto_merge"])
    recount(adjudication, latest_event(adjudication.project, adjudication.transcript_id))
    return len(events)


def restart_merge(adjudication: Adjudication, *, by) -> int:
    """Merging on again, undone items included: merge what all annotators agree on now."""
    adjudication.auto_merge, adjudication.declined = True, []
    adjudication.save(update_fields=["auto_merge", "declined"])
    return merge_agreed(adjudication, by=by)


@dataclass
class Row:
    """One passage of the page: each coder's annotations, the gold items, and its state."""

    passage: Passage
    columns: list[list[Annotation]] = field(default_factory=list)
    gold: list[GoldAnnotation] = field(default_factory=list)
    differs: bool = False
    open: bool = False


def page_rows(project, transcript_id: int, passages: list[Passage], who: list[int]) -> list[Row]:
    """The rows of one page: three queries (annotations, gold items, their sources)."""
    ids = [p.pk for p in passages]
    annotations = (
        curated(project, transcript_id)
        .filter(passage_id__in=ids)
        .annotate(in_gold=Exists(in_gold_now()))
        .select_related("tag", "target", "target_passage")
    )
    by_passage: dict[int, list[Annotation]] = defaultdict(list)
    for annotation in annotations.order_by("passage_id", "start", "pk"):
        by_passage[annotation.passage_id].append(annotation)
    gold_by_passage: dict[int, list[GoldAnnotation]] = defaultdict(list)
    golds = GoldAnnotation.objects.filter(project=project, passage_id__in=ids)
    golds = golds.select_related("tag", "target", "target_passage")
    golds = list(golds.order_by("passage_id", "start", "pk"))
    sources = defaultdict(list)
    rows = GoldSource.objects.filter(gold__in=[g.pk for g in golds]).order_by("annotator__username")
    for gold_id, annotator_id in rows.values_list("gold_id", "annotator_id"):
        sources[gold_id].append(annotator_id)
    for gold in golds:
        gold.source_annotators = sources[gold.pk]
        gold_by_passage[gold.passage_id].append(gold)
    result = []
    for passage in passages:
        mine = by_passage.get(passage.pk, [])
        row = Row(passage, gold=gold_by_passage.get(passage.pk, []))
        keys: dict[int, set] = defaultdict(set)
        for annotation in mine:
            keys[annotation.annotator_id].add(item_key(annotation, passage))
            annotation.decided = annotation.in_gold or annotation.status == "rejected"
        row.columns = [[a for a in mine if a.annotator_id == user] for user in who]
        row.differs = bool(mine) and differs(keys, who)
        row.open = any(not a.decided for a in mine)
        result.append(row)
    return result


def item_key(annotation: Annotation, passage: Passage) -> tuple:
    """The exact-match key of an annotation (as `items()` builds it) from loaded objects."""
    target, answered = annotation.target, annotation.target_passage
    return (
        annotation.tag_id,
        span(
            passage.pk,
            annotation.start,
            annotation.end,
            len(passage.text),
            annotation.target_passage_id,
            annotation.target_id,
            target.start if target else None,
            target.end if target else None,
            len(answered.text) if answered else None,
        ),
    )


__all__ = [
    "PAGE_SIZE",
    "annotated_passages",
    "coder_labels",
    "coders",
    "coders_of",
    "curated",
    "latest_event",
    "open_passages",
    "opened",
    "page_rows",
    "passage_states",
    "progress_counts",
    "recount",
    "undecided",
]
