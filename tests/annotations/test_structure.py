"""Structure edits: rows changed, annotations moved with their text, history kept, undone."""

import pytest

from annotations import structure
from annotations.models import Annotation, AnnotationEvent, StructureChange
from transcripts.models import Passage, Speaker, Turn
from transcripts.structure import StructureError

from ..factories import AnnotationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(project, curator):
    return project.membership_of(curator)


def passage(transcript, position) -> Passage:
    return transcript.passages.get(position=position)


def tag(project, shortcut="c"):
    return project.tags.get(shortcut=shortcut)


def layout(transcript) -> list[tuple[str, list[str]]]:
    """The transcript as (speaker, passage texts) per turn, checking every offset on the way."""
    rows = []
    for turn in Turn.objects.filter(transcript=transcript).select_related("speaker"):
        passages = list(turn.passages.order_by("position"))
        for p in passages:
            assert turn.text[p.start : p.end] == p.text, (turn.text, p.start, p.end, p.text)
        rows.append((turn.speaker.name, [p.text for p in passages]))
    positions = list(transcript.passages.order_by("position").values_list("position", flat=True))
    assert positions == list(range(len(positions)))
    turns = list(transcript.turns.order_by("position").values_list("position", flat=True))
    assert turns == list(range(len(turns)))
    return rows


def where(annotation) -> tuple:
    annotation.refresh_from_db()
    p = annotation.passage
    text = p.text if annotation.start is None else p.text[annotation.start : annotation.end]
    assert text == annotation.quote
    return p.pk, annotation.start, annotation.end, annotation.quote


def test_split_passage_moves_annotations_and_undo_puts_them_back(project, transcript, editor):
    lavrov = passage(transcript, 4)  # "We disagree on Georgia."
    left = AnnotationFactory(passage=lavrov, tag=tag(project), start=0, end=11)  # "We disagree"
    right = AnnotationFactory(passage=lavrov, tag=tag(project), start=15, end=22)  # "Georgia"
    cut = AnnotationFactory(passage=lavrov, tag=tag(project, "m"), start=3, end=18)
    whole = AnnotationFactory(passage=lavrov, tag=tag(project, "d"))
    reply = AnnotationFactory(
        passage=passage(transcript, 5), tag=tag(project, "d"), target=right, target_passage=lavrov
    )
    before = [where(a) for a in (left, right, cut, whole)]
    original = layout(transcript)

    outcome = structure.split_passage(editor, transcript, lavrov.pk, 12)  # before "on"
    second = Passage.objects.get(transcript=transcript, position=5)
    lavrov.refresh_from_db()
    assert (lavrov.text, second.text) == ("We disagree", "on Georgia.")
    assert where(left) == (lavrov.pk, 0, 11, "We disagree")
    assert where(right) == (second.pk, 3, 10, "Georgia")
    assert where(cut)[0] == lavrov.pk and cut.quote == "disagree"  # 8 characters left, 6 right
    assert where(whole) == (lavrov.pk, None, None, "We disagree")  # a tie keeps the first half
    reply.refresh_from_db()
    assert reply.target_id == right.pk and reply.target_passage_id == second.pk
    assert len(outcome.notes) == 2 and "kept on the first half" in outcome.notes[0]
    assert AnnotationEvent.objects.filter(action="move").count() == 4  # left did not move

    undone = structure.undo_last(editor, transcript)
    assert undone.message.startswith("Undone: Split")
    assert layout(transcript) == original
    assert [where(a) for a in (left, right, cut, whole)] == before
    reply.refresh_from_db()
    assert reply.target_passage_id == lavrov.pk
    assert StructureChange.objects.get().undone


def test_merge_passages_turns_whole_tags_into_spans_and_undoes(project, transcript, editor):
    first, second = passage(transcript, 0), passage(transcript, 1)  # Clinton's two sentences
    a = AnnotationFactory(passage=first, tag=tag(project))
    b = AnnotationFactory(passage=second, tag=tag(project), start=6, end=15)  # "making"
    target = AnnotationFactory(passage=passage(transcript, 2), tag=tag(project, "d"),
                               target=b, target_passage=second)  # fmt: skip
    before = [where(x) for x in (a, b)]
    original = layout(transcript)

    structure.merge_passage(editor, transcript, first.pk)
    first.refresh_from_db()
    assert first.text == "Well, good afternoon. We're making progress on our agendas."
    assert where(a) == (first.pk, 0, 21, "Well, good afternoon.")
    assert where(b) == (first.pk, 28, 37, "making pr")
    target.refresh_from_db()
    assert target.target_passage_id == first.pk and target.target_id == b.pk
    assert not Passage.objects.filter(pk=second.pk).exists()

    structure.undo_last(editor, transcript)
    assert layout(transcript) == original
    assert [where(x) for x in (a, b)] == before
    target.refresh_from_db()
    assert target.target_passage_id == second.pk


def test_merge_refuses_across_turns(transcript, editor):
    with pytest.raises(StructureError, match="merge the turns first"):
        structure.merge_passage(editor, transcript, passage(transcript, 1).pk)
    assert not StructureChange.objects.exists()


