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


def test_parlamint_tei_speakers_from_the_list_of_persons_and_notes_as_stage():
    parsed = parse("parlamint_tei.xml")
    assert parsed.format == "tei" and parsed.date.isoformat() == "2019-03-12"
    assert parsed.speaker_labels == ["María Riveiro Costa", "Xan Ferreiro López", "NobodyInTheList"]
    assert [turn.line for turn in parsed.turns] == [28, 33, 41]
    ferreiro = parsed.turns[1]
    assert [(p.kind, p.text) for p in ferreiro.passages] == [
        ("speech", "Grazas, presidenta."),
        ("speech", "O sector do mar está en perigo."),
        ("stage", "Aplausos"),
        ("speech", "Pedimos que se escoite a xente do mar."),  # the inline note moved after it
        ("stage", "(Murmurios.)"),
        ("stage", "(Efectuada a votación, non se aproba a moción.)"),
    ]
    assert parsed.metadata["stripped"][0]["text"].startswith("Punto primeiro.")
    assert "<" not in " ".join(passages(parsed))


def test_parlparse_xml_with_its_dtd_of_html_entities_in_latin_1():
    parsed = parse("parlparse_debate.xml")
    assert parsed.format == "parlparse" and parsed.title == "Harbour Dues Bill"
    assert parsed.speaker_labels == ["Mr Speaker", "Jane Carrow", "Tom Ebdon"]
    assert [turn.start_time for turn in parsed.turns] == [52200, 52260, 52560]  # 14:30, …
    carrow = parsed.turns[1]
    assert [(p.kind, p.text) for p in carrow.passages] == [
        ("speech", "The harbour dues have not changed since 1998—not once."),
        (
            "speech",
            "This Bill raises them to £12 a tonne, still below the €15 charged across the water.",
        ),
        ("stage", "Question put and agreed to."),
        ("stage", "Third Reading"),
    ]
    assert passages(parsed)[-1] == "Has she asked them, or is that too naïve?"
    assert not any("ENTITY" in text or "&" in text for text in passages(parsed))


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE publicwhip [
<!ENTITY lol "lol">
<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<publicwhip><speech speakername="A"><p>&lol3;</p></speech></publicwhip>"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE publicwhip [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<publicwhip><speech speakername="A"><p>&secret;</p></speech></publicwhip>"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL], ids=["billion laughs", "external"])
def test_xml_entities_that_expand_or_fetch_are_refused(data):
    with pytest.raises(
        ParseError, match=r"line 7: unknown entity &lol3;|line 3: unknown entity &secret;"
    ):
        parse_transcript(data)


def test_court_reporter_pages_double_spaced_with_a_cover_page():
    parsed = parse("court_roundtable.txt")
    assert parsed.speaker_labels == ["MS. MARSH", "MR. McNALLY", "MS. DIAZ"]  # no cover headings
    assert len(parsed.turns) == 6
    said = passages(parsed)
    assert said[1] == (
        "I want to welcome everyone to -- this is called a roundtable, so please speak up when "
        "you have something to add."
    )
    assert "A volunteer; you know, someone from the farms, checks the gates every spring." in said
    assert not any("*" in text for text in said)
    assert all(text[0].isupper() for text in said)  # no sentence cut at a line end
    assert "PRESIDING" in parsed.metadata["stripped"][0]["text"]


def test_parliament_long_labels_procedure_and_galician_abbreviations():
    parsed = parse("parliament_long_labels_gl.txt")
    assert parsed.metadata["language"] == "gl"
    assert parsed.speaker_labels == [
        "O señor PRESIDENTE",
        "O señor CONSELLEIRO DE ECONOMÍA, EMPREGO E INDUSTRIA (Conde Souto)",
        "A señora RIVAS FERRO",
    ]
    assert len(parsed.turns) == 5
    minister = [p.text for p in parsed.turns[1].passages]
    assert "Segundo o informe núm. 34 do consello, o emprego medrou." in minister
    assert "Tamén quero lembrar a proposición núm. 7 que aprobou esta Cámara." in minister
    assert passages(parsed, "stage") == [
        "Pregunta sobre o plan de emprego no sector naval",
        "(Aplausos.)",
        "Efectuada a votación, apróbase a proposición non de lei por 38 votos a favor e 30 en "
        "contra.",
    ]


