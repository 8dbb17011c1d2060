"""Each format reader on small fixtures of our own that show the corpus's quirks. No database."""

import datetime
from pathlib import Path

import pytest

from transcripts.parsing import parse_collection, parse_transcript

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def parse(name, **kwargs):
    path = FIXTURES / name
    return parse_transcript(path.read_bytes(), filename=name, **kwargs)


def labels(parsed):
    return [turn.speaker_label for turn in parsed.turns]


def texts(turn, kind=None):
    return [p.text for p in turn.passages if kind is None or p.kind == kind]


@pytest.fixture(params=sorted(p.name for p in FIXTURES.iterdir()))
def any_fixture(request):
    if request.param.endswith("_collection.json"):  # many transcripts: the items, one by one
        return parse_collection((FIXTURES / request.param).read_bytes(), monologue_speaker="X")[0]
    return parse(request.param, monologue_speaker="SPEAKER")


def test_every_fixture_indexes_turn_and_source_consistently(any_fixture):
    for turn in any_fixture.turns:
        assert turn.passages
        for passage in turn.passages:
            assert turn.text[passage.start : passage.end] == passage.text
            assert passage.text == passage.text.strip() and passage.text
            if passage.source_start is not None:
                assert passage.source_start < passage.source_end <= len(any_fixture.text)


def test_one_turn_per_line_with_midline_labels():
    parsed = parse("debate_lines.txt")
    assert labels(parsed) == [
        "HOLT",
        "QUESTION",
        "BAKER",
        "HOLT",
        "LANE",
        "HOLT",
        "BAKER",
        "HOLT",
        "LANE",
    ]
    baker = parsed.turns[2]
    assert [p.paragraph for p in baker.passages] == [
        0,
        0,
        0,
        1,
        2,
        3,
    ]  # repeated label: new paragraph
    assert texts(parsed.turns[4]) == [
        "Right now, we are at 90 percent coverage.",
        "That’s the highest we’ve ever been in our country.",
    ]
    assert texts(parsed.turns[5]) == ["Mr. Baker, your time is up."]
    assert texts(parsed.turns[7], "stage")[0].startswith("[introducing themselves:")
    assert parsed.turns[-1].text == "Thank you, Mr. Holt. Good night."  # no final newline
    warnings = parsed.metadata["warnings"]
    assert (
        "line 6: no speaker label; kept as part of BAKER's turn" in warnings
    )  # one-off "Live Analysis:"


def test_source_offsets_follow_a_midline_label():
    parsed = parse("debate_lines.txt")
    holt = parsed.turns[5]
    passage = holt.passages[0]
    assert parsed.text[passage.source_start : passage.source_end] == "Mr. Baker, your time is up."


def test_parliament_labels_headings_and_applause():
    parsed = parse("parliament_gl.txt")
    assert parsed.speaker_labels == [
        "O señor PRESIDENTE",
        "O señor CONSELLEIRO DE FACENDA (Martínez García)",
        "A señora PONTÓN MONDELO",
    ]
    president, minister, _, deputy, _ = parsed.turns
    assert president.passages[-1].kind == "stage"  # the agenda heading nobody speaks
    assert "Iníciase a sesión" in parsed.metadata["stripped"][0]["text"]
    assert texts(minister, "stage") == ["(Aplausos.)"]
    assert "Como dixo o Sr. Pérez, «é o mellor orzamento»." in texts(minister)
    assert texts(deputy, "stage") == [
        "(Murmurios.)",
        "Efectuada a votación, deu o seguinte resultado: votos a favor, 39; votos en contra, 31.",
    ]  # a vote result is procedure, not the deputy's speech


def test_rev_blocks_with_times_merge_one_speakers_blocks():
    parsed = parse("rev_blocks.txt")
    assert labels(parsed) == [
        "Jane Moderator",
        "Senator Tom Ray",
        "President Ann K. Lowe",
        "Jane Moderator",
    ]
    ray = parsed.turns[1]
    assert ray.start_time == 21.0
    assert [(p.paragraph, p.start_time) for p in ray.passages] == [
        (0, 21.0),
        (0, 21.0),
        (0, 21.0),
        (1, 62.0),
    ]
    lowe = parsed.turns[2]
    assert texts(lowe, "stage") == ["[crosstalk 00:01:15]", "[crosstalk 00:01:20]"]
    assert parsed.turns[3].start_time == 3723.0  # (h:mm:ss) later in the file


