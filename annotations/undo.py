"""Undo and redo: versioned writes like any other, on the user's own history in one transcript.

Undo reverses the user's latest action that is not undone yet; redo replays the action they
undid last, while nothing of theirs has happened since. Either is refused, with a reason that
names who, when anyone else has changed the annotation since (a later event of theirs that
stands: every write records one), or when a curator has reviewed it: undo never rewrites
reviewed work. Each bumps the version, so an editor holding the old one gets a 409.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone

from .models import Annotation, AnnotationEvent, Membership, StaleAnnotation, snapshot
from .models.events import SNAPSHOT_FIELDS

Action = AnnotationEvent.Action


class Refused(Exception):
    """Nothing to undo or redo, or the annotation moved on: the message says which."""


@dataclass
class Outcome:
    event: AnnotationEvent
    message: str
    touched: set[int]  # passages whose fragments changed
    loaded: tuple = ()  # of those, the passages read already (with turn and speaker)


UNDO_WORDS = {
    Action.CREATE: "Removed your",
    Action.UPDATE: "Reverted your edit of the",
    Action.DELETE: "Restored your",
}
REDO_WORDS = {
    Action.CREATE: "Tagged again:",
    Action.UPDATE: "Made your edit again of the",
    Action.DELETE: "Removed again your",
}


def latest_event_id(membership: Membership, transcript) -> int:
    """The watermark a page carries, so undo can say it reaches back before the page loaded."""
    events = AnnotationEvent.objects.of(membership, transcript)
    return events.aggregate(latest=Max("pk"))["latest"] or 0


@transaction.atomic
def undo_last(*, membership: Membership, transcript, page_events: int | None = None) -> Outcome:
    mine = AnnotationEvent.objects.of(membership, transcript).select_for_update(of=("self",))
    mine = mine.annotate(changed_since=_changed_since(membership))
    # Reviews are not undone here, and moves belong to the structure change that made them.
    actions = mine.filter(undone=False).exclude(action__in=[Action.REVIEW, Action.MOVE])
    event = actions.order_by("-pk").first()
    if event is None:
        raise Refused("Nothing to undo in this transcript.")
    annotation, answers = _current(event)
    _check_untouched(event, annotation, membership, undoing=True)
    touched = _passages(event.before, event.after)
    if event.action == Action.CREATE:
        described = annotation.describe()
        touched |= answers
        event.version_after = annotation.version  # redo brings it back at this version
        annotation.delete()
    elif event.action == Action.UPDATE:
        annotation = _put(annotation, event.before)
        described = _describable(annotation, membership).describe()
        event.version_after = annotation.version
    else:
        annotation = _recreate(event.before, event.version_after or event.before["version"])
        Annotation.objects.filter(
            pk__in=event.before.get("answered_by", []), target__isnull=True
        ).update(target=annotation)
        touched |= set(annotation.answered_by.values_list("passage_id", flat=True))
        described = _describable(annotation, membership).describe()
        event.version_after = annotation.version
    event.undone, event.undone_at = True, timezone.now()
    event.save(update_fields=["undone", "undone_at", "version_after"])
    message = f"{UNDO_WORDS[event.action]} {described}."
    if page_events is not None and event.pk <= page_events:
        when = timezone.localtime(event.created_at).strftime("%-d %b, %H:%M")
        message = f"Undone an action from before this page was loaded ({when}): {message}"
    loaded = (annotation._state.fields_cache.get("passage"),) if annotation else ()
    return Outcome(event, message, touched - {None}, tuple(p for p in loaded if p))


@transaction.atomic
def redo_last(*, membership: Membership, transcript) -> Outcome:
    mine = AnnotationEvent.objects.of(membership, transcript).select_for_update()
    event = mine.filter(undone=True).order_by("-undone_at", "-pk").first()
    if event is None or mine.filter(undone=False, pk__gt=event.pk).exists():
        raise Refused("Nothing to redo: redo replays what you undid, until you do something new.")
    annotation, answers = _current(event)
    _check_untouched(event, annotation, membership, undoing=False)
    touched = _passages(event.before, event.after)
    if event.action == Action.CREATE:
        try:
            with transaction.atomic():
                annotation = _recreate(event.after, event.version_after)
        except IntegrityError:
            raise Refused("Not redone: you have tagged exactly this again meanwhile.") from None
        event.version_after = annotation.version
        described = _describable(annotation, membership).describe()
    elif event.action == Action.UPDATE:
        annotation = _put(annotation, event.after)
        event.version_after = annotation.version
        described = _describable(annotation, membership).describe()
    else:
        described = annotation.describe()
        touched |= answers
        event.version_after = annotation.version  # undo brings it back at this version
        annotation.delete()
    event.undone, event.undone_at = False, None
    event.save(update_fields=["undone", "undone_at", "version_after"])
    message = f"{REDO_WORDS[event.action]} {described}."
    return Outcome(event, message, touched - {None})


def _changed_since(membership: Membership) -> Exists:
    """Whether a colleague's later event about the same annotation stands (see below)."""
    later = AnnotationEvent.objects.filter(
        subject=OuterRef("subject"), pk__gt=OuterRef("pk"), undone=False
    )
    return Exists(later.exclude(user=membership.user))


