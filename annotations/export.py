"""Tagged datasets out: rows first, then a writer picks the format (long CSV, wide CSV, JSONL).

The row builders and writers at the top are pure (dicts in, dicts and text out) and are tested
without a database. At the bottom, `select()` turns a project and a `Selection` into the
querysets that feed them, so the export page, the admin action and `export_annotations` all
produce the same bytes. Everything is a generator: rows are read with `.iterator()` and written
a chunk at a time, never held in a list, so memory stays flat however large the export.

The data dictionary for each format is in README.md ("Exported datasets").
"""

import csv
import heapq
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby
from operator import itemgetter
from typing import Any

from django.db.models import F, QuerySet, Value

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
ROWS_PER_CHUNK = 500  # one HTTP chunk / write() per this many rows: few syscalls, small buffers


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


def csv_chunks(
    columns: list[str], rows: Iterable[dict[str, Any]], *, excel: bool = False
) -> Iterator[str]:
    """RFC 4180 CSV (CRLF, quotes doubled, fields with , " or newlines quoted) in chunks."""
    buffer = io.StringIO()
    if excel:
        buffer.write("\ufeff")  # Excel reads UTF-8 only when the file starts with a BOM
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([spreadsheet_safe(column) for column in columns])
    getter = itemgetter(*columns)
    cells = getter if len(columns) > 1 else lambda row: (getter(row),)  # one column: no tuple
    for count, row in enumerate(rows, start=1):
        writer.writerow(map(csv_cell, cells(row)))
        if count % ROWS_PER_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def jsonl_chunks(objects: Iterable[dict[str, Any]]) -> Iterator[str]:
    lines: list[str] = []
    for obj in objects:
        lines.append(json.dumps(obj, ensure_ascii=False) + "\n")
        if len(lines) == ROWS_PER_CHUNK:
            yield "".join(lines)
            lines.clear()
    yield "".join(lines)


# --- Feeding rows from the database -----------------------------------------------------------

FORMATS = {
    # name: (label, content type, file extension)
    "csv": ("Long CSV: one row per annotation", "text/csv; charset=utf-8", "csv"),
    "wide-csv": ("Wide CSV: one row per passage", "text/csv; charset=utf-8", "csv"),
    "jsonl": ("JSONL: one object per annotation", "application/x-ndjson; charset=utf-8", "jsonl"),
}
CHUNK_SIZE = 2000  # rows fetched per round trip (a server-side cursor on PostgreSQL)

RECORD_FIELDS = (
    "id",
    "passage_id",
    "start",
    "end",
    "quote",
    "note",
    "status",
    "attributes",
    "target_id",
    "created_at",
    "updated_at",
)
RECORD_EXPRESSIONS = {
    "project": F("tag__project__slug"),
    "transcript_id": F("passage__transcript_id"),
    "transcript_title": F("passage__transcript__title"),
    "transcript_date": F("passage__transcript__date"),
    "transcript_hash": F("passage__transcript__content_hash"),
    "turn_index": F("passage__turn__position"),
    "speaker": F("passage__turn__speaker__label"),
    "speaker_display": F("passage__turn__speaker__display_name"),
    "interpreted": F("passage__turn__interpreted"),
    "passage_index": F("passage__position"),
    "paragraph": F("passage__paragraph"),
    "start_time": F("passage__start_time"),
    "end_time": F("passage__end_time"),
    "passage_text": F("passage__text"),
    "tag_name": F("tag__name"),
    "annotator_name": F("annotator__username"),
    "target_quote": F("target__quote"),
    "target_passage_index": F("target_passage__position"),
    "target_passage_text": F("target_passage__text"),
    "target_speaker": F("target_passage__turn__speaker__label"),
}
# A gold item read like an annotation: its curator in the annotator's place, its origin in the
# status's (`status` is not a field of the gold model, so it can be an alias here).
GOLD_FIELDS = tuple(name for name in RECORD_FIELDS if name != "status")
# `project` is a field of the gold model, so its slug is read as `project_slug` and renamed.
GOLD_EXPRESSIONS = {name: e for name, e in RECORD_EXPRESSIONS.items() if name != "project"} | {
    "project_slug": F("project__slug"),
    "annotator_name": F("curator__username"),
    "status": F("origin"),
}
PASSAGE_EXPRESSIONS = {
    "passage_id": F("id"),
    "transcript_title": F("transcript__title"),
    "transcript_date": F("transcript__date"),
    "transcript_hash": F("transcript__content_hash"),
    "turn_index": F("turn__position"),
    "speaker": F("turn__speaker__label"),
    "speaker_display": F("turn__speaker__display_name"),
    "interpreted": F("turn__interpreted"),
    "passage_index": F("position"),
}


