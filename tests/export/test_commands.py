"""export_annotations and import_annotations: files, filters, the round trip, located errors."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from annotations.models import Annotation

from ..factories import AnnotationFactory, ProjectFactory, TranscriptWithTurnsFactory
from .data import AWKWARD_NOTE, FORMULA_NOTE

pytestmark = pytest.mark.django_db
CHANGES_ON_IMPORT = {"annotation_id", "project", "transcript_id", "passage_id"}


def export(project, *args) -> str:
    out = io.StringIO()
    call_command("export_annotations", "--project", project.slug, *args, stdout=out)
    return out.getvalue()


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def write_rows(path, records: list[dict[str, str]]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(records[0]))
    writer.writeheader()
    writer.writerows(records)
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")


def import_file(path, project, *args) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import_annotations", str(path), "--project", project.slug, *args, stdout=out, stderr=err
    )
    return out.getvalue() + err.getvalue()


@pytest.fixture
def fresh(transcript):
    """Another project holding the same transcript text (a separate copy of it)."""
    project = ProjectFactory()
    copy = TranscriptWithTurnsFactory(
        original_text=transcript.original_text, title=transcript.title, date=transcript.date
    )
    project.transcripts.add(copy)
    return project


def test_export_to_stdout_and_file_are_the_same(project, tagged, tmp_path):
    path = tmp_path / "out.csv"
    call_command("export_annotations", "--project", project.slug, "--output", str(path))
    assert path.read_bytes().decode() == export(project)
    assert [r["note"] for r in rows(export(project))] == [AWKWARD_NOTE, "'" + FORMULA_NOTE]


def test_export_filters(project, transcript, tagged, curator):
    assert [r["tag"] for r in rows(export(project, "--tag", "Claim"))] == ["Claim"]
    assert len(rows(export(project, "--status", "submitted", "accepted"))) == 2
    assert len(rows(export(project, "--status", "draft"))) == 0
    assert [r["tag"] for r in rows(export(project, "--gold-only"))] == ["Disagreement"]
    assert len(rows(export(project, "--annotator", curator.username))) == 1
    assert len(rows(export(project, "--transcript", str(transcript.pk)))) == 2


def test_export_wide_and_jsonl(project, tagged):
    assert len(rows(export(project, "--format", "wide-csv"))) == 6
    assert len(export(project, "--format", "jsonl").splitlines()) == 2
    assert export(project, "--excel").startswith("\ufeff")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tag", "Clam"], "no such tag in"),
        (["--annotator", "nobody"], "no such user: nobody"),
        (["--transcript", "999999"], "transcripts not in"),
        (["--format", "jsonl", "--excel"], "--excel applies to the CSV formats only"),
    ],
)
def test_export_refuses_typos(project, args, message):
    with pytest.raises(CommandError, match=message):
        export(project, *args)


def test_export_unknown_project():
    with pytest.raises(CommandError, match="no project with slug"):
        call_command("export_annotations", "--project", "nope")


def test_round_trip_into_a_fresh_project_loses_nothing(project, tagged, fresh, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(export(project), encoding="utf-8", newline="")
    assert "Imported 2 annotation(s)" in import_file(path, fresh)
    before, after = rows(path.read_bytes().decode()), rows(export(fresh))
    assert len(after) == 2
    for old, new in zip(before, after, strict=True):
        assert {k: v for k, v in old.items() if k not in CHANGES_ON_IMPORT} | {
            "target_annotation_id": ""
        } == {k: v for k, v in new.items() if k not in CHANGES_ON_IMPORT} | {
            "target_annotation_id": ""
        }
    assert after[1]["target_annotation_id"] == after[0]["annotation_id"]  # the link is rebuilt
    assert after[0]["created_at"] == "2026-01-02T03:04:05+00:00"  # timestamps kept


def test_importing_twice_creates_nothing_new(project, tagged, fresh, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(export(project), encoding="utf-8", newline="")
    import_file(path, fresh)
    assert "Imported 0 annotation(s) into" in import_file(path, fresh)
    assert "2 already there" in import_file(path, fresh)
    assert Annotation.objects.in_project(fresh).count() == 2


def test_bad_rows_are_reported_by_line_and_nothing_is_written(project, tagged, fresh, tmp_path):
    good = export(project)
    records = good.split("\r\n")
    # The claim's note holds a newline, so its row is lines 2-3 and the disagreement's is line 4.
    assert records[2].startswith(str(tagged[1].pk))
    records[2] = records[2].replace("We disagree on Georgia.", "We agree on Georgia.")
    path = tmp_path / "bad.csv"
    path.write_text("\r\n".join(records), encoding="utf-8", newline="")
    with pytest.raises(CommandError, match="nothing imported: 1 row"):
        import_file(path, fresh)
    assert Annotation.objects.in_project(fresh).count() == 0
    output = import_file(path, fresh, "--skip-bad")
    assert "line 4: quote 'We agree on Georgia.' is not passage 4's text" in output
    assert "Imported 1 annotation(s)" in output
    assert list(Annotation.objects.in_project(fresh).values_list("tag__name", flat=True)) == [
        "Claim"
    ]


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("transcript_hash", "0" * 64, "no transcript with hash 000000000000"),
        ("passage_index", "99", "has no passage 99"),
        ("passage_index", "two", "passage_index 'two' is not a whole number"),
        ("tag", "Clam", "no tag 'Clam' here (--create-tags adds it)"),
        ("annotator", "ghost", "no user 'ghost'"),
        ("status", "done", "status 'done' is not one of"),
        ("span_end", "", "give both, start before end, or neither"),
        ("attr_type", "opinion", "attr_type: choose one of"),
        ("attr_kind", "denial", "attr_kind: not an attribute of Claim"),
        ("created_at", "yesterday", "created_at 'yesterday' is not an ISO 8601 timestamp"),
    ],
)
def test_each_kind_of_mismatch_is_named(project, claim, fresh, tmp_path, column, value, message):
    (row,) = rows(export(project, "--tag", "Claim"))
    row[column] = value
    path = tmp_path / "one.csv"
    write_rows(path, [row])
    with pytest.raises(CommandError, match="nothing imported"):
        import_file(path, fresh)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_annotations", str(path), "--project", fresh.slug, stderr=err)
    assert err.getvalue().startswith("line 2: ")
    assert message in err.getvalue()


def test_unknown_tag_is_created_on_request(project, transcript, fresh, tmp_path):
    AnnotationFactory(
        passage=transcript.passages.get(position=0),
        tag=project.tags.create(
            name="Hedge", shortcut="h", attribute_schema=[{"name": "cue", "label": "Cue"}]
        ),
        attributes={"cue": "perhaps"},
    )
    path = tmp_path / "hedge.csv"
    path.write_text(export(project), encoding="utf-8", newline="")
    output = import_file(path, fresh, "--create-tags")
    assert "new tags: Hedge" in output
    hedge = fresh.tags.get(name="Hedge")
    assert hedge.attribute_schema == [{"name": "cue", "label": "cue"}]
    assert Annotation.objects.get(tag=hedge).attributes == {"cue": "perhaps"}


def test_a_file_without_our_columns_is_refused(fresh, tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("a,b\r\n1,2\r\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_annotations", str(path), "--project", fresh.slug, stderr=err)
    assert "line 1: missing column(s): transcript_hash" in err.getvalue()


def test_a_file_that_is_not_utf8_is_refused(fresh, tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("quote\r\ncaf\xe9\r\n".encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8"):
        import_file(path, fresh)


def test_a_passage_only_target_survives_and_a_wrong_one_is_refused(
    project, transcript, fresh, tmp_path
):
    AnnotationFactory(
        passage=transcript.passages.get(position=4),
        tag=project.tags.get(name="Disagreement"),
        target_passage=transcript.passages.get(position=0),
    )
    exported = export(project)
    assert rows(exported)[0]["target_quote"] == "Well, good afternoon."
    path = tmp_path / "passage-target.csv"
    (row,) = rows(exported)
    row["target_passage_index"] = "1"  # a passage whose text is not the target_quote
    write_rows(path, [row])
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing imported"):
        call_command("import_annotations", str(path), "--project", fresh.slug, stderr=err)
    assert "line 2: target_quote is not passage 1's text" in err.getvalue()
    path.write_text(exported, encoding="utf-8", newline="")
    import_file(path, fresh)
    (made,) = Annotation.objects.in_project(fresh)
    assert (made.target_id, made.target_passage.position) == (None, 0)


def test_export_to_an_unwritable_place_is_a_clear_error(project, tmp_path):
    with pytest.raises(CommandError, match="cannot write .*: No such file or directory"):
        export(project, "--output", str(tmp_path / "missing" / "out.csv"))
