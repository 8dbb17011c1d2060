"""Properties over random input: only ParseError escapes, passages tile their turn. No database."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transcripts.parsing import FORMATS, ParseError, parse_transcript

FRAGMENTS = [
    "SECRETARY CLINTON:", "Q:", "A:", "Mr. Smith:", "Chris Wallace: (01:20)",
    "O señor PRESIDENTE:", "QUESTION: (Via interpreter)", "(Laughter.)", "[crosstalk 00:01:02]",
    "[inaudible]", "(In English)", "U.S.", "No. 5", "P-5+1", "2.5", "J.", "...", "“Well…", "”", '"',
    "Thank you.", "Is it?", "Yes!", "our country. COOPER:", "PRESENT:", "Source: www.example.org",
    "-", "—", "(", ")", "[", "]", ":", "<b>ANNA:</b>", "<br/>", "<p>", "&amp;", "&#0;", "WEBVTT",
    "00:00:01,000 --> 00:00:02,000", "1", "<v Bob>", '{"speaker": "A", "text": "x"}',
    "speaker,text", "\t", ",", "\r\n", "\r", "\n", "\n\n", " ", "word", "words here", "Café",
    "\x00", "\ufeff",
]  # fmt: skip

transcript_like = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=12), max_size=60).map(
    " ".join
)
anything = st.one_of(st.binary(max_size=400), st.text(max_size=400), transcript_like)


def check(parsed):
    assert parsed.turns
    for turn in parsed.turns:
        assert turn.speaker_label
        previous_end = 0
        for passage in turn.passages:
            assert passage.text.strip(), "empty passage"
            assert turn.text[passage.start : passage.end] == passage.text
            assert passage.start >= previous_end, "passages overlap or go backwards"
            previous_end = passage.end
            assert passage.kind in {"speech", "stage"}
            if passage.source_start is not None:
                assert 0 <= passage.source_start < passage.source_end <= len(parsed.text)
        assert "".join(turn.text.split()) == "".join("".join(p.text.split()) for p in turn.passages)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=anything, monologue=st.sampled_from([None, "NARRATOR"]))
def test_random_input_only_raises_parse_error(data, monologue):
    try:
        parsed = parse_transcript(data, monologue_speaker=monologue)
    except ParseError as error:
        assert str(error) and "\n" not in str(error)
        return
    check(parsed)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=transcript_like, format=st.sampled_from(FORMATS))
def test_every_reader_on_random_text(data, format):
    try:
        parsed = parse_transcript(data, format=format, monologue_speaker="NARRATOR")
    except ParseError:
        return
    check(parsed)


SPOKEN = ["Yes.", "No. 5 is", "the U.S. is big.", "Why?", "ok"]
turn_lines = st.tuples(
    st.sampled_from(["ANNA", "BEN", "MR. COLE", "Q"]),
    st.sampled_from(SPOKEN),
    st.lists(st.sampled_from([*SPOKEN, "(Laughter.)", "[inaudible]"]), max_size=8),
)


@settings(max_examples=200, deadline=None)
@given(turns=st.lists(turn_lines, min_size=1, max_size=10))
def test_labelled_lines_round_trip(turns):
    text = "\n".join(f"{label}: {first} {' '.join(rest)}" for label, first, rest in turns)
    parsed = parse_transcript(text)
    check(parsed)
    merged = []
    for label, *_ in turns:
        if not merged or merged[-1] != label:
            merged.append(label)
    assert [turn.speaker_label for turn in parsed.turns] == merged
    for turn in parsed.turns:
        for passage in turn.passages:
            assert parsed.text[passage.source_start : passage.source_end] == passage.text


def test_a_label_with_only_stage_directions_becomes_a_note():
    parsed = parse_transcript("ANNA: Yes.\nAUDIENCE: (Laughter.)\nBEN: No.")
    assert parsed.speaker_labels == ["ANNA", "BEN"]
    assert [p.kind for p in parsed.turns[0].passages] == ["speech", "stage"]
