"""Workspace writes: each changes an annotation and records its AnnotationEvent in one transaction.

The event's `before` holds the annotation as it was, so `undo_last()` can put it back; nothing
is half-saved because the row and its event commit together or not at all.
"""

from django.db import transaction

from .models import Annotation, AnnotationEvent, Membership, StaleAnnotation

SNAPSHOT_FIELDS = [
    "passage_id",
    "tag_id",
    "annotator_id",
    "start",
    "end",
    "quote",
    "target_id",
    "target_passage_id",
    "note",
    "attributes",
    "status",
]


class NothingToUndo(Exception):
    pass


def snapshot(annotation: Annotation) -> dict:
    data = {field: getattr(annotation, field) for field in SNAPSHOT_FIELDS}
    return data | {"id": annotation.pk, "version": annotation.version}


def record(membership: Membership, transcript, annotation, action, before=None):
    return AnnotationEvent.objects.create(
        project=membership.project,
        transcript=transcript,
        user=membership.user,
        annotation=annotation,
        action=action,
        before=before,
    )


@transaction.atomic
def create_annotation(*, membership: Membership, transcript, fields: dict) -> Annotation:
    annotation = Annotation.objects.create(annotator=membership.user, **fields)
    record(membership, transcript, annotation, AnnotationEvent.Action.CREATE)
    return annotation


@transaction.atomic
def update_annotation(
    *, membership: Membership, annotation_id: int, version: int, changes: dict
) -> Annotation:
    """Save `changes` if the annotation is still at `version`; raise StaleAnnotation if not."""
    annotation = Annotation.objects.select_for_update().get(pk=annotation_id)
    if annotation.version != version:
        raise StaleAnnotation(annotation)
    before = snapshot(annotation)
    for field, value in changes.items():
        setattr(annotation, field, value)
    annotation.edited_by(membership)
    annotation.version += 1
    annotation.save()
    record(
        membership, annotation.passage.transcript, annotation, AnnotationEvent.Action.UPDATE, before
    )
    return annotation


@transaction.atomic
def delete_annotation(*, membership: Membership, annotation: Annotation) -> None:
    before = snapshot(annotation) | {
        # Undo restores the links others made to it and the history pointing at it.
        "answered_by": list(annotation.answered_by.values_list("pk", flat=True)),
        "events": list(annotation.events.values_list("pk", flat=True)),
    }
    transcript = annotation.passage.transcript
    annotation.delete()
    record(membership, transcript, None, AnnotationEvent.Action.DELETE, before)


@transaction.atomic
def undo_last(*, membership: Membership, transcript) -> tuple[AnnotationEvent, set[int]]:
    """Reverse the user's latest action in this transcript; return it and the passages touched."""
    event = (
        AnnotationEvent.objects.select_for_update()
        .filter(project=membership.project, transcript=transcript, user=membership.user)
        .filter(undone=False)
        .first()
    )
    if event is None:
        raise NothingToUndo
    touched: set[int] = set()
    annotation = Annotation.objects.filter(pk=event.annotation_id).first()
    if event.action == AnnotationEvent.Action.CREATE and annotation is not None:
        touched |= {annotation.passage_id, annotation.target_passage_id}
        touched |= set(annotation.answered_by.values_list("passage_id", flat=True))
        annotation.delete()
    elif event.action == AnnotationEvent.Action.UPDATE and annotation is not None:
        touched |= {annotation.target_passage_id}
        restore(annotation, event.before)
        annotation.version += 1  # editors holding the undone version must reload
        annotation.save()
        touched |= {annotation.passage_id, annotation.target_passage_id}
    elif event.action == AnnotationEvent.Action.DELETE:
        annotation = Annotation(pk=event.before["id"], version=event.before["version"] + 1)
        restore(annotation, event.before)
        annotation.save(force_insert=True)
        Annotation.objects.filter(pk__in=event.before.get("answered_by", [])).update(
            target=annotation
        )
        AnnotationEvent.objects.filter(pk__in=event.before.get("events", [])).update(
            annotation=annotation
        )
        touched |= {annotation.passage_id, annotation.target_passage_id}
        touched |= set(
            Annotation.objects.filter(target=annotation).values_list("passage_id", flat=True)
        )
    event.undone = True
    event.save(update_fields=["undone"])
    return event, touched - {None}


def restore(annotation: Annotation, before: dict) -> None:
    for field in SNAPSHOT_FIELDS:
        setattr(annotation, field, before[field])
    if annotation.target_id and not Annotation.objects.filter(pk=annotation.target_id).exists():
        annotation.target_id = None  # its target was deleted meanwhile; keep the passage link
