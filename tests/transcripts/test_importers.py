import datetime
from pathlib import Path

import pytest

from transcripts import importers
from transcripts.bulk import insert_rows
from transcripts.importers import content_hash, import_transcript
from transcripts.models import Passage, Speaker, Transcript, Turn
from transcripts.parsing import ParseError

from ..factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[2] / "demo" / "clinton-lavrov-2009-05-07.txt"


def row_counts():
    return [model.objects.count() for model in (Transcript, Speaker, Turn, Passage)]


@pytest.fixture
def seed_bytes():
    return SEED.read_bytes()


def test_seed_is_written_with_its_structure(seed_bytes):
    user = UserFactory()
    result = import_transcript(seed_bytes, filename=SEED.name, imported_by=user)
    transcript = result.transcript
    assert result.created
    assert transcript.title == "Clinton / Lavrov press conference, 7 May 2009"
    assert transcript.date == datetime.date(2009, 5, 7)
    assert transcript.source_name == "US Department of State, www.state.gov"
    assert transcript.source_url == "https://www.state.gov"
    assert transcript.format == Transcript.Format.TEXT
    assert transcript.imported_by == user
    assert transcript.original_text == seed_bytes.decode()
    assert transcript.content_hash == content_hash(seed_bytes.decode())
    assert transcript.metadata["stripped"][0]["lines"] == [1, 17]

    speakers = list(transcript.speakers.values_list("label", "position"))
    assert speakers == [
        ("SECRETARY CLINTON", 0),
        ("FOREIGN MINISTER LAVROV", 1),
        ("MODERATOR", 2),
        ("QUESTION", 3),
    ]
    turns = list(transcript.turns.select_related("speaker"))
    assert [turn.position for turn in turns] == list(range(15))
    assert [turn.interpreted for turn in turns].count(True) == 7
    assert turns[1].speaker.label == "FOREIGN MINISTER LAVROV"
    assert turns[1].source_line == 61

    passages = list(transcript.passages.order_by("position"))
    assert [p.position for p in passages] == list(range(len(passages)))
    assert [p.text for p in passages if p.kind == Passage.Kind.STAGE] == [
        "(In English)",
        "(Laughter.)",
    ]
    text_of = {turn.pk: turn.text for turn in turns}
    for passage in passages:
        assert text_of[passage.turn_id][passage.start : passage.end] == passage.text
        source = transcript.original_text[passage.source_start : passage.source_end]
        assert source.split() == passage.text.split()
    assert "173 passages" in result.summary


def test_same_content_twice_in_a_project_is_skipped(seed_bytes):
    project = ProjectFactory()
    first = import_transcript(
        seed_bytes, duplicates_in=project.transcripts.all(), link=project.transcripts.add
    )
    before = row_counts()
    crlf_utf16 = seed_bytes.decode().replace("\n", "\r\n").encode("utf-16")
    again = import_transcript(crlf_utf16, duplicates_in=project.transcripts.all())
    assert not again.created
    assert again.transcript == first.transcript
    assert row_counts() == before
    assert list(project.transcripts.all()) == [first.transcript]


def test_same_content_in_another_project_is_imported_again(seed_bytes):
    first, second = ProjectFactory(), ProjectFactory()
    import_transcript(seed_bytes, duplicates_in=first.transcripts.all(), link=first.transcripts.add)
    result = import_transcript(
        seed_bytes, duplicates_in=second.transcripts.all(), link=second.transcripts.add
    )
    assert result.created
    assert Transcript.objects.count() == 2


def test_overrides_for_title_date_and_speaker_names(seed_bytes):
    result = import_transcript(
        seed_bytes,
        title="Press conference",
        date=datetime.date(2009, 5, 8),
        speaker_names={"SECRETARY CLINTON": "Hillary Clinton", "QUESTION": "  "},
    )
    transcript = result.transcript
    assert (transcript.title, transcript.date) == ("Press conference", datetime.date(2009, 5, 8))
    names = dict(transcript.speakers.values_list("label", "display_name"))
    assert names["SECRETARY CLINTON"] == "Hillary Clinton"
    assert names["QUESTION"] == ""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"no speaker here at all\n", "no speaker labels found"),
        (b"speaker,text\nA,hi\nB\n", "line 3: row has 1 columns"),
    ],
)
def test_bad_input_writes_nothing(data, message):
    with pytest.raises(ParseError, match=message):
        import_transcript(data, filename="x.csv" if b"," in data else "x.txt")
    assert row_counts() == [0, 0, 0, 0]


def test_a_failing_link_rolls_everything_back(seed_bytes):
    def link(transcript):
        raise RuntimeError("the project side failed")

    with pytest.raises(RuntimeError):
        import_transcript(seed_bytes, link=link)
    assert row_counts() == [0, 0, 0, 0]


def test_size_limit_comes_from_settings(settings):
    settings.TRANSCRIPT_MAX_BYTES = 100
    with pytest.raises(ParseError, match="over the"):
        import_transcript(b"A: " + b"word " * 50)


def test_monologue_and_timed_formats_keep_their_extras():
    result = import_transcript("Just one voice. Nobody labelled.", monologue_speaker="NARRATOR")
    assert list(result.transcript.speakers.values_list("label", flat=True)) == ["NARRATOR"]

    srt = b"1\n00:00:01,000 --> 00:00:03,500\nHOST: Welcome back. Hello.\n"
    turn = import_transcript(srt, filename="show.srt").transcript.turns.get()
    assert (turn.start_time, turn.end_time) == (1.0, 3.5)
    assert list(turn.passages.values_list("start_time", "end_time")) == [(1.0, 3.5), (1.0, 3.5)]


def test_a_failure_half_way_through_the_writes_leaves_nothing(seed_bytes, monkeypatch):
    def fail_on_passages(model, fields, rows):
        if model is Passage:
            raise RuntimeError("disk full")
        insert_rows(model, fields, rows)

    # Transcript, speakers and turns are written by then; the passages fail.
    monkeypatch.setattr(importers, "insert_rows", fail_on_passages)
    with pytest.raises(RuntimeError, match="disk full"):
        import_transcript(seed_bytes)
    monkeypatch.undo()
    assert row_counts() == [0, 0, 0, 0]


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_oyez_justices_and_advocates_and_title_lines_become_speaker_roles():
    oyez = import_transcript((FIXTURES / "oyez_like.json").read_bytes(), filename="oyez.json")
    roles = dict(oyez.transcript.speakers.values_list("label", "role"))
    assert roles == {"John G. Roberts, Jr.": "Justice", "Ann Smith": "Advocate"}
    call = (FIXTURES / "call_standalone_labels.txt").read_bytes()
    speakers = import_transcript(call, filename="call.txt").transcript.speakers
    assert speakers.get(label="Marcus Lee").role == "Northbank Securities - Analyst"
