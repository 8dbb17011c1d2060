"""The seed transcript's structure, encodings and bad input. No database."""

import datetime
import re
from pathlib import Path

import pytest

from transcripts.parsing import ParseError, decode, detect_format, parse_transcript

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "demo" / "clinton-lavrov-2009-05-07.txt"
CLINTON, LAVROV = "SECRETARY CLINTON", "FOREIGN MINISTER LAVROV"


@pytest.fixture(scope="module")
def seed():
    return parse_transcript(SEED.read_bytes(), filename=SEED.name)


def speech(turn):
    return [p.text for p in turn.passages if p.kind == "speech"]


def squash(text):
    return " ".join(text.split())


def test_seed_metadata_kept_from_the_junk(seed):
    assert seed.title == "Clinton / Lavrov press conference, 7 May 2009"
    assert seed.date == datetime.date(2009, 5, 7)
    assert seed.source_name == "US Department of State, www.state.gov"
    assert seed.source_url == "https://www.state.gov"
    assert seed.format == "text"
    header, trailer = seed.metadata["stripped"]
    assert "Acronym Institute Home Page" in header["text"]
    assert header["lines"] == [1, 17]
    assert "Back to the Top of the Page" in trailer["text"]


def test_seed_speakers_in_order_of_first_appearance(seed):
    assert seed.speaker_labels == [CLINTON, LAVROV, "MODERATOR", "QUESTION"]


def test_seed_turn_sequence_and_interpreter_flags(seed):
    expected = [
        (CLINTON, False), (LAVROV, True), ("MODERATOR", False), ("QUESTION", False),
        (CLINTON, False), (LAVROV, True), ("QUESTION", True), (CLINTON, False),
        (LAVROV, True), ("QUESTION", False), (CLINTON, False), (LAVROV, True),
        ("QUESTION", True), (CLINTON, False), (LAVROV, True),
    ]  # fmt: skip
    assert [(turn.speaker_label, turn.interpreted) for turn in seed.turns] == expected
    assert [turn.line for turn in seed.turns][:4] == [18, 61, 146, 148]


def test_seed_first_and_last_words_of_turns(seed):
    turns = seed.turns
    assert turns[0].text.startswith("Well, good afternoon. Welcome to the Benjamin Franklin Room")
    assert turns[0].text.endswith("So again, Minister Lavrov, welcome.")
    assert turns[1].text.startswith(
        "First of all, I would like to thank Secretary of State Hillary Clinton"
    )
    assert turns[1].text.endswith("I hope that our efforts will be successful. Thank you.")
    assert (
        turns[2].text
        == "We'll go with four questions. First question is from Sue Pleming with Reuters."
    )
    assert turns[6].text.startswith("TV Channel Russia. My question is to both")
    assert turns[-1].text.endswith(
        "And for us, this is a directive which we are fulfilling. Thank you."
    )


def test_seed_junk_and_interpreter_notes_are_not_speech(seed):
    everything = "\n".join(turn.text for turn in seed.turns)
    for junk in (
        "Acronym",
        "Disarmament",
        "Back to",
        "Source:",
        "|",
        "(Via interpreter)",
        "Remarks With Russian",
    ):
        assert junk not in everything


@pytest.mark.parametrize(
    "sentence",
    [
        "And we are involved both bilaterally and through groups like P-5+1, the Quartet, and, "
        "of course, the larger multilateral groups like OSCE or the United Nations.",
        "And Foreign Minister Lavrov, could NATO's exercises in Georgia and U.S. support for "
        "ultimate NATO membership for Georgia and Ukraine poison arms control talks such as those "
        "involving START?",
        "Mr. Lavrov, to sum up the results achieved in the recent period since the pushing of the "
        "famous button, what, in concrete terms, has been achieved in our relations?",
        "But we agree on one thing: We need to do our best in order to achieve stability there.",
        "And it is important, in order to implement the positive agenda of the U.S.-Russian "
        "relations, we need to normalize this relationship, we need to get rid of any negative "
        "heritage from the past.",
        "Because the last time that you were heard from on this subject was when you, speaking for "
        "the Russian Government, stated on April 11 - quote - "
        '"It would be unrealistic to expect us to raise pressure on Iran."',
        "Thank you.",
    ],
)
def test_seed_sentences_stay_whole(seed, sentence):
    assert any(sentence in speech(turn) for turn in seed.turns)


