"""Feeding rows from the database: `select()` turns a project and a `Selection` into the
querysets of a `Dataset`, whose `chunks()` are the bytes of the export page, the admin action and
`export_annotations` alike. Rows are read with iterators a chunk at a time, never held in a
list, so memory stays flat however large the export."""

import heapq
from collections.abc import Iterator
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from django.db import connection
from django.db.models import F, QuerySet, Value

from .fetch import plain_rows
from .rows import (
    GOLD_STATUS,
    RECORD_ORDER,
    attribute_names,
    gold_columns,
    gold_row,
    json_object,
    long_cells,
    long_columns,
    wide_columns,
    wide_rows,
    with_sources,
)
from .writers import csv_cell_chunks, csv_chunks, jsonl_chunks

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
            from ..models import GoldSource

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
        from ..models import Tag

        tags = Tag.objects.filter(project__in=annotations.values("tag__project"))
        return cls(annotations=annotations, tags=tags)

    @classmethod
    def of_gold(cls, gold: QuerySet) -> "Dataset":
        """Any gold items (the admin's selection): exactly those, with their sources."""
        from ..models import Annotation, Tag

        tags = Tag.objects.filter(project__in=gold.values("project"))
        return cls(annotations=Annotation.objects.none(), tags=tags, gold=gold, gold_only=True)

    def chunks(self, fmt: str, *, excel: bool = False) -> Iterator[str]:
        if self.gold_only and fmt in ("csv", "jsonl"):
            return self.gold_chunks(fmt, excel=excel)
        if fmt == "csv":
            attrs = attribute_names(self.tags.values_list("attribute_schema", flat=True))
            rows = long_cells(self.record_rows(), attrs)
            return csv_cell_chunks(long_columns(attrs), rows, excel=excel)
        if fmt == "jsonl":
            return jsonl_chunks(json_object(record) for record in self.records())
        if fmt == "wide-csv":
            tag_names = list(self.tags.values_list("name", flat=True))
            rows = wide_rows(self.passage_records(), self.tag_records(), tag_names)
            return csv_chunks(wide_columns(tag_names), rows, excel=excel)
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")

    def records(self) -> Iterator[dict[str, Any]]:
        """The annotations as records (dicts of RECORD_ORDER), for JSONL."""
        return (dict(zip(RECORD_ORDER, row, strict=True)) for row in self.record_rows())

    def record_rows(self) -> Iterator[tuple]:
        """records() as tuples in RECORD_ORDER: no dict per row."""
        ordered = self.annotations.order_by("passage__transcript_id", "passage__position", "pk")
        rows = ordered.annotate(**RECORD_EXPRESSIONS).values_list(*RECORD_ORDER)
        if connection.vendor == "postgresql":
            return plain_rows(rows, RECORD_ORDER, CHUNK_SIZE)
        return rows.iterator(chunk_size=CHUNK_SIZE)

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
        from ..models import GoldSource

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
    from ..models import Annotation, GoldAnnotation

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