@dataclass(frozen=True)
class Selection:
    """What to export: empty tuples mean "all"."""

    transcripts: tuple[int, ...] = ()
    tags: tuple[str, ...] = ()
    annotators: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    gold_only: bool = False

    def apply(self, annotations: QuerySet) -> QuerySet:
        if self.transcripts:
            annotations = annotations.filter(passage__transcript__in=self.transcripts)
        if self.tags:
            annotations = annotations.filter(tag__name__in=self.tags)
        if self.annotators:
            annotations = annotations.filter(annotator__username__in=self.annotators)
        if self.statuses:
            annotations = annotations.filter(status__in=self.statuses)
        return annotations

    def apply_gold(self, gold: QuerySet) -> QuerySet:
        """The same filters on gold items: by transcript, tag, and annotators among the sources."""
        if self.transcripts:
            gold = gold.filter(passage__transcript__in=self.transcripts)
        if self.tags:
            gold = gold.filter(tag__name__in=self.tags)
        if self.annotators:
            from .models import GoldSource

            sourced = GoldSource.objects.filter(annotator__username__in=self.annotators)
            gold = gold.filter(pk__in=sourced.values("gold"))
        return gold


@dataclass(frozen=True)
class Dataset:
    """The querysets one export reads; build it with `select()` or `Dataset.of()`."""

    annotations: QuerySet
    tags: QuerySet
    passages: QuerySet | None = None  # only the wide CSV lists passages nobody tagged
    project: str = ""  # the slug in the wide CSV's project column
    gold: QuerySet | None = None  # the gold layer: the wide CSV's `<tag>_gold` columns
    gold_only: bool = False  # export the gold layer itself, not the annotators' layers

    @classmethod
    def of(cls, annotations: QuerySet) -> "Dataset":
        """Any annotations (the admin's selection): attribute columns from their projects' tags."""
        from .models import Tag

        tags = Tag.objects.filter(project__in=annotations.values("tag__project"))
        return cls(annotations=annotations, tags=tags)

    @classmethod
    def of_gold(cls, gold: QuerySet) -> "Dataset":
        """Any gold items (the admin's selection): exactly those, with their sources."""
        from .models import Annotation, Tag

        tags = Tag.objects.filter(project__in=gold.values("project"))
        return cls(annotations=Annotation.objects.none(), tags=tags, gold=gold, gold_only=True)

    def chunks(self, fmt: str, *, excel: bool = False) -> Iterator[str]:
        if self.gold_only and fmt in ("csv", "jsonl"):
            return self.gold_chunks(fmt, excel=excel)
        if fmt == "csv":
            attrs = attribute_names(self.tags.values_list("attribute_schema", flat=True))
            rows = (long_row(record, attrs) for record in self.records())
            return csv_chunks(long_columns(attrs), rows, excel=excel)
        if fmt == "jsonl":
            return jsonl_chunks(json_object(record) for record in self.records())
        if fmt == "wide-csv":
            tag_names = list(self.tags.values_list("name", flat=True))
            rows = wide_rows(self.passage_records(), self.tag_records(), tag_names)
            return csv_chunks(wide_columns(tag_names), rows, excel=excel)
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")

    def records(self) -> Iterator[dict[str, Any]]:
        ordered = self.annotations.order_by("passage__transcript_id", "passage__position", "pk")
        records = ordered.values(*RECORD_FIELDS, **RECORD_EXPRESSIONS)
        return records.iterator(chunk_size=CHUNK_SIZE)

    def passage_records(self) -> Iterator[dict[str, Any]]:
        passages = self.passages.order_by("transcript_id", "position")
        fields = ("transcript_id", "paragraph", "start_time", "end_time", "kind", "text")
        records = passages.values(*fields, **PASSAGE_EXPRESSIONS)
        extra = {"project": self.project}
        return ({**r, **extra, "passage_text": r["text"]} for r in records.iterator(CHUNK_SIZE))

    def gold_chunks(self, fmt: str, *, excel: bool) -> Iterator[str]:
        pairs = with_sources(self.gold_records(), self.gold_sources())
        if fmt == "jsonl":
            return jsonl_chunks(
                json_object(record)
                | {"status": "gold", "origin": record["status"], "sources": names}
                for record, names in pairs
            )
        attrs = attribute_names(self.tags.values_list("attribute_schema", flat=True))
        rows = (gold_row(record, attrs, names) for record, names in pairs)
        return csv_chunks(gold_columns(attrs), rows, excel=excel)

    def gold_records(self) -> Iterator[dict[str, Any]]:
        ordered = self.gold.order_by("passage__transcript_id", "passage__position", "pk")
        for record in ordered.values(*GOLD_FIELDS, **GOLD_EXPRESSIONS).iterator(CHUNK_SIZE):
            record["project"] = record.pop("project_slug")
            yield record

    def gold_sources(self) -> Iterator[tuple[int, str]]:
        from .models import GoldSource

        rows = GoldSource.objects.filter(gold__in=self.gold.values("pk")).order_by(
            "gold__passage__transcript_id",
            "gold__passage__position",
            "gold_id",
            "annotator__username",
        )
        return rows.values_list("gold_id", "annotator__username").iterator(chunk_size=CHUNK_SIZE)

    def tag_records(self) -> Iterator[dict[str, Any]]:
        ordered = self.annotations.order_by("passage__transcript_id", "passage__position")
        records = ordered.values(
            "status",
            transcript_id=F("passage__transcript_id"),
            passage_index=F("passage__position"),
            tag_name=F("tag__name"),
            annotator_name=F("annotator__username"),
        )
        if self.gold is None:
            return records.iterator(chunk_size=CHUNK_SIZE)
        gold = self.gold.order_by("passage__transcript_id", "passage__position").values(
            status=Value(GOLD_STATUS),
            transcript_id=F("passage__transcript_id"),
            passage_index=F("passage__position"),
            tag_name=F("tag__name"),
            annotator_name=Value(""),
        )
        # Both in passage order: merged, a wide row sees its passage's annotations and gold.
        streams = [] if self.gold_only else [records.iterator(chunk_size=CHUNK_SIZE)]
        streams.append(gold.iterator(chunk_size=CHUNK_SIZE))
        return heapq.merge(*streams, key=itemgetter("transcript_id", "passage_index"))


