"""The pure part of the export: columns, and each format's rows built from records (dicts of
RECORD_FIELDS and RECORD_EXPRESSIONS in datasets.py), tested without a database."""

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from itertools import groupby
from operator import itemgetter
from typing import Any

# The columns, in this order; then `attr_<name>` per attribute defined in the project.
LONG_COLUMNS = [
    "annotation_id",
    "project",
    "transcript_id",
    "transcript_title",
    "transcript_date",
    "turn_index",
    "speaker",
    "speaker_name",
    "interpreted",
    "passage_id",
    "passage_index",
    "paragraph",
    "passage_text",
    "tag",
    "quote",
    "span_start",
    "span_end",
    "target_annotation_id",
    "target_speaker",
    "target_quote",
    "note",
    "annotator",
    "status",
    "created_at",
    "updated_at",
]
# After the columns: when the passage was said, where the source gives times (seconds).
TIME_COLUMNS = ["start_time", "end_time"]
# After the attribute columns: what a re-import needs to find the same passages elsewhere.
KEY_COLUMNS = ["transcript_hash", "target_passage_index"]
WIDE_CONTEXT_COLUMNS = [
    "project",
    "transcript_id",
    "transcript_title",
    "transcript_date",
    "transcript_hash",
    "turn_index",
    "speaker",
    "speaker_name",
    "interpreted",
    "passage_id",
    "passage_index",
    "paragraph",
    "kind",
    "passage_text",
    *TIME_COLUMNS,
]
GOLD_STATUS = "gold"  # the status of a gold item's record beside the annotators' in the wide CSV
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    # Spreadsheets execute cells that start like a formula (CSV injection); a leading ' stops
    # that. Text that already starts with ' gets one more, so a re-import can strip exactly one.
    return "'" + text if text.startswith(FORMULA_START + ("'",)) else text


def unguard(text: str) -> str:
    """Undo `spreadsheet_safe` (for reading our own CSV back)."""
    return text[1:] if text.startswith("'") else text


def attribute_names(schemas: Iterable[list[dict]]) -> list[str]:
    """Attribute names across tags, first seen first; tags sharing a name share a column."""
    names: dict[str, None] = {}
    for schema in schemas:
        for spec in schema or []:
            names.setdefault(spec["name"], None)
    return list(names)


GUARDED_FIRST = frozenset(FORMULA_START + ("'",))


def csv_cell(value: Any) -> Any:
    # The per-cell hot path of a million-row export: exact type checks, strings first.
    kind = value.__class__
    if kind is str:
        return "'" + value if value[:1] in GUARDED_FIRST else value
    if value is None:
        return ""
    if kind is bool:
        return "true" if value else "false"
    return value  # numbers are never guarded: a negative number stays a number


def long_columns(attr_names: list[str]) -> list[str]:
    return LONG_COLUMNS + TIME_COLUMNS + [f"attr_{name}" for name in attr_names] + KEY_COLUMNS


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _target_quote(record: dict[str, Any]) -> str | None:
    if record["target_id"] is not None:
        return record["target_quote"]
    return record["target_passage_text"]  # a passage answered before anyone tagged it


def long_row(record: dict[str, Any], attr_names: list[str]) -> dict[str, Any]:
    """One annotation record (see RECORD_FIELDS) as a long-CSV row."""
    attributes = record["attributes"] or {}
    row = {
        "annotation_id": record["id"],
        "project": record["project"],
        "transcript_id": record["transcript_id"],
        "transcript_title": record["transcript_title"],
        "transcript_date": _iso(record["transcript_date"]),
        "turn_index": record["turn_index"],
        "speaker": record["speaker"],
        "speaker_name": record["speaker_display"] or record["speaker"],
        "interpreted": record["interpreted"],
        "passage_id": record["passage_id"],
        "passage_index": record["passage_index"],
        "paragraph": record["paragraph"],
        "passage_text": record["passage_text"],
        "tag": record["tag_name"],
        "quote": record["quote"],
        "span_start": record["start"],
        "span_end": record["end"],
        "target_annotation_id": record["target_id"],
        "target_speaker": record["target_speaker"],
        "target_quote": _target_quote(record),
        "note": record["note"],
        "annotator": record["annotator_name"],
        "status": record["status"],
        "created_at": _iso(record["created_at"]),
        "updated_at": _iso(record["updated_at"]),
    }
    row["start_time"], row["end_time"] = record["start_time"], record["end_time"]
    for name in attr_names:
        row[f"attr_{name}"] = attributes.get(name)
    row["transcript_hash"] = record["transcript_hash"]
    row["target_passage_index"] = record["target_passage_index"]
    return row


# An annotation record as a tuple, in this order (datasets.py reads it so with values_list).
RECORD_ORDER = (
    "id", "passage_id", "start", "end", "quote", "note", "status", "attributes", "target_id",
    "created_at", "updated_at", "project", "transcript_id", "transcript_title",
    "transcript_date", "transcript_hash", "turn_index", "speaker", "speaker_display",
    "interpreted", "passage_index", "paragraph", "start_time", "end_time", "passage_text",
    "tag_name", "annotator_name", "target_quote", "target_passage_index", "target_passage_text",
    "target_speaker",
)  # fmt: skip


