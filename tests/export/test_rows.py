"""The pure part of annotations.export: rows, the formula guard, the CSV and JSONL writers."""

import csv
import io
import json
from datetime import UTC, date, datetime

import pytest

from annotations.export import (
    LONG_COLUMNS,
    RECORD_EXPRESSIONS,
    RECORD_FIELDS,
    RECORD_ORDER,
    attribute_names,
    csv_cell,
    csv_cell_chunks,
    csv_chunks,
    json_object,
    jsonl_chunks,
    long_cells,
    long_columns,
    long_row,
    spreadsheet_safe,
    unguard,
    wide_columns,
    wide_rows,
)

RECORD = {
    "id": 7,
    "passage_id": 70,
    "start": 6,
    "end": 21,
    "quote": "making progress",
    "note": "",
    "status": "submitted",
    "attributes": {"type": "factual"},
    "target_id": None,
    "created_at": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
    "updated_at": datetime(2026, 1, 2, 3, 4, 6, tzinfo=UTC),
    "project": "demo",
    "transcript_id": 3,
    "transcript_title": "Press conference",
    "transcript_date": date(2009, 5, 7),
    "transcript_hash": "ab" * 32,
    "turn_index": 0,
    "speaker": "SECRETARY CLINTON",
    "speaker_display": "",
    "interpreted": False,
    "passage_index": 1,
    "paragraph": 0,
    "start_time": 12.5,
    "end_time": None,
    "passage_text": "We're making progress on our agendas.",
    "tag_name": "Claim",
    "annotator_name": "ann",
    "target_quote": None,
    "target_passage_index": None,
    "target_passage_text": None,
    "target_speaker": None,
}


def read_back(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("text", ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "'quoted"])
def test_formula_starts_are_neutralised(text):
    assert spreadsheet_safe(text) == "'" + text
    assert unguard(spreadsheet_safe(text)) == text


@pytest.mark.parametrize("text", ["plain", "", "a=b", " =1", "1-2"])
def test_ordinary_text_is_left_alone(text):
    assert spreadsheet_safe(text) == text
    assert unguard(text) == text


def test_long_row_has_the_issue_columns_in_order_then_attributes():
    attrs = attribute_names([[{"name": "type"}], [{"name": "actor"}, {"name": "type"}]])
    row = long_row(RECORD, attrs)
    assert list(row) == long_columns(attrs)
    assert list(row)[:25] == LONG_COLUMNS  # the issue's 25, in its order
    assert (row["start_time"], row["end_time"]) == (12.5, None)
    assert list(row)[25:] == [
        "start_time",
        "end_time",
        "attr_type",
        "attr_actor",
        "transcript_hash",
        "target_passage_index",
    ]
    assert row["speaker_name"] == "SECRETARY CLINTON"  # falls back to the label
    assert row["created_at"] == "2026-01-02T03:04:05+00:00"
    assert row["transcript_date"] == "2009-05-07"
    assert row["passage_text"][row["span_start"] : row["span_end"]] == row["quote"]
    assert (row["attr_type"], row["attr_actor"]) == ("factual", None)


def test_commas_quotes_and_newlines_survive_a_csv_reader():
    note = 'He said "no", twice,\nthen "yes"\r\nand left'
    rows = [long_row({**RECORD, "note": note}, [])]
    text = "".join(csv_chunks(long_columns([]), rows))
    (back,) = read_back(text)
    assert back["note"] == note
    assert back["quote"] == "making progress"
    assert back["interpreted"] == "false"
    assert back["span_start"] == "6"
    assert text.endswith("\r\n")  # RFC 4180 line breaks


def test_formula_cells_are_guarded_in_csv_but_not_jsonl():
    record = {**RECORD, "note": "=cmd|' /C calc'!A0", "quote": "-making", "start": None}
    (back,) = read_back("".join(csv_chunks(long_columns([]), [long_row(record, [])])))
    assert back["note"] == "'=cmd|' /C calc'!A0"
    assert back["quote"] == "'-making"
    assert back["span_start"] == ""  # None: a whole-passage annotation, not a number
    (line,) = "".join(jsonl_chunks([json_object(record)])).splitlines()
    assert json.loads(line)["note"] == "=cmd|' /C calc'!A0"


def test_excel_flag_adds_a_bom():
    assert "".join(csv_chunks(["a"], [], excel=True)).startswith("\ufeffa\r\n")
    assert not "".join(csv_chunks(["a"], [])).startswith("\ufeff")


def test_csv_chunks_stream_in_pieces():
    rows = ({"a": n} for n in range(1234))
    chunks = list(csv_chunks(["a"], rows))
    assert len(chunks) == 3  # 500 + 500 + the rest
    assert len(read_back("".join(chunks))) == 1234


def test_json_object_nests_target_and_attributes():
    record = {
        **RECORD,
        "target_id": 3,
        "target_quote": "Georgia",
        "target_passage_index": 4,
        "target_speaker": "LAVROV",
    }
    obj = json.loads(json.dumps(json_object(record)))
    assert obj["target"] == {
        "annotation_id": 3,
        "passage_index": 4,
        "speaker": "LAVROV",
        "quote": "Georgia",
    }
    assert obj["attributes"] == {"type": "factual"}
    assert not any(key.startswith(("target_", "attr_")) for key in obj)
    assert json_object(RECORD)["target"] is None


