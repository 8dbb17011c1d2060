"""Learning a file's speaker pattern: fixtures in each shape, forcing one, runners-up offered,
and a property: any transcript written in any shape, wrapped or not, reads back the same."""

import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transcripts.parsing import ParseError, parse_transcript

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def parse(name, **kwargs):
    return parse_transcript((FIXTURES / name).read_bytes(), filename=name, **kwargs)


@pytest.mark.parametrize(
    ("name", "shape", "speakers", "turns"),
    [
        (
            "record_period_labels.txt",
            "period",
            ["Mr. GARRETT", "Ms. OKAFOR", "The SPEAKER pro tempore"],
            7,
        ),
        ("interview_dash_labels.txt", "dash", ["JO BAINES", "SAM OKAFOR"], 6),
        ("call_standalone_labels.txt", "standalone", ["Dana Whitfield", "Marcus Lee"], 5),
        ("debate_lines.txt", "colon", None, None),
    ],
)
def test_the_shape_that_explains_the_file_is_found(name, shape, speakers, turns):
    parsed = parse(name)
    pattern = parsed.metadata["speaker_pattern"]
    assert pattern["name"] == shape
    assert pattern["example"].startswith("line ")
    if speakers:
        assert parsed.speaker_labels == speakers and len(parsed.turns) == turns


def test_a_name_line_with_a_time_and_a_title_line_below():
    parsed = parse("call_standalone_labels.txt")
    assert [turn.start_time for turn in parsed.turns] == [3.0, None, 41.0, 62.0, 70.0]
    assert parsed.metadata["roles"] == {"Marcus Lee": "Northbank Securities - Analyst"}
    assert parsed.turns[1].text.startswith("Thanks, Dana.")  # the title line is not speech
    assert parsed.title == "Call transcript, Q3 results"


def test_a_forced_pattern_replaces_the_one_learnt():
    with pytest.raises(ParseError, match="expected lines like 'NAME — text'"):
        parse("record_period_labels.txt", speaker_pattern="dash")
    with pytest.raises(ParseError, match="applies to plain text and Markdown, not vtt"):
        parse("talk_no_speakers.vtt", speaker_pattern="colon")


def test_runners_up_are_offered_when_the_evidence_is_close():
    text = "\n".join(["ANNA: Yes.", "BEN — No.", "CARL: Maybe.", "DORA — Never."] * 3)
    pattern = parse_transcript(text).metadata["speaker_pattern"]
    assert pattern["name"] == "colon"
    assert pattern["alternatives"] == [{"name": "dash", "description": "NAME — text"}]
    forced = parse_transcript(text, speaker_pattern="dash")
    assert forced.speaker_labels == ["BEN", "DORA"]


SENTENCES = [
    "We should build the bridge.",
    "Nobody asked the farmers about it.",
    "Why not?",
    "The river rose again last spring and the levee held for three long days and nights.",
    "I disagree with that.",
    "Thank you.",
]
PEOPLE = [("Anna", "BELL"), ("Ben", "COLE"), ("Cara", "DIAZ")]


def label(shape, person):
    first, surname = person
    return {
        "colon": f"{first.upper()} {surname}",
        "period": f"Mr. {surname}",
        "dash": f"{first.upper()} {surname}",
        "bracket": f"{first.upper()} {surname}",
        "standalone": f"{first} {surname.title()}",
    }[shape]


def render(shape, turns, wrap):
    blocks = []
    for person, sentences in turns:
        name, said = label(shape, person), " ".join(sentences)
        line = {
            "colon": f"{name}: {said}",
            "period": f"{name}. {said}",
            "dash": f"{name} — {said}",
            "bracket": f"[{name}] {said}",
            "standalone": said,
        }[shape]
        if wrap:
            line = textwrap.fill(line, width=wrap)
        blocks.append(f"{name}\n{line}" if shape == "standalone" else line)
    return "\n\n".join(blocks) if shape == "standalone" or wrap else "\n".join(blocks)


transcripts = st.lists(
    st.tuples(
        st.sampled_from(PEOPLE), st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=5)
    ),
    min_size=6,
    max_size=14,
).filter(lambda turns: sum(a[0] != b[0] for a, b in zip(turns, turns[1:], strict=False)) >= 4)


@settings(max_examples=150, deadline=None)
@given(
    turns=transcripts,
    shape=st.sampled_from(["colon", "period", "dash", "bracket", "standalone"]),
    wrap=st.sampled_from([None, 60, 72]),
)
def test_any_shape_wrapped_or_not_round_trips_to_the_same_speakers_and_turns(turns, shape, wrap):
    parsed = parse_transcript(render(shape, turns, wrap))
    assert parsed.metadata["speaker_pattern"]["name"] == shape
    expected = []
    for person, sentences in turns:
        if expected and expected[-1][0] == label(shape, person):
            expected[-1][1].extend(sentences)
        else:
            expected.append((label(shape, person), list(sentences)))
    assert [turn.speaker_label for turn in parsed.turns] == [name for name, _ in expected]
    for turn, (_, sentences) in zip(parsed.turns, expected, strict=True):
        assert [p.text for p in turn.passages] == sentences