def long_cells(records: Iterable[tuple], attr_names: list[str]) -> Iterator[tuple]:
    """What csv_cell() makes of each long_row(), for record tuples in RECORD_ORDER: the same
    cells without a dict per row, and without a call per cell but for the nullable text and the
    attributes (the guard is inlined on the text columns that are never null; ids, numbers,
    statuses, hashes and ISO times never start like a formula). A million-row export runs here."""
    guarded, cell = GUARDED_FIRST, csv_cell
    for (
        pk, passage_id, start, end, quote, note, status, attributes, target_id, created_at,
        updated_at, project, transcript_id, title, day, digest, turn_index, speaker, display,
        interpreted, passage_index, paragraph, start_time, end_time, text, tag, annotator,
        target_quote, target_index, target_text, target_speaker,
    ) in records:  # fmt: skip
        shown = display or speaker
        head = (
            pk,
            "'" + project if project[:1] in guarded else project,
            transcript_id,
            "'" + title if title[:1] in guarded else title,
            day.isoformat() if day is not None else None,
            turn_index,
            "'" + speaker if speaker[:1] in guarded else speaker,
            "'" + shown if shown[:1] in guarded else shown,
            "true" if interpreted else "false",
            passage_id,
            passage_index,
            paragraph,
            "'" + text if text[:1] in guarded else text,
            "'" + tag if tag[:1] in guarded else tag,
            "'" + quote if quote[:1] in guarded else quote,
            start,
            end,
            target_id,
            cell(target_speaker),
            cell(target_quote if target_id is not None else target_text),
            "'" + note if note[:1] in guarded else note,
            "'" + annotator if annotator[:1] in guarded else annotator,
            status,
            created_at.isoformat(),
            updated_at.isoformat(),
            start_time,
            end_time,
        )
        if attr_names:
            values = attributes or {}
            head += tuple([cell(values.get(name)) for name in attr_names])
        yield (*head, digest, target_index)


def json_object(record: dict[str, Any]) -> dict[str, Any]:
    """One annotation record as a JSONL object: the target and the attributes nested."""
    row = long_row(record, [])
    target = None
    if record["target_passage_index"] is not None:
        target = {
            "annotation_id": row.pop("target_annotation_id"),
            "passage_index": row.pop("target_passage_index"),
            "speaker": row.pop("target_speaker"),
            "quote": row.pop("target_quote"),
        }
    else:
        for key in ("target_annotation_id", "target_passage_index", "target_speaker"):
            del row[key]
        del row["target_quote"]
    row["target"] = target
    row["attributes"] = record["attributes"] or {}
    return row


def gold_columns(attr_names: list[str]) -> list[str]:
    """The long columns, with the gold item's curator, origin and sources instead of annotator
    and status: `sources` names the annotators whose versions the item came from."""
    renamed = {"annotation_id": "gold_id", "annotator": "curator", "status": "origin"}
    columns = [renamed.get(column, column) for column in long_columns(attr_names)]
    at = columns.index("origin") + 1
    return columns[:at] + ["sources"] + columns[at:]


def gold_row(record: dict[str, Any], attr_names: list[str], sources: list[str]) -> dict[str, Any]:
    """One gold record (see GOLD_EXPRESSIONS) and its sources' usernames as a gold-CSV row."""
    row = long_row(record, attr_names)
    row["gold_id"], row["curator"] = row.pop("annotation_id"), row.pop("annotator")
    row["origin"] = row.pop("status")
    row["sources"] = ";".join(sources)
    return row


def with_sources(
    records: Iterable[dict[str, Any]], sources: Iterable[tuple[int, str]]
) -> Iterator[tuple[dict[str, Any], list[str]]]:
    """Pair each gold record with its sources' usernames. Both inputs come in the same order
    (transcript, passage, gold id), so walking them in step holds one item's sources at a time."""
    groups = groupby(sources, key=itemgetter(0))
    pending = next(groups, None)
    for record in records:
        names: list[str] = []
        if pending is not None and pending[0] == record["id"]:
            names = [name for _, name in pending[1]]
            pending = next(groups, None)
        yield record, names


def wide_columns(tag_names: list[str]) -> list[str]:
    per_tag = [f"{tag}_{what}" for tag in tag_names for what in ("count", "annotators", "gold")]
    return WIDE_CONTEXT_COLUMNS + per_tag + ["gold_labels"]


def wide_rows(
    passages: Iterable[dict[str, Any]],
    annotations: Iterable[dict[str, Any]],
    tag_names: list[str],
) -> Iterator[dict[str, Any]]:
    """Merge passages and their annotations into one row per passage.

    Both inputs must be ordered by (transcript_id, passage_index); annotations carry
    transcript_id, passage_index, tag_name, annotator_name and status. Walking the two in step
    keeps one passage's annotations in memory at a time.
    """
    groups = groupby(annotations, key=lambda a: (a["transcript_id"], a["passage_index"]))
    pending = next(groups, None)
    for passage in passages:
        key = (passage["transcript_id"], passage["passage_index"])
        tagged: list[dict[str, Any]] = []
        while pending is not None and pending[0] <= key:
            if pending[0] == key:
                tagged = list(pending[1])
            pending = next(groups, None)
        yield _wide_row(passage, tagged, tag_names)


def _wide_row(passage: dict, tagged: list[dict], tag_names: list[str]) -> dict[str, Any]:
    row = {column: passage.get(column) for column in WIDE_CONTEXT_COLUMNS}
    row["transcript_date"] = _iso(passage["transcript_date"])
    row["speaker_name"] = passage["speaker_display"] or passage["speaker"]
    gold = []
    for tag in tag_names:
        annotators = sorted(
            {
                a["annotator_name"]
                for a in tagged
                if a["tag_name"] == tag and a["status"] != GOLD_STATUS
            }
        )
        is_gold = any(a["tag_name"] == tag and a["status"] == GOLD_STATUS for a in tagged)
        row[f"{tag}_count"] = len(annotators)
        row[f"{tag}_annotators"] = ";".join(annotators)
        row[f"{tag}_gold"] = int(is_gold)
        if is_gold:
            gold.append(tag)
    row["gold_labels"] = ";".join(gold)
    return row
