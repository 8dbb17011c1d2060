"""annotations.export against the database: known values, filters, blind mode, flat queries."""

import csv
import io
import json

import pytest

from annotations.export import LONG_COLUMNS, Dataset, Selection, select
from annotations.models import Annotation, Membership

from ..factories import (
    AnnotationFactory,
    PassageFactory,
    TranscriptWithTurnsFactory,
    UserFactory,
)
from .data import AWKWARD_NOTE, FORMULA_NOTE

pytestmark = pytest.mark.django_db
ATTRS = ["attr_type", "attr_actor", "attr_action", "attr_timeframe", "attr_strength", "attr_kind"]


def long_csv(dataset: Dataset) -> list[dict[str, str]]:
    text = "".join(dataset.chunks("csv"))
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_long_csv_columns_and_values_for_a_known_fixture(project, transcript, tagged, annotator):
    claim, disagreement = tagged
    claim.passage.start_time, claim.passage.end_time = 12.5, 14.0
    claim.passage.save(update_fields=["start_time", "end_time"])
    rows = long_csv(select(project, Selection()))
    times = ["start_time", "end_time"]
    assert list(rows[0]) == LONG_COLUMNS + times + ATTRS + [
        "transcript_hash",
        "target_passage_index",
    ]
    first, second = rows
    assert first == {
        "annotation_id": str(claim.pk),
        "project": project.slug,
        "transcript_id": str(transcript.pk),
        "transcript_title": transcript.title,
        "transcript_date": transcript.date.isoformat(),
        "turn_index": "0",
        "speaker": "SECRETARY CLINTON",
        "speaker_name": "SECRETARY CLINTON",
        "interpreted": "false",
        "passage_id": str(claim.passage_id),
        "passage_index": "1",
        "paragraph": "0",
        "start_time": "12.5",
        "end_time": "14.0",
        "passage_text": "We're making progress on our agendas.",
        "tag": "Claim",
        "quote": "making progress",
        "span_start": "6",
        "span_end": "21",
        "target_annotation_id": "",
        "target_speaker": "",
        "target_quote": "",
        "note": AWKWARD_NOTE,
        "annotator": annotator.username,
        "status": "submitted",
        "created_at": "2026-01-02T03:04:05+00:00",
        "updated_at": "2026-01-02T03:04:06+00:00",
        "transcript_hash": transcript.content_hash,
        "target_passage_index": "",
        "attr_type": "factual",
        "attr_actor": "",
        "attr_action": "",
        "attr_timeframe": "",
        "attr_strength": "",
        "attr_kind": "",
    }
    assert second["speaker"] == "FOREIGN MINISTER LAVROV"
    assert second["interpreted"] == "true"
    assert (second["span_start"], second["span_end"]) == ("", "")
    assert second["quote"] == "We disagree on Georgia."
    assert second["target_annotation_id"] == str(claim.pk)
    assert second["target_speaker"] == "SECRETARY CLINTON"
    assert second["target_quote"] == "making progress"
    assert second["target_passage_index"] == "1"
    assert second["note"] == "'" + FORMULA_NOTE
    assert second["attr_kind"] == "denial"
    assert second["updated_at"].endswith("+00:00")


def test_jsonl_one_object_per_annotation_with_nested_target(project, tagged):
    claim, _ = tagged
    lines = "".join(select(project, Selection()).chunks("jsonl")).splitlines()
    objects = [json.loads(line) for line in lines]
    assert [o["tag"] for o in objects] == ["Claim", "Disagreement"]
    assert objects[0]["target"] is None
    assert objects[1]["target"]["annotation_id"] == claim.pk
    assert objects[1]["target"]["quote"] == "making progress"
    assert objects[1]["note"] == FORMULA_NOTE  # no spreadsheet guard in JSON
    assert objects[1]["attributes"] == {"kind": "denial"}