def test_split_and_merge_turns_keep_annotations_and_undo(project, transcript, editor):
    lavrov = passage(transcript, 4)
    claim = AnnotationFactory(passage=lavrov, tag=tag(project), start=3, end=11)
    original = layout(transcript)

    structure.split_turn(editor, transcript, passage(transcript, 3).pk)  # at "(Laughter.)"
    assert [speaker for speaker, _ in layout(transcript)] == [
        "SECRETARY CLINTON", "FOREIGN MINISTER LAVROV", "FOREIGN MINISTER LAVROV", "QUESTION"
    ]  # fmt: skip
    assert layout(transcript)[2][1] == ["(Laughter.)", "We disagree on Georgia."]
    assert where(claim) == (lavrov.pk, 3, 11, "disagree")
    new_turn = Turn.objects.get(transcript=transcript, position=2)
    assert new_turn.interpreted

    structure.merge_turn(editor, transcript, new_turn.pk)
    assert layout(transcript) == original  # passages as they were, now paragraph 1 of turn 1
    structure.undo_last(editor, transcript)  # the merge: split again, the turn under its old id
    assert Turn.objects.filter(pk=new_turn.pk, position=2).exists()
    structure.undo_last(editor, transcript)  # the split
    assert layout(transcript) == original
    assert set(lavrov.turn.passages.values_list("paragraph", flat=True)) == {0}
    assert where(claim) == (lavrov.pk, 3, 11, "disagree")


def test_merge_speakers_and_undo(transcript, editor):
    clinton = Speaker.objects.get(transcript=transcript, label="SECRETARY CLINTON")
    question = Speaker.objects.get(transcript=transcript, label="QUESTION")
    outcome = structure.merge_speakers(editor, transcript, question.pk, clinton.pk)
    assert "1 turn moved" in outcome.message
    assert [s for s, _ in layout(transcript)][-1] == "SECRETARY CLINTON"
    assert not Speaker.objects.filter(pk=question.pk).exists()
    structure.undo_last(editor, transcript)
    assert Speaker.objects.get(pk=question.pk).label == "QUESTION"
    assert [s for s, _ in layout(transcript)][-1] == "QUESTION"


def test_rename_speaker_and_undo(transcript, editor):
    question = Speaker.objects.get(transcript=transcript, label="QUESTION")
    structure.rename_speaker(editor, transcript, question.pk, "Reporter")
    question.refresh_from_db()
    assert question.name == "Reporter"
    structure.undo_last(editor, transcript)
    question.refresh_from_db()
    assert question.name == "QUESTION"


def test_reassign_passage_makes_its_own_turn_and_undoes(project, transcript, editor):
    laughter = passage(transcript, 3)
    original = layout(transcript)
    structure.reassign_passage(editor, transcript, laughter.pk, "Audience")
    assert layout(transcript)[1:4] == [
        ("FOREIGN MINISTER LAVROV", ["Thank you very much."]),
        ("Audience", ["(Laughter.)"]),
        ("FOREIGN MINISTER LAVROV", ["We disagree on Georgia."]),
    ]
    structure.undo_last(editor, transcript)
    assert layout(transcript) == original
    assert not Speaker.objects.filter(transcript=transcript, label="Audience").exists()


def test_reassign_turn_to_existing_speaker_by_name(transcript, editor):
    turn = Turn.objects.get(transcript=transcript, position=2)
    structure.reassign_turn(editor, transcript, turn.pk, "secretary clinton")
    assert layout(transcript)[2][0] == "SECRETARY CLINTON"
    with pytest.raises(StructureError, match="already"):
        structure.reassign_turn(editor, transcript, turn.pk, "SECRETARY CLINTON")


def test_mark_not_spoken_hides_from_progress_keeps_annotations(project, transcript, editor):
    headline = passage(transcript, 1)
    claim = AnnotationFactory(passage=headline, tag=tag(project))
    outcome = structure.mark_passage(editor, transcript, headline.pk, Passage.Kind.STAGE)
    assert "1 annotation on it stays" in outcome.notes[0]
    assert not transcript.passages.speech().filter(pk=headline.pk).exists()
    assert Annotation.objects.filter(pk=claim.pk).exists()
    structure.undo_last(editor, transcript)
    headline.refresh_from_db()
    assert headline.kind == Passage.Kind.SPEECH


def test_undo_after_a_later_edit_moves_it_with_its_text(project, transcript, editor):
    lavrov = passage(transcript, 4)
    claim = AnnotationFactory(passage=lavrov, tag=tag(project), start=15, end=22)
    structure.split_passage(editor, transcript, lavrov.pk, 12)
    claim.refresh_from_db()
    claim.apply_change(editor, claim.version, note="Checked.")
    undone = structure.undo_last(editor, transcript)
    assert "1 annotation changed since" in undone.notes[0]
    assert where(claim) == (lavrov.pk, 15, 22, "Georgia")


def test_undo_refuses_another_projects_change(project, transcript, editor):
    from ..conftest import member
    from ..factories import ProjectFactory

    other = ProjectFactory()
    other.transcripts.add(transcript)
    theirs = other.membership_of(member(other, "curator"))
    structure.rename_speaker(theirs, transcript, transcript.speakers.first().pk, "Hillary")
    with pytest.raises(StructureError, match="another project"):
        structure.undo_last(editor, transcript)


def test_moves_are_not_undone_by_the_annotation_undo(project, transcript, editor, curator):
    from annotations import undo

    lavrov = passage(transcript, 4)
    AnnotationFactory(passage=lavrov, tag=tag(project), annotator=curator, start=15, end=22)
    structure.split_passage(editor, transcript, lavrov.pk, 12)
    with pytest.raises(undo.Refused, match="Nothing to undo"):
        undo.undo_last(membership=editor, transcript=transcript)