def test_seed_stage_directions_are_their_own_passages(seed):
    stage = [
        (turn.speaker_label, p.text)
        for turn in seed.turns
        for p in turn.passages
        if p.kind == "stage"
    ]
    assert stage == [("QUESTION", "(In English)"), (CLINTON, "(Laughter.)")]
    laughing = seed.turns[13]
    assert speech(laughing)[1:3] == [
        "He was advancing my trip.",
        "No, I have no plans of going to North Korea.",
    ]


def test_seed_paragraphs_from_short_lines_ending_sentences(seed):
    opening = seed.turns[0]
    paragraphs = {}
    for passage in opening.passages:
        paragraphs.setdefault(passage.paragraph, []).append(passage.text)
    assert len(paragraphs) == 6
    assert paragraphs[0][-1].endswith("coming out of the London summit.")
    assert paragraphs[5] == ["So again, Minister Lavrov, welcome."]
    assert speech(seed.turns[11])[-1] == "Ria Novosti, please."  # unlabelled, stays with Lavrov


def test_seed_passages_index_the_turn_and_the_source(seed):
    for turn in seed.turns:
        for passage in turn.passages:
            assert turn.text[passage.start : passage.end] == passage.text
            source = seed.text[passage.source_start : passage.source_end]
            assert squash(source) == squash(passage.text)


def test_seed_unwraps_us_at_a_line_start(seed):
    question = seed.turns[3]
    assert "Georgia and U.S. support for ultimate NATO membership" in question.text
    assert "\n" in question.text  # two paragraphs
    assert "assured the U.S. Congress earlier" in seed.turns[9].text


# Encodings and line ends -------------------------------------------------------------------

SMALL = "MODERATOR: Welcome. Café “talks” — 5½ hours.\nQ: Is it true?\nA: Yes. It is.\n"


@pytest.mark.parametrize(
    "data",
    [
        SMALL.encode("utf-8"),
        SMALL.encode("utf-8-sig"),
        SMALL.encode("utf-16"),
        SMALL.encode("utf-16-le"),
        SMALL.encode("cp1252"),
        SMALL.replace("\n", "\r\n").encode("utf-8"),
        SMALL.replace("\n", "\r").encode("cp1252"),
    ],
    ids=["utf8", "utf8-bom", "utf16-bom", "utf16-le-no-bom", "cp1252", "crlf", "cr-cp1252"],
)
def test_encodings_and_line_ends_read_the_same(data):
    parsed = parse_transcript(data)
    assert parsed.speaker_labels == ["MODERATOR", "Q", "A"]
    assert parsed.turns[0].text == "Welcome. Café “talks” — 5½ hours."
    assert [p.text for p in parsed.turns[2].passages] == ["Yes.", "It is."]
    for turn in parsed.turns:
        for passage in turn.passages:
            assert parsed.text[passage.source_start : passage.source_end] == passage.text


def test_decode_keeps_line_ends_so_offsets_match_the_file():
    assert decode(b"A: x\r\nB: y\r") == "A: x\r\nB: y\r"


# Bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"  \n\t\n", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
        (b"%PDF-1.7\n%\xe2\xe3", "PDF document"),
        (b"\x00\x01\x02\x03binary\x00\xff" * 20, "binary file"),
        (b"SPEAKER: hello\nB: caf\x81 \x8d\n", "line 2: cannot decode byte 0x81"),
        (b"Just some prose: nobody is labelled here.\nAnother line.\n", "no speaker labels found"),
        (
            b'[{"speaker": "A", "text": "hi"},\n {"speaker": "B" "text": "x"}]',
            "line 2: malformed JSON",
        ),
        (b'{"nothing": "useful"}', "JSON not recognised"),
        (b'{"utterances": []}', "the JSON holds no utterances"),
        (b'[{"speaker": "A"}]', 'item 1 has no "text"'),
        (b'speaker,text\nA,"unterminated\n', "malformed CSV"),
        (b"speaker,text,start\nA,hello,soon\n", "line 2: start: a time must be seconds"),
        (b"1\n00:00:01,000 --> 00:00:02,000\nno speaker here\n", "no speakers in these subtitles"),
        (b"WEBVTT\n\nnot a timing\ntext\n", "line 3: expected a cue timing"),
        (
            b'<?xml version="1.0"?>\n<TEI xmlns="http://www.tei-c.org/ns/1.0"><text/></TEI>',
            "no utterances (<u who=…>) in this TEI document",
        ),
        (
            b"T1\tClaim 0 24\tWe disagree on Georgia.\nT2\tPremise 30 41\tbecause so\n",
            "brat standoff annotation file",
        ),
    ],
)
def test_bad_input_raises_a_one_line_parse_error(data, message):
    with pytest.raises(ParseError) as caught:
        parse_transcript(data, filename="upload.csv" if b"speaker," in data else "")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_brat_ann_file_is_refused_by_its_name_too():
    with pytest.raises(ParseError, match="import_annotations"):
        parse_transcript(b"CLINTON: not really a transcript\n", filename="debate.ann")


