"""Structure edits as a curator makes them: rows changed, annotations moved, history kept.

Each public function is one edit in one transaction: it locks the transcript, changes its rows
through `transcripts.edits`, moves the annotations on the passages it split or merged through
the versioned `Annotation.objects.relocate()` (their offsets from `transcripts.structure`),
and records a `StructureChange` holding the steps taken and where each moved annotation was.
`undo_last()` replays the steps' inverses newest first, then puts back exactly the annotations
nobody touched since (a span the split had clipped comes back whole).
"""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.text import Truncator

from transcripts import edits
from transcripts.models import Passage, Speaker, Turn
from transcripts.structure import StructureError, place_after_cut, span_after_merge

from .models import Annotation, Membership, StructureChange

Action = StructureChange.Action
MOVED_FIELDS = ["passage_id", "start", "end", "quote", "target_passage_id"]


@dataclass
class Outcome:
    change: StructureChange
    message: str
    notes: list[str] = field(default_factory=list)


def short(text: str, length: int = 50) -> str:
    return Truncator(text).chars(length)


def _get(model, transcript, pk):
    found = model.objects.filter(transcript_id=transcript.pk, pk=pk).first() if pk else None
    if found is None:
        raise Http404(f"No such {model._meta.verbose_name} in this transcript.")
    return found


class Edit:
    """The steps and annotation moves of one edit (or one undo), as they happen."""

    def __init__(self, membership: Membership, transcript):
        self.membership, self.transcript = membership, transcript
        self.steps: list[dict] = []
        self.moved: dict[int, dict] = {}
        self.notes: list[str] = []
        edits.lock(transcript.pk)

    def step(self, op: str, **data) -> None:
        self.steps.append({"op": op, **data})

    def move(self, rows: list[Annotation], changes: dict[int, dict], texts=None) -> None:
        """`texts`: passage id -> its text after this edit, where not saved yet."""
        changes = {pk: fields for pk, fields in changes.items() if fields}
        for row in rows:
            if row.pk in changes and row.pk not in self.moved:
                before = {name: getattr(row, name) for name in MOVED_FIELDS}
                self.moved[row.pk] = {"id": row.pk, "before": before}
        try:
            with transaction.atomic():
                moved = Annotation.objects.relocate(
                    changes, by=self.membership.user, transcript_id=self.transcript.pk, texts=texts
                )
        except IntegrityError:
            raise StructureError(
                "Not changed: two annotations by one annotator would become identical."
            ) from None
        for row in moved:
            self.moved[row.pk]["version"] = row.version

    def record(self, action: str, summary: str) -> Outcome:
        change = StructureChange.objects.create(
            project=self.membership.project,
            transcript_id=self.transcript.pk,
            user=self.membership.user,
            action=action,
            summary=summary[:500],
            steps=self.steps,
            moved=list(self.moved.values()),
        )
        return Outcome(change, summary, self.notes)


def _locked_on(passage: Passage) -> list[Annotation]:
    rows = Annotation.objects.filter(passage=passage).select_related("tag", "annotator")
    return list(rows.select_for_update(of=("self",)))


def _answering(passage: Passage, targets=None) -> list[Annotation]:
    rows = Annotation.objects.filter(target_passage=passage)
    if targets is not None:
        rows = rows.filter(target_id__in=targets)
    return list(rows.select_for_update())


# --- Passages: split and merge move annotations ----------------------------------------------


def _split_passage(edit: Edit, passage: Passage, at: int, *, pk: int | None = None) -> Passage:
    new, cut = edits.split_passage(passage, at, pk=pk)
    rows, changes, right = _locked_on(passage), {}, set()
    for a in rows:
        placed = place_after_cut(a.start, a.end, cut)
        side = new if placed.right else passage
        fields = {"passage_id": new.pk} if placed.right else {}
        if (placed.start, placed.end) != (a.start, a.end):
            fields |= {"start": placed.start, "end": placed.end}
        quote = side.text if placed.start is None else side.text[placed.start : placed.end]
        if quote != a.quote:
            fields["quote"] = quote
        changes[a.pk] = fields
        if placed.right:
            right.add(a.pk)
        if placed.was_cut:
            half = "second" if placed.right else "first"
            edit.notes.append(
                f"The split cut {a.tag.name} by {a.annotator} (“{short(a.quote)}”): "
                f"kept on the {half} half, which held most of it."
            )
    answering = _answering(passage, targets=right) if right else []
    for a in answering:  # a disagreement follows the annotation it disputes
        changes.setdefault(a.pk, {})["target_passage_id"] = new.pk
    edit.move(rows + answering, changes)
    return new


