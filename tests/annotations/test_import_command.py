from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from annotations.models import Project
from transcripts.models import Transcript

from ..factories import ProjectFactory

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[2] / "demo" / "clinton-lavrov-2009-05-07.txt"


def run(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command("import_transcript", *map(str, args), stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error
    return out.getvalue(), err.getvalue(), None


def test_new_project_is_created_with_default_tags_and_the_seed_imported():
    out, err, error = run(SEED, "--project", "press")
    assert error is None and err == ""
    project = Project.objects.get(slug="press")
    assert list(project.tags.values_list("name", flat=True)) == [
        "Claim",
        "Commitment",
        "Disagreement",
    ]
    transcript = project.transcripts.get()
    assert out.splitlines() == [
        "Created project 'press' with the default tags.",
        f'{SEED}: imported "Clinton / Lavrov press conference, 7 May 2009" (2009-05-07): '
        "4 speakers, 15 turns, 173 passages",
        f"{SEED}: speakers found as 'NAME: text', e.g. line 18: SECRETARY CLINTON: Well, good "
        "afternoon. Welcome to the Benjamin",
    ]
    assert transcript.turns.count() == 15


def test_same_file_twice_is_skipped_with_a_message():
    project = ProjectFactory(slug="press")
    run(SEED, "--project", "press")
    out, _, error = run(SEED, "--project", "press")
    assert error is None
    assert out.strip().endswith(
        'already in press as "Clinton / Lavrov press conference, 7 May 2009"; skipped'
    )
    assert project.transcripts.count() == 1


def test_dry_run_writes_nothing_not_even_the_project():
    out, _, error = run(
        SEED, "--project", "press", "--dry-run", "--title", "T", "--date", "2001-02-03"
    )
    assert error is None
    assert out.splitlines()[:2] == [
        "Would create project 'press' with the default tags.",
        f'{SEED}: would import "T" (2001-02-03): 4 speakers, 15 turns, 173 passages',
    ]
    assert not Project.objects.exists() and not Transcript.objects.exists()


def test_failures_are_reported_per_file_while_the_others_import(tmp_path):
    bad_csv = tmp_path / "bad.csv"
    bad_csv.write_text("speaker,text\nA,hi\nB\n")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    good = tmp_path / "good.txt"
    good.write_text("ANNA: Hello there.\nBEN: Hi.\n")
    out, err, error = run(bad_csv, empty, tmp_path / "missing.txt", good, "--project", "mixed")
    assert str(error) == "3 of 4 files could not be imported"
    assert err.splitlines() == [
        f"{bad_csv}:3: row has 1 columns, expected at least 2",
        f"{empty}: the file is empty",
        f"{tmp_path / 'missing.txt'}: cannot read the file (No such file or directory)",
    ]
    assert f'{good}: imported "good" (no date): 2 speakers, 2 turns, 2 passages' in out
    assert Project.objects.get(slug="mixed").transcripts.count() == 1


def test_overrides_and_format(tmp_path):
    subtitles = tmp_path / "show.txt"
    subtitles.write_text("1\n00:00:01,000 --> 00:00:02,000\nHOST: Hello.\n")
    out, _, error = run(subtitles, "--project", "p", "--format", "srt", "--title", "Show")
    assert error is None and 'imported "Show"' in out
    assert Transcript.objects.get().format == "srt"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--project", "not a slug"], "letters, digits"),
        (["--project", "p", "--date", "7 May 2009"], "use YYYY-MM-DD"),
    ],
)
def test_bad_arguments(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("import_transcript", str(SEED), *args)


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_monologue_imports_subtitles_without_speakers():
    path = FIXTURES / "talk_no_speakers.vtt"
    _, err, error = run(path, "--project", "talks")
    assert error is not None and "no speakers in these subtitles" in err
    assert "--monologue SPEAKER" in err
    out, err, error = run(path, "--project", "talks", "--monologue", "SPEAKER")
    assert error is None
    transcript = Transcript.objects.get()
    assert list(transcript.speakers.values_list("label", flat=True)) == ["SPEAKER"]
    assert transcript.turns.count() == 1


def test_a_json_collection_lists_its_items_on_a_dry_run_and_imports_each():
    path = FIXTURES / "talks_collection.json"
    out, _, error = run(path, "--project", "talks", "--monologue", "SPEAKER", "--dry-run")
    assert error is None
    assert [line.removeprefix(f"{path}: ") for line in out.splitlines()[1:]] == [
        "3 transcripts in this file",
        'item 1: would import "Why rivers matter" (no date): 1 speakers, 1 turns, 3 passages',
        'item 2: would import "A panel on bridges" (no date): 2 speakers, 4 turns, 5 passages',
        'item 3: would import "Listening" (no date): 1 speakers, 1 turns, 3 passages',
    ]
    assert not Transcript.objects.exists()
    run(path, "--project", "talks", "--monologue", "SPEAKER")
    titles = Project.objects.get(slug="talks").transcripts.values_list("title", flat=True)
    assert sorted(titles) == ["A panel on bridges", "Listening", "Why rivers matter"]


def test_a_failing_collection_item_is_named_and_nothing_is_written():
    _, err, error = run(FIXTURES / "talks_collection.json", "--project", "talks")
    assert error is not None
    assert "item 1 (Why rivers matter): no speaker labels found" in err
    assert not Transcript.objects.exists()


def test_the_speaker_pattern_learnt_is_printed_and_can_be_forced():
    path = FIXTURES / "record_period_labels.txt"
    out, _, error = run(path, "--project", "rec", "--dry-run")
    assert error is None
    assert f"{path}: speakers found as 'Mr. NAME. text', e.g. line 3: Mr. GARRETT." in out
    _, err, error = run(path, "--project", "rec", "--dry-run", "--speaker-pattern", "dash")
    assert error is not None and "expected lines like 'NAME — text'" in err
