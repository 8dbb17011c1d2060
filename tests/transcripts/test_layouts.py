"""The layouts of issue 13, each on a small fixture of our own: turns, speakers, no junk,
sentences whole. No database."""

from pathlib import Path

import pytest

from transcripts.parsing import ParseError, parse_collection, parse_transcript

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def parse(name, **kwargs):
    return parse_transcript((FIXTURES / name).read_bytes(), filename=name, **kwargs)


def passages(parsed, kind=None):
    return [p.text for t in parsed.turns for p in t.passages if kind is None or p.kind == kind]


def test_subtitles_without_speakers_need_a_monologue_speaker():
    with pytest.raises(ParseError) as caught:
        parse("talk_no_speakers.vtt")
    assert caught.value.code == ParseError.NO_SPEAKERS
    parsed = parse("talk_no_speakers.vtt", monologue_speaker="SPEAKER")
    assert parsed.speaker_labels == ["SPEAKER"] and len(parsed.turns) == 1
    assert passages(parsed) == [
        "Thank you so much.",
        "It's really a pleasure to be here tonight.",
        "I want to talk about something we all do every day without thinking about it.",
        "(Laughter)",
        "We listen.",
        "And most of the time, we listen badly.",
    ]
    assert passages(parsed, "stage") == ["(Laughter)"]
    assert parsed.turns[0].passages[0].start_time == 12.76


def test_a_file_that_is_one_bytes_literal_starting_with_a_tag_is_unwrapped():
    parsed = parse("scraped_bytes_literal.txt")
    assert parsed.format == "html"
    assert parsed.speaker_labels == ["HOST", "GUEST"] and len(parsed.turns) == 3
    assert passages(parsed)[0] == "Welcome back to the show."
    assert "We’re talking about rivers today." in passages(parsed)  # \\xe2\\x80\\x99 decoded
    assert not any("\\\\" in text or "\\t" in text for text in passages(parsed))


def test_a_json_file_of_many_transcripts_is_refused_as_one_and_read_item_by_item():
    data = (FIXTURES / "talks_collection.json").read_bytes()
    with pytest.raises(ParseError) as caught:
        parse_transcript(data, filename="talks.json")
    assert caught.value.code == ParseError.COLLECTION
    assert 'holds 3 transcripts (objects with a title and a "transcript" field)' in str(
        caught.value
    )
    items = parse_collection(data, monologue_speaker="SPEAKER")
    assert [item.title for item in items] == [
        "Why rivers matter",
        "A panel on bridges",
        "Listening",
    ]
    assert [len(item.turns) for item in items] == [1, 4, 1]
    assert items[1].speaker_labels == ["MODERATOR", "ENGINEER"]


def test_a_collection_with_two_transcript_fields_asks_which_one():
    data = b'[{"title": "A", "transcript": "X: one.\\nY: two.", "subtitle": "X: uno.\\nY: dos."}]'
    with pytest.raises(ParseError, match="several transcript fields.*--json-field"):
        parse_collection(data)
    assert parse_collection(data, field="subtitle")[0].turns[0].text == "uno."