def _merge_passages(edit: Edit, passage: Passage, following: Passage) -> dict:
    text, offset = edits.merge_plan(passage, following)
    left, right, changes = _locked_on(passage), _locked_on(following), {}
    for a in left:  # a whole-passage tag covers what it tagged, not the merged passage
        if a.start is None:
            changes[a.pk] = {"start": 0, "end": len(passage.text)}
    for a in right:
        start, end = span_after_merge(a.start, a.end, offset=offset, length=len(following.text))
        changes[a.pk] = {"passage_id": passage.pk, "start": start, "end": end}
    answering = _answering(following)
    for a in answering:
        changes.setdefault(a.pk, {})["target_passage_id"] = passage.pk
    edit.move(left + right + answering, changes, texts={passage.pk: text})
    return edits.merge_passages(passage, following)


@transaction.atomic
def split_passage(membership: Membership, transcript, passage_id: int, at: int) -> Outcome:
    edit = Edit(membership, transcript)
    passage = _get(Passage, transcript, passage_id)
    kept = {name: getattr(passage, name) for name in ("end_time", "source_start", "source_end")}
    new = _split_passage(edit, passage, at)
    edit.step("split_passage", passage=passage.pk, new=new.pk, **kept)
    return edit.record(
        Action.SPLIT_PASSAGE, f"Split “{short(passage.text + ' ' + new.text, 70)}” in two."
    )


@transaction.atomic
def merge_passage(membership: Membership, transcript, passage_id: int) -> Outcome:
    edit = Edit(membership, transcript)
    passage = _get(Passage, transcript, passage_id)
    following = edits.next_passage(passage)
    edit.step("merge_passage", **_merge_passages(edit, passage, following))
    return edit.record(
        Action.MERGE_PASSAGE, f"Merged “{short(passage.text, 70)}” with the next passage."
    )


@transaction.atomic
def mark_passage(membership: Membership, transcript, passage_id: int, kind: str) -> Outcome:
    edit = Edit(membership, transcript)
    passage = _get(Passage, transcript, passage_id)
    old = edits.set_kind(passage, kind)
    if old == kind:
        raise StructureError("The passage is marked so already.")
    edit.step("mark_kind", passage=passage.pk, old=old, new=kind)
    if kind == Passage.Kind.SPEECH:
        summary = f"Marked “{short(passage.text)}” as spoken again."
    else:
        summary = f"Marked “{short(passage.text)}” as not spoken (no tagging, no agreement)."
        tagged = Annotation.objects.filter(passage=passage).count()
        if tagged:
            them = "it" if tagged == 1 else "them"
            edit.notes.append(
                f"{tagged} annotation{'s' * (tagged != 1)} on it "
                f"{'stays' if tagged == 1 else 'stay'}, but agreement no longer counts {them}; "
                f"mark the passage spoken again to bring {them} back."
            )
    return edit.record(Action.MARK_KIND, summary)


# --- Turns and speakers: annotations stay where they are (offsets are per passage) --------


@transaction.atomic
def split_turn(membership: Membership, transcript, passage_id: int) -> Outcome:
    edit = Edit(membership, transcript)
    passage = _get(Passage, transcript, passage_id)
    turn = passage.turn
    _new, undo = edits.split_turn(turn, passage)
    edit.step("split_turn", **undo)
    summary = f"Split turn {turn.position + 1} at “{short(passage.text)}”."
    return edit.record(Action.SPLIT_TURN, summary)


@transaction.atomic
def merge_turn(membership: Membership, transcript, turn_id: int) -> Outcome:
    edit = Edit(membership, transcript)
    turn = _get(Turn, transcript, turn_id)
    previous, undo = edits.merge_turn(turn)
    edit.step("merge_turn", **undo)
    name = previous.speaker.name
    summary = f"Merged turn {turn.position + 1} into turn {previous.position + 1} ({name})."
    return edit.record(Action.MERGE_TURN, summary)


def _speaker(edit: Edit, name: str) -> Speaker:
    speaker, created = edits.speaker_named(edit.transcript.pk, name)
    if created:
        edit.step("create_speaker", speaker=speaker.pk)
    return speaker


def _give_turn(edit: Edit, turn: Turn, speaker: Speaker) -> None:
    if turn.speaker_id == speaker.pk:
        raise StructureError(f"This is {speaker.name}'s already.")
    edit.step("reassign_turn", turn=turn.pk, old=turn.speaker_id, new=speaker.pk)
    Turn.objects.filter(pk=turn.pk).update(speaker=speaker)


@transaction.atomic
def reassign_turn(membership: Membership, transcript, turn_id: int, name: str) -> Outcome:
    edit = Edit(membership, transcript)
    turn = _get(Turn, transcript, turn_id)
    speaker = _speaker(edit, name)
    _give_turn(edit, turn, speaker)
    return edit.record(Action.REASSIGN_TURN, f"Turn {turn.position + 1} is now {speaker.name}'s.")