def passage_record(index, transcript=1):
    return {
        "transcript_id": transcript,
        "passage_index": index,
        "transcript_title": "t",
        "transcript_date": None,
        "transcript_hash": "h",
        "turn_index": 0,
        "speaker": "A",
        "speaker_display": "Alice",
        "interpreted": False,
        "passage_id": 100 + index,
        "paragraph": 0,
        "start_time": None,
        "end_time": None,
        "kind": "speech",
        "passage_text": f"Sentence {index}.",
        "project": "p",
    }


def mark(index, tag, who, status="submitted", transcript=1):
    return {
        "transcript_id": transcript,
        "passage_index": index,
        "tag_name": tag,
        "annotator_name": who,
        "status": status,
    }


def test_wide_rows_one_per_passage_with_counts_annotators_and_gold():
    passages = [passage_record(0), passage_record(1), passage_record(2), passage_record(0, 2)]
    marks = [
        mark(1, "Claim", "bo"),
        mark(1, "Claim", "al", "accepted"),
        mark(1, "Claim", "", "gold"),  # the gold layer's item: gold, not an annotator
        mark(1, "Claim", "al"),  # the same annotator twice counts once
        mark(1, "Disagreement", "bo"),
        mark(0, "Claim", "cy", transcript=2),
    ]
    rows = list(wide_rows(passages, marks, ["Claim", "Disagreement"]))
    assert [r["passage_index"] for r in rows] == [0, 1, 2, 0]
    assert list(rows[0]) == wide_columns(["Claim", "Disagreement"])
    assert (rows[0]["Claim_count"], rows[0]["gold_labels"]) == (0, "")
    assert rows[1]["Claim_count"] == 2
    assert rows[1]["Claim_annotators"] == "al;bo"
    assert (rows[1]["Claim_gold"], rows[1]["Disagreement_gold"]) == (1, 0)
    assert rows[1]["gold_labels"] == "Claim"
    assert rows[1]["speaker_name"] == "Alice"
    assert rows[3]["Claim_annotators"] == "cy"  # the second transcript's passage 0


def test_long_columns_are_the_issues_exactly():
    issue = """annotation_id, project, transcript_id, transcript_title, transcript_date, turn_index,
    speaker, speaker_name, interpreted, passage_id, passage_index, paragraph, passage_text, tag,
    quote, span_start, span_end, target_annotation_id, target_speaker, target_quote, note,
    annotator, status, created_at, updated_at"""
    assert [name.strip() for name in issue.split(",")] == LONG_COLUMNS


def test_wide_rows_carry_the_passage_times():
    timed = {**passage_record(0), "start_time": 3.0, "end_time": 4.5}
    (row,) = wide_rows([timed], [], ["Claim"])
    assert list(row)[list(row).index("passage_text") + 1 :][:2] == ["start_time", "end_time"]
    assert (row["start_time"], row["end_time"]) == (3.0, 4.5)


RECORD_VARIANTS = [
    RECORD,
    {**RECORD, "note": "=cmd|' /C calc'!A0", "quote": "-making", "start": None, "end": None},
    {**RECORD, "speaker_display": "@Clinton", "transcript_title": "+1", "tag_name": "'q"},
    {**RECORD, "project": "-p", "annotator_name": "\tann", "passage_text": "\rx", "speaker": "="},
    {**RECORD, "interpreted": True, "transcript_date": None, "attributes": None},
    {**RECORD, "attributes": {"type": "=x", "actor": True, "n": 3, "gone": None}},
    {**RECORD, "target_id": 3, "target_quote": "-Georgia", "target_passage_index": 4,
     "target_passage_text": "not this", "target_speaker": "+LAVROV"},
    {**RECORD, "target_passage_index": 4, "target_passage_text": "=answered", "target_speaker": ""},
]  # fmt: skip


@pytest.mark.parametrize("record", RECORD_VARIANTS)
@pytest.mark.parametrize("attrs", [[], ["type", "actor", "n", "gone", "absent"]])
def test_long_cells_are_csv_cell_of_long_row(record, attrs):
    # The fast path of the long CSV (tuples, guards inlined) writes exactly what the dict
    # path writes, for every column and each kind of value.
    (cells,) = long_cells([tuple(record[name] for name in RECORD_ORDER)], attrs)
    row = long_row(record, attrs)
    written = ["" if cell is None else cell for cell in cells]  # the csv module writes None so
    assert written == [csv_cell(row[column]) for column in long_columns(attrs)]
    text = "".join(csv_cell_chunks(long_columns(attrs), [cells]))
    assert text == "".join(csv_chunks(long_columns(attrs), [row]))


def test_the_record_order_holds_every_record_field_once():
    assert sorted(RECORD_ORDER) == sorted([*RECORD_FIELDS, *RECORD_EXPRESSIONS])
