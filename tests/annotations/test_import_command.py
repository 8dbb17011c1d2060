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
    assert out.splitlines() == [
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
