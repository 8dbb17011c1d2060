"""Brat standoff (.ann) in: labels to tags, source offsets onto passages, located errors."""

import hashlib
import io

import pytest
from django.core.management import CommandError, call_command

from annotations.importers import read_brat, source_to_passage
from annotations.models import Annotation
from transcripts.models import Passage, Speaker, Transcript, Turn

from ..factories import UserFactory

pytestmark = pytest.mark.django_db

# Hard-wrapped like a scraped transcript: the second turn breaks a sentence over two lines.
SOURCE = (
    "CLINTON: We agree on arms control. We disagree on Georgia.\n"
    "LAVROV: Thank you. We are ready\nto work.\n"
)
TURNS = [
    ("CLINTON", ["We agree on arms control.", "We disagree on Georgia."]),
    ("LAVROV", ["Thank you.", "We are ready\nto work."]),
]


def at(text: str) -> tuple[int, int]:
    start = SOURCE.index(text)
    return start, start + len(text)


def transcript_with_source_offsets() -> Transcript:
    """What the importer makes of SOURCE: passages with offsets into it, wraps unwrapped."""
    transcript = Transcript.objects.create(
        title="Arms talks",
        original_text=SOURCE,
        content_hash=hashlib.sha256(SOURCE.encode()).hexdigest(),
    )
    position = 0
    for index, (label, sentences) in enumerate(TURNS):
        speaker = Speaker.objects.create(transcript=transcript, label=label, position=index)
        texts = [s.replace("\n", " ") for s in sentences]
        turn = Turn.objects.create(
            transcript=transcript, position=index, speaker=speaker, text=" ".join(texts)
        )
        offset = 0
        for sentence, text in zip(sentences, texts, strict=True):
            source_start, source_end = at(sentence)
            Passage.objects.create(
                transcript=transcript,
                turn=turn,
                position=position,
                text=text,
                start=offset,
                end=offset + len(text),
                source_start=source_start,
                source_end=source_end,
            )
            offset += len(text) + 1
            position += 1
    return transcript


def ann_line(number: int, label: str, text: str) -> str:
    start, end = at(text)
    return f"T{number}\t{label} {start} {end}\t{text.replace(chr(10), ' ')}"


GOOD = [
    ann_line(1, "Claim", "We agree on arms control."),  # a whole passage
    ann_line(2, "Premise", "disagree on Georgia"),  # a span
    ann_line(3, "Claim", "ready\nto work"),  # across the hard wrap
    "R1\tSupport Arg1:T2 Arg2:T1",
    "#1\tAnnotatorNotes T1\tcheck",
]


@pytest.fixture
def source_transcript(project):
    transcript = transcript_with_source_offsets()
    project.transcripts.add(transcript)
    return transcript


@pytest.fixture
def layer_owner(db):
    return UserFactory(username="elecdeb")


def run(path, project, *args) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import_annotations",
        str(path),
        "--project",
        project.slug,
        "--annotator",
        "elecdeb",
        *args,
        stdout=out,
        stderr=err,
    )
    return out.getvalue() + err.getvalue()


def write_ann(tmp_path, lines, *, with_txt=False):
    path = tmp_path / "debate.ann"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if with_txt:
        (tmp_path / "debate.txt").write_text(SOURCE, encoding="utf-8", newline="")
    return path


def test_source_offsets_map_across_normalised_white_space():
    source, passage = "We are ready\nto  work.", "We are ready to work."
    assert source_to_passage(source, passage, source.index("to")) == passage.index("to")
    assert source_to_passage(source, passage, len(source)) == len(passage)
    assert source_to_passage(passage, passage, 3) == 3
    assert source_to_passage("abc", "xy", 3) is None


def test_read_brat_keeps_fragments_and_reports_malformed_lines():
    text = "T1\tClaim 0 5\tHello\nT2\tClaim 0 5;7 9\tx y\nT3 oops\nT4\tClaim 9 3\tx\nR1\tx\n"
    spans, errors, other = read_brat(text)
    assert [(s.label, s.start, s.end, s.text) for s in spans] == [
        ("Claim", 0, 5, "Hello"),
        ("Claim", 0, 9, "x y"),
    ]
    assert spans[1].fragments == ((0, 5), (7, 9))
    assert spans[1].source_text("abcde..fg") == "abcde fg"
    assert [str(e) for e in errors] == [
        "line 3: expected 'T<n><TAB>Label start end<TAB>text'",
        "line 4: bad offsets '9 3'",
    ]
    assert other == 1


def test_a_discontinuous_span_is_imported_as_its_extent_with_a_warning(
    project, source_transcript, layer_owner, tmp_path
):
    first, _ = at("We disagree")
    start, end = at("Georgia")
    line = f"T1\tClaim {first} {first + 2};{start} {end}\tWe Georgia"
    path = write_ann(tmp_path, [line])
    output = run(path, project, "--transcript", str(source_transcript.pk))
    assert f"line 1: discontinuous span imported as {first}-{end}, its extent" in output
    (made,) = Annotation.objects.all()
    assert made.quote == "We disagree on Georgia"


def test_unknown_label_is_reported_and_nothing_written(
    project, source_transcript, layer_owner, tmp_path
):
    path = write_ann(tmp_path, GOOD)
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing imported: 1 row"):
        call_command(
            "import_annotations",
            str(path),
            *("--project", project.slug, "--annotator", "elecdeb"),
            *("--transcript", str(source_transcript.pk)),
            stderr=err,
        )
    assert "line 2: no tag 'Premise' here (--create-tags adds it)" in err.getvalue()
    assert "2 non-span line(s) (relations, notes…) not imported" in err.getvalue()
    assert Annotation.objects.count() == 0