@transaction.atomic
def reassign_passage(membership: Membership, transcript, passage_id: int, name: str) -> Outcome:
    """Give one passage to another speaker: it becomes a turn of its own (split off the
    passages before and after it), then that turn is reassigned."""
    edit = Edit(membership, transcript)
    passage = _get(Passage, transcript, passage_id)
    speaker = _speaker(edit, name)
    turn = passage.turn
    siblings = list(turn.passages.order_by("position").values_list("pk", flat=True))
    index = siblings.index(passage.pk)
    if index > 0:
        turn, undo = edits.split_turn(turn, passage)
        edit.step("split_turn", **undo)
    if index < len(siblings) - 1:
        following = Passage.objects.get(pk=siblings[index + 1])
        _after, undo = edits.split_turn(turn, following)
        edit.step("split_turn", **undo)
    _give_turn(edit, turn, speaker)
    summary = f"“{short(passage.text)}” is now {speaker.name}'s (turn {turn.position + 1})."
    return edit.record(Action.REASSIGN_PASSAGE, summary)


@transaction.atomic
def rename_speaker(membership: Membership, transcript, speaker_id: int, name: str) -> Outcome:
    edit = Edit(membership, transcript)
    speaker = _get(Speaker, transcript, speaker_id)
    before = speaker.name
    old = edits.rename_speaker(speaker, name)
    if old == speaker.display_name:
        raise StructureError("That is the speaker's name already.")
    edit.step("rename_speaker", speaker=speaker.pk, old=old, new=speaker.display_name)
    return edit.record(Action.RENAME_SPEAKER, f"Renamed {before} to {speaker.name}.")


@transaction.atomic
def merge_speakers(membership: Membership, transcript, source_id: int, into_id: int) -> Outcome:
    edit = Edit(membership, transcript)
    source, into = _get(Speaker, transcript, source_id), _get(Speaker, transcript, into_id)
    undo = edits.merge_speakers(source, into)
    edit.step("merge_speakers", **undo)
    count = len(undo["turns"])
    summary = f"Merged {source.name} into {into.name}: {count} turn{'s' * (count != 1)} moved."
    return edit.record(Action.MERGE_SPEAKERS, summary)


# --- Undo ------------------------------------------------------------------------------------


def _undo_step(edit: Edit, step: dict) -> None:
    op = step["op"]
    if op == "rename_speaker":
        Speaker.objects.filter(pk=step["speaker"]).update(display_name=step["old"])
    elif op == "create_speaker":
        Speaker.objects.filter(pk=step["speaker"], turns__isnull=True).delete()
    elif op == "merge_speakers":
        edits.unmerge_speakers(step, edit.transcript.pk)
    elif op == "reassign_turn":
        Turn.objects.filter(pk=step["turn"]).update(speaker_id=step["old"])
    elif op == "split_turn":
        edits.unsplit_turn(step)
    elif op == "merge_turn":
        edits.unmerge_turn(step)
    elif op == "split_passage":
        passage = Passage.objects.select_related("turn").get(pk=step["passage"])
        _merge_passages(edit, passage, Passage.objects.get(pk=step["new"]))
        kept = {name: step[name] for name in ("end_time", "source_start", "source_end")}
        Passage.objects.filter(pk=passage.pk).update(**kept)
    elif op == "merge_passage":
        passage = Passage.objects.get(pk=step["passage"])
        removed = dict(step["removed"])
        new = _split_passage(edit, passage, step["at"], pk=removed.pop("pk"))
        Passage.objects.filter(pk=new.pk).update(**removed)
        kept = {name: step[name] for name in ("end_time", "source_start", "source_end")}
        Passage.objects.filter(pk=passage.pk).update(**kept)
    elif op == "mark_kind":
        Passage.objects.filter(pk=step["passage"]).update(kind=step["old"])


@transaction.atomic
def undo_last(membership: Membership, transcript) -> Outcome:
    """Undo the transcript's latest structure change that stands, if made in this project."""
    edit = Edit(membership, transcript)
    change = StructureChange.objects.of(transcript).standing().order_by("-pk").first()
    if change is None:
        raise StructureError("No structure change to undo in this transcript.")
    if change.project_id != membership.project_id:
        raise StructureError(
            "The latest structure change was made in another project: undo it there."
        )
    ids = [m["id"] for m in change.moved]
    now = dict(Annotation.objects.filter(pk__in=ids).values_list("pk", "version"))
    untouched = [m for m in change.moved if now.get(m["id"]) == m.get("version")]
    for step in reversed(change.steps):
        _undo_step(edit, step)
    restore = {m["id"]: m["before"] for m in untouched}
    rows = list(Annotation.objects.filter(pk__in=restore))
    edit.notes.clear()  # the cuts an undo makes are put back just below
    edit.move(rows, restore)
    changed_since = len(now) - len(untouched)
    if changed_since:
        edit.notes.append(
            f"{changed_since} annotation{'s' * (changed_since != 1)} changed since the edit "
            "moved with their text rather than back to where they were."
        )
    change.undone, change.undone_by, change.undone_at = True, membership.user, timezone.now()
    change.save(update_fields=["undone", "undone_by", "undone_at"])
    return Outcome(change, f"Undone: {change.summary}", edit.notes)