def test_court_reporter_pages():
    parsed = parse("deposition.txt")
    assert parsed.speaker_labels == ["MR. HALE", "Q", "A", "MS. ORTIZ"]
    assert parsed.metadata["warnings"] == [
        "read as court reporter's pages: line and page numbers left out"
    ]
    hale = parsed.turns[0]
    assert [(p.kind, p.text) for p in hale.passages] == [
        ("speech", "Let the record show the witness is present."),
        ("stage", "DANA WRIGHT, having been first duly sworn, testified as follows:"),
        ("stage", "EXAMINATION"),
        ("stage", "BY MR. HALE:"),
    ]
    assert parsed.turns[3].text == "And where were you on the night of March 3rd?"
    assert texts(parsed.turns[5], "stage") == ["(Whereupon, a discussion was held off the record.)"]
    assert [turn.text for turn in parsed.turns[-3:]] == [
        "Not at all?",
        "Not once.",
        "Nothing further.",
    ]
    everything = " ".join(turn.text for turn in parsed.turns)
    assert not any(word.isdigit() for word in everything.split())


def test_html_strong_labels_with_the_colon_outside():
    parsed = parse("hearing.html")
    assert parsed.format == "html"
    assert labels(parsed) == ["Mr. KANE", "Mr. WEST", "Mr. KANE", "Mr. WEST", "Chairman INOUE"]
    assert parsed.title == "Hearing of 14 July 1987 – excerpt"
    assert parsed.date == datetime.date(1987, 7, 14)
    west = parsed.turns[1]
    assert texts(west) == [
        "I honestly don't recall a conversation with the Admiral.",
        "Over the 5½ years I served—I don't know.",
        "It was “profound” & sudden.",
    ]
    assert parsed.turns[2].text == "Now, you had-"
    everything = " ".join(turn.text for turn in parsed.turns)
    for junk in ("EVIL", "Home", "Copyright", "color"):
        assert junk not in everything


def test_html_source_offsets_point_at_the_markup():
    parsed = parse("hearing.html")
    first = parsed.turns[1].passages[0]
    assert parsed.text[first.source_start : first.source_end] == (
        "I honestly don't recall a conversation with the\nAdmiral."
    )
    entity = parsed.turns[1].passages[2]
    assert (
        parsed.text[entity.source_start : entity.source_end]
        == "It was &ldquo;profound&rdquo; &amp; sudden."
    )


def test_srt_prefix_labels_and_continuation_cues():
    parsed = parse("interview.srt")
    assert labels(parsed) == ["HOST", "DR. LEE"]
    host, lee = parsed.turns
    assert texts(host) == [
        "Welcome back to the programme.",
        "Today we talk to Dr. Amy Lee about the U.S. economy.",
    ]
    assert (host.start_time, host.end_time) == (1.0, 6.0)
    assert [(p.start_time, p.end_time) for p in host.passages] == [(1.0, 3.5), (3.6, 6.0)]
    assert texts(lee, "stage") == ["(Laughter.)"]
    assert "<i>" not in lee.text


def test_vtt_voice_tags_merge_consecutive_cues():
    parsed = parse("panel.vtt")
    assert labels(parsed) == ["Roger Bingham", "Neil deGrasse Tyson", "Roger Bingham"]
    first = parsed.turns[0]
    assert texts(first) == [
        "We are in New York City and we're going to talk about the U.S. economy."
    ]
    assert (first.passages[0].start_time, first.passages[0].end_time) == (1.0, 6.5)
    assert texts(parsed.turns[1]) == ["Thank you.", "Great to be here."]


def test_json_documented_list():
    parsed = parse("utterances.json")
    assert parsed.title == "Town hall, 2 March 2021"
    assert parsed.date == datetime.date(2021, 3, 2)
    assert labels(parsed) == ["MODERATOR", "Q", "MAYOR"]
    mayor = parsed.turns[2]
    assert [(p.text, p.kind, p.paragraph) for p in mayor.passages] == [
        ("It is balanced.", "speech", 0),
        ("We cut 2.5 percent.", "speech", 0),
        ("(Applause.)", "stage", 1),
        ("Thank you.", "speech", 1),
    ]
    assert (mayor.start_time, mayor.end_time) == (6.1, 10.0)
    moderator = parsed.turns[0].passages[0]
    assert parsed.text[moderator.source_start : moderator.source_end] == "Welcome, everyone."
    assert parsed.turns[1].passages[0].source_start is None  # escaped quotes: not derivable


