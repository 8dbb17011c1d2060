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

from transcripts.models import Passage

from .models import (
    Annotation,
    AnnotationEvent,
    Membership,
    StaleAnnotation,
    found_in,
    snapshot,
)
from .models.annotation import cited_by_gold
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

    @property
    def transcript(self):
        return self.event.transcript  # read with the event (see _mine)


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


def _mine(membership: Membership, transcript):
    """The user's events in this transcript (a Transcript or its id), locked, each with its
    transcript, checked to be in the project: the request needs no query of its own for it."""
    mine = AnnotationEvent.objects.of(membership, transcript).select_for_update(of=("self",))
    mine = mine.filter(transcript__projects=membership.project).select_related("transcript")
    return mine.defer("transcript__original_text")


@transaction.atomic
def undo_last(*, membership: Membership, transcript, page_events: int | None = None) -> Outcome:
    mine = _mine(membership, transcript).annotate(changed_since=_changed_since(membership))
    # Reviews are not undone here, and moves belong to the structure change that made them.
    actions = mine.filter(undone=False).exclude(action__in=[Action.REVIEW, Action.MOVE])
    event = actions.order_by("-pk").first()
    if event is None:
        raise Refused("Nothing to undo in this transcript.")
    if event.action == Action.DELETE:  # gone, or back: the re-creating insert tells (below)
        annotation, answers = None, set()
    else:
        annotation, answers = _current(event)
    _check_untouched(event, annotation, membership, undoing=True)
    touched = _passages(event.before, event.after)
    if event.action == Action.CREATE:
        described = annotation.describe()
        touched |= answers
        event.version_after = annotation.version  # redo brings it back at this version
        annotation.erase(answered=bool(answers), sourced=annotation.sourced)
    elif event.action == Action.UPDATE:
        annotation = _put(annotation, event.before)
        described = _describable(annotation, membership).describe()
        event.version_after = annotation.version
    else:
        try:
            with transaction.atomic():
                annotation = _recreate(
                    event.before,
                    event.version_after or event.before["version"],
                    (event.project_id, event.transcript_id),
                    _loaded(event, event.before, membership),
                )
        except IntegrityError:  # its id, or an exact copy of it, is in the table again
            raise Refused(
                "Cannot undo: the annotation (or an exact copy of it) is back already. "
                "Nothing was changed."
            ) from None
        if answered_by := event.before.get("answered_by"):  # most have none: no query then
            Annotation.objects.filter(pk__in=answered_by, target__isnull=True).update(
                target=annotation
            )
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
    mine = _mine(membership, transcript)
    event = mine.filter(undone=True).order_by("-undone_at", "-pk").first()
    if event is None or mine.filter(undone=False, pk__gt=event.pk).exists():
        raise Refused("Nothing to redo: redo replays what you undid, until you do something new.")
    annotation, answers = _current(event)
    _check_untouched(event, annotation, membership, undoing=False)
    touched = _passages(event.before, event.after)
    if event.action == Action.CREATE:
        try:
            with transaction.atomic():
                annotation = _recreate(
                    event.after,
                    event.version_after,
                    (event.project_id, event.transcript_id),
                    _loaded(event, event.after, membership),
                )
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
        annotation.erase(answered=bool(answers), sourced=annotation.sourced)
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
    rows = rows.select_related("tag", "passage__turn__speaker").annotate(sourced=cited_by_gold())
    rows = list(rows.order_by("pk"))
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
    annotation: Annotation,
    fields: dict,
    *,
    bump: bool = True,
    insert: bool = False,
    place=None,
    loaded: dict | None = None,
) -> Annotation:
    for name in SNAPSHOT_FIELDS:
        setattr(annotation, name, fields[name])
    for name, row in (loaded or {}).items():  # the tag and passage it has, read already
        if row is not None and row.pk == getattr(annotation, f"{name}_id"):
            setattr(annotation, name, row)
    if annotation.target_id and not Annotation.objects.filter(pk=annotation.target_id).exists():
        annotation.target_id = None  # its target was deleted meanwhile; keep the passage link
    if bump:
        annotation.version += 1  # editors holding the undone version must reload
    # insert: no UPDATE tried first for a row known gone
    annotation.save(force_insert=insert, place=place)
    return annotation


def _loaded(event: AnnotationEvent, fields: dict, membership: Membership) -> dict:
    """The tag and the passage (with turn and speaker) a re-created annotation has: the
    project's tags, and one query for the passage, found through the event's transcript (in
    the project: _mine), so neither the write's project check nor the answer reads them again."""
    tags = {tag.pk: tag for tag in membership.project.tag_list()}
    passages = Passage.objects.select_related("turn__speaker")
    passage = passages.filter(pk=fields["passage_id"], transcript_id=event.transcript_id).first()
    return {"tag": tags.get(fields["tag_id"]), "passage": found_in(passage, membership.project)}


def _recreate(fields: dict, version: int, place: tuple, loaded: dict) -> Annotation:
    # Under its old id and at the version it was removed at, so the events before this one
    # (which expect that version) can still be undone, and links and history point at it.
    annotation = Annotation(pk=fields["id"], version=version)
    # Its events kept its id (AnnotationEvent.annotation is not nulled): nothing to relink.
    # `place`: the event's project and transcript, where its counters go (no query for them).
    return _put(annotation, fields, bump=False, insert=True, place=place, loaded=loaded)


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