def test_wide_csv_lists_every_passage_tagged_or_not(project, transcript, tagged, annotator):
    text = "".join(select(project, Selection()).chunks("wide-csv"))
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [r["passage_index"] for r in rows] == [str(i) for i in range(6)]
    assert rows[3]["kind"] == "stage"
    assert (rows[1]["Claim_count"], rows[1]["Claim_annotators"]) == ("1", annotator.username)
    assert rows[1]["gold_labels"] == ""  # submitted, not accepted
    assert rows[4]["Disagreement_gold"] == "1"
    assert rows[4]["gold_labels"] == "Disagreement"
    assert rows[0]["Claim_count"] == "0"


def test_filters_narrow_the_rows(project, transcript, tagged, annotator, curator):
    def tags_for(**kwargs):
        return [r["tag"] for r in long_csv(select(project, Selection(**kwargs)))]

    assert tags_for(tags=("Claim",)) == ["Claim"]
    assert tags_for(annotators=(curator.username,)) == ["Disagreement"]
    assert tags_for(statuses=("submitted",)) == ["Claim"]
    assert tags_for(gold_only=True) == ["Disagreement"]
    other = TranscriptWithTurnsFactory()
    project.transcripts.add(other)
    assert tags_for(transcripts=(other.pk,)) == []
    assert tags_for(transcripts=(transcript.pk,)) == ["Claim", "Disagreement"]


def test_other_projects_annotations_never_leak(project, tagged):
    AnnotationFactory()  # its own project, tag and transcript
    assert len(long_csv(select(project, Selection()))) == 2


def test_blind_project_annotator_exports_only_their_own(project, tagged, annotator, curator):
    project.blind = True
    project.save()
    mine = Membership.objects.get(project=project, user=annotator)
    rows = long_csv(select(project, Selection(), mine))
    assert [r["annotator"] for r in rows] == [annotator.username]
    theirs = Membership.objects.get(project=project, user=curator)
    assert len(long_csv(select(project, Selection(), theirs))) == 2  # curators see all


def test_blind_wide_csv_counts_only_the_annotators_own(project, tagged, annotator):
    project.blind = True
    project.save()
    mine = Membership.objects.get(project=project, user=annotator)
    text = "".join(select(project, Selection(), mine).chunks("wide-csv"))
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == 6
    assert rows[4]["Disagreement_count"] == "0"
    assert rows[4]["gold_labels"] == ""


def test_queries_do_not_grow_with_rows(
    project, transcript, tags, annotator, django_assert_max_num_queries
):
    # 40 annotations a passage, none an exact copy of another (a unique constraint refuses those).
    annotators = [annotator, *UserFactory.create_batch(3)]
    for index in range(6):
        for n in range(40):
            AnnotationFactory(
                passage=transcript.passages.get(position=index),
                tag=tags["Claim"],
                annotator=annotators[n % 4],
                start=n // 4,
                end=n // 4 + 1,
            )
    with django_assert_max_num_queries(3):
        assert len(long_csv(select(project, Selection()))) == 240
    with django_assert_max_num_queries(4):
        "".join(select(project, Selection()).chunks("wide-csv"))


def test_dataset_of_any_annotations_takes_attribute_columns_from_their_projects(tagged):
    other = AnnotationFactory(passage=PassageFactory(), status=Annotation.Status.DRAFT)
    pks = [tagged[0].pk, other.pk]
    rows = long_csv(Dataset.of(Annotation.objects.filter(pk__in=pks)))
    assert {r["annotation_id"] for r in rows} == {str(pk) for pk in pks}
    assert "attr_type" in rows[0]


def test_wide_csv_tag_filter_limits_the_tag_columns(project, tagged):
    text = "".join(select(project, Selection(tags=("Claim",))).chunks("wide-csv"))
    header = next(csv.reader(io.StringIO(text)))
    assert [c for c in header if c.startswith(("Claim_", "Commitment_", "Disagreement_"))] == [
        "Claim_count",
        "Claim_annotators",
        "Claim_gold",
    ]