def test_vote_results_and_agenda_items_inside_the_chairs_turn_are_procedure():
    parsed = parse("parliament_chair_procedure_gl.txt")
    chair = [turn for turn in parsed.turns if turn.speaker_label == "O señor PRESIDENTE"]
    assert len(parsed.turns) == 5 and len(chair) == 3
    spoken = [p.text for p in chair[1].passages if p.kind == "speech"]
    assert spoken == [
        "Grazas.",
        "Imos votar.",
        "Pasamos ao seguinte punto da orde do día.",
        "Ten a palabra a señora Rivas.",
    ]  # the vote result and the agenda item stay in the turn, as procedure
    assert [p.text for p in chair[1].passages if p.kind == "stage"] == [
        "Efectuada a votación, apróbase a proposición non de lei por 38 votos a favor e 30 en "
        "contra.",
        "Punto 3. Proposición non de lei do Grupo Parlamentario Socialista sobre o sector naval",
    ]
    last = [(p.kind, p.text[:22]) for p in chair[2].passages]
    assert last == [
        ("speech", "Imos votar."),
        ("stage", "Efectuada a votación, "),
        ("speech", "Remata a sesión."),
    ]


@pytest.mark.parametrize(
    ("text", "language", "sentence"),
    [
        (
            "HERR MÜLLER: Nach Art. 5 Abs. 2 der Verfassung gilt das. Wir stimmen zu, und die "
            "Regierung ist nicht dafür.",
            "de",
            "Nach Art. 5 Abs. 2 der Verfassung gilt das.",
        ),
        (
            "LE PRÉSIDENT: Je donne la parole à M. Dupont pour le projet de loi. Il est absent et "
            "nous ne pouvons pas attendre.",
            "fr",
            "Je donne la parole à M. Dupont pour le projet de loi.",
        ),
        (
            "EL PRESIDENTE: Según el informe núm. 12 de la comisión, no es así. Y no lo será "
            "para los que se van.",
            "es",
            "Según el informe núm. 12 de la comisión, no es así.",
        ),
    ],
)
def test_abbreviations_of_the_detected_language(text, language, sentence):
    parsed = parse_transcript(text + "\nOTHER: Yes.")
    assert parsed.metadata["language"] == language
    assert passages(parsed)[0] == sentence


def test_markdown_labels_escapes_timestamps_notes_and_breaks():
    parsed = parse("podcast.md")
    assert parsed.format == "markdown"
    assert parsed.title == "Episode 42: Rivers and the people who mind them"
    assert parsed.speaker_labels == ["Jo Baines", "Sam Okafor"]  # "Break" is not a speaker
    assert len(parsed.turns) == 6
    said = passages(parsed, "speech")
    assert not any(mark in text for text in said for mark in ("\\", "*", "[", "]", "00:"))
    assert said[1] == "Today I'm talking to a lock keeper."
    assert passages(parsed, "stage") == ["[laughter]", "[Break 17:04]"]
    sam = parsed.turns[1]
    assert [p.paragraph for p in sam.passages] == [0, 0, 0, 1]  # continuation paragraph kept
    assert [turn.start_time for turn in parsed.turns] == [None, None, 65.0, None, None, 1050.0]
    assert said[-1] == "We lost the whole lower meadow."


def test_unlabelled_lines_are_listed_and_can_be_dropped_or_reassigned():
    plain = parse("debate_lines.txt")
    assert [row["line"] for row in plain.metadata["unlabelled"]] == [5, 6, 10]
    assert plain.metadata["unlabelled"][1]["turn"] == "BAKER"
    fixed = parse("debate_lines.txt", line_fixes={5: "HOLT", 6: None})
    assert not any("Live Analysis" in text for text in passages(fixed))
    assert [row["line"] for row in fixed.metadata["unlabelled"]] == [10]
    holt = fixed.turns[3]
    assert holt.speaker_label == "HOLT" and holt.passages[0].text.startswith("When I hear")
    assert "line 6: left out, as chosen in the preview" in fixed.metadata["warnings"]
