"""Structure edits on a transcript's own rows: speakers, turns and passages, nothing else.

Each verb changes a handful of rows with a constant number of queries, whatever the size of
the transcript (positions after an insertion move in one UPDATE), and returns what its undo
needs. They run inside the caller's transaction: `annotations.structure` locks the transcript,
calls these, moves the annotations on the passages touched, and records the change. This
module never imports `annotations`; the offset maths is in `transcripts.structure`.
"""

from django.db.models import F, Max

from .models import Passage, Speaker, Transcript, Turn
from .structure import Cut, StructureError, cut_at, merged_text

PARKED = 1_000_000_000  # positions are parked above this while a range moves (see _shift)
TURN_BREAK = "\n"  # what joins two turns' texts when they merge (as paragraphs join)


def lock(transcript_id: int) -> Transcript:
    """Serialise structure edits of one transcript: positions shift, two edits must not mix."""
    return Transcript.objects.select_for_update().only("pk").get(pk=transcript_id)


def _shift(model, transcript_id: int, after: int, delta: int) -> None:
    """Move every row after position `after` by `delta`, in two UPDATEs.

    A unique (transcript, position) is checked row by row on PostgreSQL, so `position + 1` in
    one statement can collide with the next row; parking the range far above first cannot.
    """
    rows = model.objects.filter(transcript_id=transcript_id)
    rows.filter(position__gt=after, position__lt=PARKED).update(position=F("position") + PARKED)
    rows.filter(position__gte=PARKED).update(position=F("position") - PARKED + delta)


# --- Speakers ----------------------------------------------------------------------------


def speaker_named(transcript_id: int, name: str) -> tuple[Speaker, bool]:
    """The transcript's speaker called `name` (display name or label), or a new one."""
    name = " ".join(name.split())[:200]
    if not name:
        raise StructureError("Give the speaker's name.")
    speakers = Speaker.objects.filter(transcript_id=transcript_id)
    found = (
        speakers.filter(display_name__iexact=name).first()
        or speakers.filter(label__iexact=name).first()
    )
    if found is not None:
        return found, False
    position = (speakers.aggregate(last=Max("position"))["last"] or 0) + 1
    return Speaker.objects.create(transcript_id=transcript_id, label=name, position=position), True


def rename_speaker(speaker: Speaker, name: str) -> str:
    """Set the display name (blank: the label again); returns the old one."""
    old, name = speaker.display_name, " ".join(name.split())[:200]
    if name == speaker.label:
        name = ""
    speaker.display_name = name
    speaker.save(update_fields=["display_name"])
    return old


def merge_speakers(source: Speaker, into: Speaker) -> dict:
    """Give all of `source`'s turns to `into` and delete `source`; returns what undo needs."""
    if source.pk == into.pk or source.transcript_id != into.transcript_id:
        raise StructureError("Pick another speaker of this transcript to merge into.")
    turns = list(Turn.objects.filter(speaker=source).values_list("pk", flat=True))
    Turn.objects.filter(pk__in=turns).update(speaker=into)
    fields = {
        "pk": source.pk,
        "label": source.label,
        "display_name": source.display_name,
        "role": source.role,
        "position": source.position,
    }
    source.delete()
    return {"source": fields, "into": into.pk, "turns": turns}


def unmerge_speakers(step: dict, transcript_id: int) -> None:
    fields = step["source"]
    source = Speaker.objects.create(transcript_id=transcript_id, **fields)
    Turn.objects.filter(pk__in=step["turns"]).update(speaker=source)


# --- Turns -------------------------------------------------------------------------------


def split_turn(
    turn: Turn,
    passage: Passage,
    *,
    pk: int | None = None,
    at: int | None = None,
    keep: int | None = None,
    **fields,
) -> tuple[Turn, dict]:
    """A new turn from `passage` on (same speaker unless `fields` say otherwise); returns it
    and what undo needs to join the two again exactly.

    The new turn's text begins at `at` (the passage's start by default) and the old turn keeps
    `keep` characters (up to its last passage's end); undo of a merge passes both, with the
    removed turn's own id and fields.
    """
    before = turn.passages.filter(position__lt=passage.position).order_by("-position").first()
    if passage.turn_id != turn.pk or before is None:
        raise StructureError("Split a turn at one of its passages, after its first.")
    at = passage.start if at is None else at
    keep = before.end if keep is None else keep
    undo = {
        "turn": turn.pk,
        "end_time": turn.end_time,
        "gap": turn.text[keep:at],
        "paragraph": passage.paragraph,
    }
    _shift(Turn, turn.transcript_id, turn.position, +1)
    defaults = {
        "speaker_id": turn.speaker_id,
        "interpreted": turn.interpreted,
        "start_time": passage.start_time,
        "end_time": turn.end_time,
    }
    new = Turn.objects.create(
        pk=pk,
        transcript_id=turn.transcript_id,
        position=turn.position + 1,
        text=turn.text[at:],
        **(defaults | fields),
    )
    Passage.objects.filter(turn=turn, position__gte=passage.position).update(
        turn=new,
        start=F("start") - at,
        end=F("end") - at,
        paragraph=F("paragraph") - passage.paragraph,
    )
    turn.text = turn.text[:keep]
    turn.end_time = before.end_time
    turn.save(update_fields=["text", "end_time"])
    return new, undo | {"new": new.pk}


def unsplit_turn(step: dict) -> None:
    new = Turn.objects.get(pk=step["new"])
    merge_turn(new, gap=step["gap"], paragraph=step["paragraph"])
    Turn.objects.filter(pk=step["turn"]).update(end_time=step["end_time"])