def test_brat_with_create_tags(project, source_transcript, layer_owner, tmp_path):
    path = write_ann(tmp_path, GOOD)
    output = run(path, project, "--transcript", str(source_transcript.pk), "--create-tags")
    assert "Imported 3 annotation(s)" in output
    assert "new tags: Premise" in output
    made = {
        a.tag.name + ":" + a.quote: (a.passage.position, a.start, a.end)
        for a in Annotation.objects.select_related("tag", "passage")
    }
    assert made == {
        "Claim:We agree on arms control.": (0, None, None),
        "Premise:disagree on Georgia": (1, 3, 22),
        "Claim:ready to work": (3, 7, 20),
    }
    assert {a.annotator for a in Annotation.objects.all()} == {layer_owner}
    assert set(Annotation.objects.values_list("status", flat=True)) == {"submitted"}
    assert project.tags.get(name="Premise").shortcut == "p"


def test_brat_finds_the_transcript_by_the_txt_beside_it(
    project, source_transcript, layer_owner, tmp_path
):
    path = write_ann(tmp_path, GOOD[:1] + GOOD[2:3], with_txt=True)
    assert "Imported 2 annotation(s)" in run(path, project, "--status", "accepted")
    assert Annotation.objects.filter(status="accepted").count() == 2


def test_brat_errors_name_the_line_and_write_nothing(
    project, source_transcript, layer_owner, tmp_path
):
    start, _ = at("control.")
    _, end = at("We disagree")
    crossing = f"T4\tClaim {start} {end}\tcontrol. We disagree"
    wrong_text = f"T5\tClaim {start} {start + 3}\tabc"
    path = write_ann(tmp_path, [*GOOD[:1], crossing, wrong_text])
    transcript = ["--transcript", str(source_transcript.pk)]
    with pytest.raises(CommandError, match="nothing imported: 2 row"):
        run(path, project, *transcript)
    assert Annotation.objects.count() == 0
    output = run(path, project, *transcript, "--skip-bad")
    assert f"line 2: span {start}-{end} is not inside one passage" in output
    assert "line 3: the transcript has 'con' there" in output
    assert "Imported 1 annotation(s)" in output


def test_brat_needs_an_annotator_and_a_transcript(project, source_transcript, tmp_path):
    path = write_ann(tmp_path, GOOD)
    with pytest.raises(CommandError, match="needs --annotator"):
        call_command("import_annotations", str(path), "--project", project.slug)
    UserFactory(username="elecdeb")
    with pytest.raises(CommandError, match="debate.txt not found beside the .ann"):
        run(path, project)
    (tmp_path / "debate.txt").write_text("something else", encoding="utf-8")
    with pytest.raises(CommandError, match="no transcript in .* has the text of debate.txt"):
        run(path, project)


def test_brat_needs_source_offsets(project, transcript, layer_owner, tmp_path):
    path = write_ann(tmp_path, GOOD)
    with pytest.raises(CommandError, match="nothing imported"):
        run(path, project, "--transcript", str(transcript.pk))


def test_the_txt_beside_matches_whatever_its_line_ends(
    project, source_transcript, layer_owner, tmp_path
):
    # The transcript importer hashes with line ends unified; so does the lookup.
    path = write_ann(tmp_path, GOOD[:1])
    (tmp_path / "debate.txt").write_bytes(SOURCE.replace("\n", "\r\n").encode())
    assert "Imported 1 annotation(s)" in run(path, project)


# A debate in the corpus's shape (one turn per line, curly apostrophes, CRLF line ends, a label
# in mid-line), brought in through the real transcript importer.
DEBATE = (
    "MODERATOR: Welcome to the debate. Senator, you have two minutes.\r\n"
    "SENATOR: Thank you. I’ve said it before: taxes are too high. We will cut them.\r\n"
    "GOVERNOR: That’s not true. Taxes fell last year. MODERATOR: Time is up.\r\n"
)
DEBATE_SPANS = [
    ("Claim", "taxes are too high"),
    ("Claim", "We will cut them."),
    ("Premise", "Taxes fell last year"),
    ("Claim", "That’s not true"),
]


def test_brat_layer_on_a_transcript_from_the_real_importer(project, layer_owner, tmp_path):
    imported = project.import_transcript(DEBATE.encode(), filename="debate.txt")
    transcript = imported.transcript
    assert transcript.original_text == DEBATE  # CRLF kept: brat offsets count every character
    lines = []
    for number, (label, text) in enumerate(DEBATE_SPANS, start=1):
        start = DEBATE.index(text)
        lines.append(f"T{number}\t{label} {start} {start + len(text)}\t{text}")
    path = write_ann(tmp_path, lines)
    (tmp_path / "debate.txt").write_bytes(DEBATE.encode())
    assert "Imported 4 annotation(s)" in run(path, project, "--create-tags")
    made = Annotation.objects.select_related("passage", "tag").order_by("pk")
    assert [a.quote for a in made] == [text for _, text in DEBATE_SPANS]
    for annotation in made:
        whole = annotation.start is None
        span = (0, len(annotation.passage.text)) if whole else (annotation.start, annotation.end)
        assert annotation.passage.text[span[0] : span[1]] == annotation.quote
    assert made[1].start is None  # "We will cut them." is a whole sentence
