"""Sentence and stage-direction rules of the segmenter. No database."""

import pytest

from transcripts.segmenter import is_stage_direction, segment, sentence_spans


def sentences(text):
    return [text[a:b] for a, b in sentence_spans(text)]


@pytest.mark.parametrize(
    "text",
    [
        "Mr. Smith and Dr. Jones met Mrs. Brown.",
        "The U.S. Congress met today.",
        "Section No. 5 of the act applies.",
        "We talked with our P-5+1 partners.",
        "Growth was 2.5 per cent, up from 1.9 per cent.",
        "President Donald J. Trump spoke first.",
        "He said, “We will go... and then we will see.”",
        'He said, "Well... We will see."',
        "Trump v. Hawaii was argued in April.",
        "It was e.g. a small thing.",
        "Il a dit: «Oui... c'est ça».",
        "Asked why, he said “why not?” and left.",
    ],
)
def test_no_split(text):
    assert sentences(text) == [text]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thank you. Good night.", ["Thank you.", "Good night."]),
        ("Is that true? Because I doubt it!", ["Is that true?", "Because I doubt it!"]),
        ("It was made in the U.S. We are proud.", ["It was made in the U.S.", "We are proud."]),
        ("No. We never did.", ["No.", "We never did."]),
        ('He said, "Stop." Then he left.', ['He said, "Stop."', "Then he left."]),
        ("Wait... I know.", ["Wait...", "I know."]),
        ("¿Que é? ¡Todo!", ["¿Que é?", "¡Todo!"]),
        ("Look at 1985. 1986 was worse.", ["Look at 1985.", "1986 was worse."]),
        ("  spaced out.   Here  ", ["spaced out.", "Here"]),
        ("Ends with no stop", ["Ends with no stop"]),
    ],
)
def test_split(text, expected):
    assert sentences(text) == expected


@pytest.mark.parametrize(
    ("content", "bracket", "stage"),
    [
        ("Laughter.", "(", True),
        ("LAUGHTER", "(", True),
        ("inaudible", "(", True),
        ("In English", "(", True),
        ("Aplausos.", "(", True),
        ("CROSSTALK", "[", True),
        ("crosstalk 00:11:26", "[", True),
        ('introducing themselves: "I\'m Ann"', "[", True),
        ("a", "(", False),
        ("f", "(", False),
        ("and I mean it", "(", False),
        ("sic", "[", False),
        ("the law", "[", False),
        ("1", "[", False),
        ("NATO", "(", False),
    ],
)
def test_stage_directions(content, bracket, stage):
    assert is_stage_direction(content, bracket) is stage


def test_segment_keeps_stage_directions_out_of_sentences():
    text = "He was advancing my trip. (Laughter.) No, I have no plans."
    assert [(text[a:b], kind) for a, b, kind in segment(text)] == [
        ("He was advancing my trip.", "speech"),
        ("(Laughter.)", "stage"),
        ("No, I have no plans.", "speech"),
    ]


def test_segment_does_not_leave_bare_punctuation():
    text = "He is not worried about the people out there [crosstalk 00:08:48]."
    assert [(text[a:b], kind) for a, b, kind in segment(text)] == [
        ("He is not worried about the people out there", "speech"),
        ("[crosstalk 00:08:48].", "stage"),
    ]


def test_outline_letters_and_section_numbers_are_speech():
    text = "You mentioned 1182(f). Section (a) applies."
    assert [kind for *_, kind in segment(text)] == ["speech", "speech"]
