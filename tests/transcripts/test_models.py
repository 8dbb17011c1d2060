import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models.deletion import ProtectedError

from transcripts.models import Passage, Transcript, Turn

from ..factories import AnnotationFactory, PassageFactory, SpeakerFactory, TurnFactory

pytestmark = pytest.mark.django_db


def test_passage_factory_offsets_match_turn_text():
    passage = PassageFactory()
    assert passage.turn.text[passage.start : passage.end] == passage.text


@pytest.mark.parametrize(("start", "end"), [(4, 4), (9, 3)])
def test_database_rejects_unordered_passage_offsets(start, end):
    turn = TurnFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Passage.objects.create(
            transcript=turn.transcript, turn=turn, position=0, text="x", start=start, end=end
        )


def test_database_rejects_empty_passage():
    turn = TurnFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Passage.objects.create(
            transcript=turn.transcript, turn=turn, position=0, text="", start=0, end=1
        )


def test_database_rejects_half_a_source_span():
    turn = TurnFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Passage.objects.create(
            transcript=turn.transcript,
            turn=turn,
            position=0,
            text="x",
            start=0,
            end=1,
            source_start=3,
        )


def test_passage_positions_are_unique_per_transcript():
    passage = PassageFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        PassageFactory(turn=passage.turn, position=passage.position)


def test_turn_positions_are_unique_per_transcript():
    turn = TurnFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        TurnFactory(transcript=turn.transcript, speaker=turn.speaker, position=turn.position)


def test_speaker_label_is_unique_per_transcript():
    speaker = SpeakerFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        SpeakerFactory(transcript=speaker.transcript, label=speaker.label)


def test_speaker_name_falls_back_to_label():
    speaker = SpeakerFactory(label="SECRETARY CLINTON")
    assert speaker.name == "SECRETARY CLINTON"
    speaker.display_name = "Hillary Clinton"
    assert speaker.name == "Hillary Clinton"


def test_deleting_an_annotated_transcript_is_refused_not_cascaded():
    annotation = AnnotationFactory()
    transcript = annotation.passage.transcript
    with pytest.raises(ProtectedError), transaction.atomic():
        transcript.delete()
    assert Transcript.objects.filter(pk=transcript.pk).exists()


@pytest.mark.parametrize(
    ("model", "column", "serving"),
    [
        (Passage, "transcript_id", ["transcript_id", "position"]),
        (Passage, "turn_id", ["turn_id", "position"]),
        (Turn, "transcript_id", ["transcript_id", "position"]),
    ],
)
def test_foreign_keys_are_indexed_once_by_the_position_index(model, column, serving):
    """An import fills every index row by row: one of the key alone would only repeat the
    (key, position) index that begins with it."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    indexed = [c["columns"] for c in constraints.values() if c["index"] or c["unique"]]
    assert serving in indexed
    assert [column] not in indexed