def _current(event: AnnotationEvent) -> tuple[Annotation | None, set[int]]:
    """The annotation, locked, with what describe() reads; and the passages of those answering
    it (locked too: removing it clears their target). One query."""
    rows = Annotation.objects.select_for_update(of=("self",)).filter(
        Q(pk=event.subject) | Q(target=event.subject)
    )
    rows = list(rows.select_related("tag", "passage__turn__speaker").order_by("pk"))
    annotation = next((row for row in rows if row.pk == event.subject), None)
    return annotation, {row.passage_id for row in rows if row.target_id == event.subject}


def _check_untouched(event, annotation, membership, *, undoing: bool) -> None:
    """Refuse unless the annotation is exactly as this user's event (or its undo) left it."""
    if event.action == Action.CREATE:
        exists_now = undoing  # undo removes what was created; redo makes it again
    elif event.action == Action.DELETE:
        exists_now = not undoing
    else:
        exists_now = True
    verb = "undo" if undoing else "redo"
    if annotation is not None and annotation.is_reviewed:
        reviewer = annotation.reviewed_by or "a curator"
        raise Refused(
            f"Cannot {verb}: {reviewer} has reviewed this annotation ({annotation.status}); "
            "undo never changes reviewed work. Nothing was changed."
        )
    # Every write records an event, so "changed since" is a colleague's later event that stands
    # (one they undid themselves does not count). Our own later ones are undone already.
    later = None
    if getattr(event, "changed_since", True):  # read with the event: only a refusal looks
        later = (
            AnnotationEvent.objects.about(event.subject)
            .filter(pk__gt=event.pk, undone=False)
            .exclude(user=membership.user)
            .select_related("user")
            .order_by("-pk")
            .first()
        )
    if later is not None:
        done = "deleted" if later.action == Action.DELETE else "changed"
        when = timezone.localtime(later.created_at).strftime("%-d %b, %H:%M")
        raise Refused(
            f"Cannot {verb}: this annotation was {done} by {later.user} since ({when}). "
            "Nothing was changed."
        )
    if exists_now and annotation is None:
        stale = StaleAnnotation.about(event.subject, None, since=event.pk)
        raise Refused(f"Cannot {verb}: {_lower(stale)} Nothing was changed.")
    if not exists_now and annotation is not None:
        raise Refused(f"Cannot {verb}: the annotation is back already. Nothing was changed.")
    if annotation is None:
        return


def _lower(error: Exception) -> str:
    text = str(error)
    return text[:1].lower() + text[1:]


def _put(
    annotation: Annotation, fields: dict, *, bump: bool = True, insert: bool = False
) -> Annotation:
    for name in SNAPSHOT_FIELDS:
        setattr(annotation, name, fields[name])
    if annotation.target_id and not Annotation.objects.filter(pk=annotation.target_id).exists():
        annotation.target_id = None  # its target was deleted meanwhile; keep the passage link
    if bump:
        annotation.version += 1  # editors holding the undone version must reload
    annotation.save(force_insert=insert)  # insert: no UPDATE tried first for a row known gone
    return annotation


def _recreate(fields: dict, version: int) -> Annotation:
    # Under its old id and at the version it was removed at, so the events before this one
    # (which expect that version) can still be undone, and links and history point at it.
    annotation = Annotation(pk=fields["id"], version=version)
    annotation = _put(annotation, fields, bump=False, insert=True)
    AnnotationEvent.objects.about(annotation.pk).update(annotation=annotation)
    return annotation


def _passages(*snapshots) -> set[int]:
    return {s.get(key) for s in snapshots if s for key in ("passage_id", "target_passage_id")}


def _describable(annotation: Annotation, membership: Membership) -> Annotation:
    # describe() reads the tag and the passage's speaker: use them if loaded, else read again.
    passage = annotation._state.fields_cache.get("passage")
    tags = {tag.pk: tag for tag in membership.project.tag_list()}
    if passage is None or passage.pk != annotation.passage_id or annotation.tag_id not in tags:
        return Annotation.objects.select_related("tag", "passage__turn__speaker").get(
            pk=annotation.pk
        )
    annotation.tag = tags[annotation.tag_id]
    return annotation


__all__ = ["Outcome", "Refused", "latest_event_id", "redo_last", "snapshot", "undo_last"]