def select(project, selection: Selection, membership=None) -> Dataset:
    """The project's data as `membership` may see it (blind mode applies); None = everything.

    With `gold_only` the long CSV and JSONL are the gold layer itself (one row per gold item,
    with its sources), and the wide CSV counts gold items only.
    """
    from .models import Annotation, GoldAnnotation

    if membership is None:
        annotations = Annotation.objects.in_project(project)
    else:
        annotations = Annotation.objects.visible_to(membership)
    tags = project.tags.all()
    if selection.tags:
        tags = tags.filter(name__in=selection.tags)
    passages = project.passages()
    if selection.transcripts:
        passages = passages.filter(transcript__in=selection.transcripts)
    annotations = selection.apply(annotations)
    gold = selection.apply_gold(GoldAnnotation.objects.filter(project=project))
    if membership is not None and not membership.sees_all_annotations():
        gold = gold.none()  # its sources name the others: a blind annotator sees only their own
    return Dataset(
        annotations=annotations,
        tags=tags,
        passages=passages,
        project=project.slug,
        gold=gold,
        gold_only=selection.gold_only,
    )


def filename(project_slug: str, fmt: str, *, gold: bool = False) -> str:
    kind = "gold" if gold else "annotations"
    return f"{project_slug}-{kind}{'-wide' if fmt == 'wide-csv' else ''}.{FORMATS[fmt][2]}"