def test_convokit_jsonl_with_nested_speaker():
    parsed = parse("convokit.jsonl")
    assert labels(parsed) == ["alice", "bob"]
    assert [turn.line for turn in parsed.turns] == [1, 2]


def test_oyez_sections_turns_and_text_blocks():
    parsed = parse("oyez_like.json")
    assert parsed.source_name == "Oyez"
    assert parsed.date == datetime.date(2020, 3, 3)
    assert labels(parsed) == ["John G. Roberts, Jr.", "Ann Smith"]
    smith = parsed.turns[1]
    assert [p.paragraph for p in smith.passages] == [0, 1, 1]
    assert texts(smith)[0] == "Mr. Chief Justice, and may it please the Court: Section (a) applies."
    assert smith.passages[-1].start_time == 12.0


def test_csv_with_header_and_clock_times():
    parsed = parse("utterances.csv")
    assert labels(parsed) == ["HOST", "GUEST", "HOST"]
    guest = parsed.turns[1]
    assert texts(guest) == ["Thanks.", "Glad to be here, finally.", "It's been a long year."]
    assert (guest.start_time, guest.end_time) == (1.5, 5.5)
    assert parsed.turns[2].start_time == 6.0
    assert parsed.turns[2].text == 'So, "what" now?'


def test_headerless_tsv_with_system_rows_and_a_typo():
    parsed = parse("sentences_noheader.tsv")
    assert parsed.speaker_labels == ["KING", "VOSS"]  # SYSTEM and SYSYTEM only hold stage notes
    assert texts(parsed.turns[1]) == ["A long time.", "(Inaudible.)"]
    assert texts(parsed.turns[2], "stage") == ["(LAUGHTER)"]
    assert parsed.metadata["warnings"][0].startswith("no header row")
    king = parsed.turns[0].passages[1]
    assert (
        parsed.text[king.source_start : king.source_end] == "It is a great honor to have you here."
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "SECRETARY CLINTON:\nWell, good afternoon.\n\nMODERATOR:\nThank you.",
            [
                ("SECRETARY CLINTON", None, "Well, good afternoon."),
                ("MODERATOR", None, "Thank you."),
            ],
        ),
        (
            "**Interviewer:** How are you?\n**Jane Doe**: Fine, thanks.",
            [("Interviewer", None, "How are you?"), ("Jane Doe", None, "Fine, thanks.")],
        ),
        (
            "[00:01:02] ANNA: Hi there.\n[00:01:05] BEN: Hello.",
            [("ANNA", 62.0, "Hi there."), ("BEN", 65.0, "Hello.")],
        ),
        (
            "PRESENT:\nJohn Smith\nJane Doe\n\nTHE COURT: Be seated.\nMR. O'BRIEN: Objection.",
            [("THE COURT", None, "Be seated."), ("MR. O'BRIEN", None, "Objection.")],
        ),
        (
            "Speaker 1: We meet at 10:30. See http://example.com: fine.\nSpeaker 2: OK.",
            [
                ("Speaker 1", None, "We meet at 10:30. See http://example.com: fine."),
                ("Speaker 2", None, "OK."),
            ],
        ),
    ],
    ids=["label-alone", "markdown-bold", "leading-times", "cover-page", "colons-in-text"],
)
def test_text_label_shapes(text, expected):
    parsed = parse_transcript(text)
    assert [(t.speaker_label, t.start_time, t.text) for t in parsed.turns] == expected


def test_html_main_content_only_and_plain_labels_in_paragraphs():
    page = """<html><head><title>Town hall</title></head><body>
    <div class="sidebar"><p>PROMO: Subscribe now!</p></div>
    <main><h1>Town hall, 3 June 2021</h1>
      <p>MAYOR: Welcome&nbsp;all.<br>We begin.</p>
      <p>Q: Why&#8212;now?</p>
      <p><b>Mayor</b>: Because.</p>
    </main>
    <div><p>CHAT: ignore me</p></div></body></html>"""
    parsed = parse_transcript(page)
    assert (parsed.title, parsed.date) == ("Town hall", datetime.date(2021, 6, 3))
    assert [(t.speaker_label, t.text) for t in parsed.turns] == [
        ("MAYOR", "Welcome all.\nWe begin."),
        ("Q", "Why—now?"),
        ("Mayor", "Because."),
    ]