def merge_turn(
    turn: Turn, *, gap: str = TURN_BREAK, paragraph: int | None = None
) -> tuple[Turn, dict]:
    """Append `turn` to the turn before it (whose speaker it takes), as a new paragraph;
    returns that turn and what undo needs to split it again exactly. Undo of a split passes
    the `gap` and `paragraph` the split turn had, to put its passages back as they were."""
    previous = Turn.objects.filter(
        transcript_id=turn.transcript_id, position=turn.position - 1
    ).first()
    first = turn.passages.order_by("position").first()
    if previous is None:
        raise StructureError("The first turn has no turn before it to merge with.")
    if first is None:
        raise StructureError("This turn has no passages to merge.")
    if paragraph is None:
        last = previous.passages.aggregate(paragraph=Max("paragraph"))["paragraph"]
        paragraph = 0 if last is None else last + 1
    offset = len(previous.text) + len(gap)
    undo = {
        "pk": turn.pk,
        "turn": previous.pk,
        "passage": first.pk,
        "at": offset,
        "previous_end_time": previous.end_time,
        "fields": {
            "speaker_id": turn.speaker_id,
            "interpreted": turn.interpreted,
            "source_line": turn.source_line,
            "start_time": turn.start_time,
            "end_time": turn.end_time,
        },
    }
    turn.passages.update(
        turn=previous,
        start=F("start") + offset,
        end=F("end") + offset,
        paragraph=F("paragraph") + paragraph,
    )
    previous.text = previous.text + gap + turn.text
    if turn.end_time is not None:
        previous.end_time = turn.end_time
    previous.save(update_fields=["text", "end_time"])
    position = turn.position
    turn.delete()
    _shift(Turn, turn.transcript_id, position, -1)
    return previous, undo


def unmerge_turn(step: dict) -> None:
    previous = Turn.objects.get(pk=step["turn"])
    passage = Passage.objects.get(pk=step["passage"])
    at, fields = step["at"], step["fields"]
    split_turn(previous, passage, pk=step["pk"], at=at, keep=at - len(TURN_BREAK), **fields)
    Turn.objects.filter(pk=previous.pk).update(end_time=step["previous_end_time"])


# --- Passages ----------------------------------------------------------------------------


def _source_cut(passage: Passage, cut: Cut) -> tuple[int | None, int | None]:
    """Where the cut falls in the source: exact when the source span is the text itself
    (no unwrapped line breaks), else in proportion; None when the span is too short."""
    start, end = passage.source_start, passage.source_end
    if start is None or end - start < 2:
        return None, None
    if end - start == cut.length:
        return start + cut.left_end, start + cut.right_start
    middle = start + round((end - start) * cut.left_end / cut.length)
    middle = min(max(middle, start + 1), end - 1)
    return middle, middle


def split_passage(passage: Passage, at: int, *, pk: int | None = None) -> tuple[Passage, Cut]:
    """Cut `passage` at character `at`: it keeps the left half, a new passage after it the
    right. Returns the new passage and the cut (for moving the annotations)."""
    cut = cut_at(passage.text, at)
    left_source_end, right_source_start = _source_cut(passage, cut)
    _shift(Passage, passage.transcript_id, passage.position, +1)
    new = Passage.objects.create(
        pk=pk,
        transcript_id=passage.transcript_id,
        turn_id=passage.turn_id,
        position=passage.position + 1,
        kind=passage.kind,
        text=passage.text[cut.right_start :],
        paragraph=passage.paragraph,
        start=passage.start + cut.right_start,
        end=passage.end,
        source_start=right_source_start,
        source_end=passage.source_end if right_source_start is not None else None,
        end_time=passage.end_time,
    )
    passage.text = passage.text[: cut.left_end]
    passage.end = passage.start + cut.left_end
    if left_source_end is None:
        passage.source_start = None
    passage.source_end = left_source_end
    passage.end_time = None
    passage.save(update_fields=["text", "end", "source_start", "source_end", "end_time"])
    return new, cut


def next_passage(passage: Passage) -> Passage:
    following = Passage.objects.filter(
        transcript_id=passage.transcript_id, position=passage.position + 1
    ).first()
    if following is None or following.turn_id != passage.turn_id:
        raise StructureError(
            "Only passages of one turn can merge: this is the turn's last passage "
            "(merge the turns first)."
        )
    return following


def merge_plan(passage: Passage, following: Passage) -> tuple[str, int]:
    """The merged text, and where `following`'s text begins in it."""
    gap = passage.turn.text[passage.end : following.start]
    return merged_text(passage.text, gap, following.text)


def merge_passages(passage: Passage, following: Passage) -> dict:
    """Join `following` (its annotations moved off it already) onto `passage`."""
    text, offset = merge_plan(passage, following)
    undo = {
        "passage": passage.pk,
        "at": offset,
        "end_time": passage.end_time,
        "source_end": passage.source_end,
        "source_start": passage.source_start,
        "removed": {
            "pk": following.pk,
            "kind": following.kind,
            "paragraph": following.paragraph,
            "source_start": following.source_start,
            "source_end": following.source_end,
            "start_time": following.start_time,
            "end_time": following.end_time,
        },
    }
    both_in_source = passage.source_start is not None and following.source_start is not None
    passage.text = text
    passage.end = passage.start + len(text)
    passage.source_end = following.source_end if both_in_source else None
    passage.source_start = passage.source_start if both_in_source else None
    if following.end_time is not None:
        passage.end_time = following.end_time
    position = following.position
    following.delete()
    _shift(Passage, passage.transcript_id, position, -1)
    passage.save(update_fields=["text", "end", "source_start", "source_end", "end_time"])
    return undo


def set_kind(passage: Passage, kind: str) -> str:
    if kind not in Passage.Kind.values:
        raise StructureError(f"Unknown passage kind {kind!r}.")
    old, passage.kind = passage.kind, kind
    passage.save(update_fields=["kind"])
    return old