def test_parse_error_carries_the_line():
    with pytest.raises(ParseError) as caught:
        parse_transcript(b"speaker,text\nA,hi\nB\n", filename="x.csv")
    assert caught.value.line == 3
    assert str(caught.value) == "line 3: row has 1 columns, expected at least 2"


def test_over_the_size_limit():
    with pytest.raises(ParseError, match=r"is 1.4 MB, over the 1 MB limit"):
        parse_transcript(b"A: " + b"word " * 300_000, max_bytes=2**20)


def test_numbered_lines_are_read_as_court_pages_never_as_text():
    page = "\n".join(f"{n:>2}   {'QA'[n % 2]}.  Line {n} here." for n in range(1, 26))
    parsed = parse_transcript(("\f".join([page, page])).encode())
    assert parsed.speaker_labels == ["A", "Q"]
    assert parsed.turns[0].text == "Line 1 here."
    assert len(parsed.turns) == 49  # A on line 25 and on the next page's line 1: one turn


def test_monologue_fallback_when_nobody_is_labelled():
    parsed = parse_transcript(
        "Four score and seven years ago.\n\nOur fathers brought forth.", monologue_speaker="LINCOLN"
    )
    assert parsed.speaker_labels == ["LINCOLN"]
    assert [p.paragraph for p in parsed.turns[0].passages] == [0, 1]


def test_python_bytes_literal_of_an_html_page_is_unwrapped():
    page = b"<html><body><p><b>ANNA:</b> Hello there.</p><p><b>BEN:</b> Hi.</p></body></html>"
    parsed = parse_transcript(repr(page).encode())
    assert parsed.format == "html"
    assert parsed.speaker_labels == ["ANNA", "BEN"]
    assert parsed.turns[0].passages[0].source_start is None  # offsets would point into the literal
    assert any("Python bytes literal" in warning for warning in parsed.metadata["warnings"])


@pytest.mark.parametrize(
    ("text", "filename", "expected"),
    [
        ("WEBVTT\n\n00:01.000 --> 00:02.000\nhi", "", "vtt"),
        ("1\n00:00:01,000 --> 00:00:02,000\nhi", "", "srt"),
        ('[{"speaker": "A", "text": "hi"}]', "", "json"),
        ("<html><body><p>A: hi</p></body></html>", "", "html"),
        ("speaker\ttext\nA\thi\nB\tho\n", "", "csv"),
        ("A: hi\nB: ho\n", "notes.txt", "text"),
        ("A: hi\nB: ho\n", "export.tsv", "csv"),
    ],
)
def test_detect_format(text, filename, expected):
    assert detect_format(text, filename) == expected


def test_metadata_is_json_serialisable(seed):
    import json

    assert json.loads(json.dumps(seed.metadata)) == seed.metadata
    assert re.fullmatch(r"\d+", str(seed.metadata["wrapped_at"]))


def test_metadata_stays_small_however_much_junk():
    junk = "\n".join(f"menu item {n}" for n in range(3000))
    speech = "ANNA: " + "word " * 30  # long lines, one turn per line: not a wrapped page
    lines = "\n".join(f"unlabelled {n}" if n % 3 == 1 else speech for n in range(400))
    parsed = parse_transcript(f"{junk}\nANNA: Hello.\n{lines}")
    assert len(parsed.metadata["stripped"][0]["text"]) < 5100
    warnings = parsed.metadata["warnings"]
    assert len(warnings) == 51 and warnings[-1] == "… and 83 more warnings"
