"""Matching read rows against a project (reads only): what an import would create.

Rows become `Planned` records of plain ids and values, not model instances: an import of
20,000 rows built 20,000 Annotations only to take their fields apart again for the INSERT.
"""

import csv
import string
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model

from ..models import Annotation, Project, Tag
from .reading import RowError, read_brat, read_long_csv, source_to_passage, timestamp
from .reading import whole_number as _int

STATUSES = frozenset(Annotation.Status.values)


@dataclass(slots=True)
class Planned:
    """One annotation to create: what the INSERT needs, with the file's timestamps (or None)."""

    passage_id: int
    tag: Tag
    start: int | None
    end: int | None
    annotator_id: int | None = None
    status: str = Annotation.Status.SUBMITTED
    note: str = ""
    attributes: dict = field(default_factory=dict)
    target_passage_id: int | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass
class Plan:
    """What an import would create; `errors` are the rows that did not match."""

    project_id: int | None = None
    annotations: list[tuple[int, Planned]] = field(default_factory=list)  # (line, row)
    new_tags: dict[str, Tag] = field(default_factory=dict)
    targets: dict[int, tuple[int, int]] = field(default_factory=dict)  # line -> (old id, line)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    present: dict[int, int] = field(default_factory=dict)  # line -> annotation already there
    transcript_of: dict[int, int] = field(default_factory=dict)  # passage id -> transcript id
    texts: dict[int, str] = field(default_factory=dict)  # passage id -> text, for the quotes


def free_shortcut(name: str, taken: set[str]) -> str | None:
    for letter in name.lower() + string.ascii_lowercase:
        if letter in string.ascii_lowercase and letter not in taken:
            return letter
    return None


class _Matcher:
    """Lookups shared by both formats: tags (and the ones --create-tags would add), users."""

    def __init__(self, project: Project, plan: Plan, *, create_tags: bool):
        self.project, self.plan, self.create_tags = project, plan, create_tags
        plan.project_id = project.pk
        self.tags = {tag.name: tag for tag in project.tags.all()}
        self.shortcuts = {tag.shortcut for tag in self.tags.values()}
        self.users: dict[str, int | None] = {}

    def tag(self, name: str, line: int, attributes: dict[str, str]) -> Tag:
        tag = self.tags.get(name) or self.plan.new_tags.get(name)
        if tag is None and not self.create_tags:
            raise RowError(f"no tag {name!r} here (--create-tags adds it)", line=line)
        if tag is None:
            shortcut = free_shortcut(name, self.shortcuts)
            if shortcut is None or not name or len(name) > 60:
                raise RowError(f"cannot create tag {name!r}: no free shortcut letter", line=line)
            self.shortcuts.add(shortcut)
            position = len(self.tags) + len(self.plan.new_tags)  # after the project's own
            tag = Tag(project=self.project, name=name, shortcut=shortcut, position=position)
            self.plan.new_tags[name] = tag
        if name in self.plan.new_tags:  # a tag we create takes the attributes it is given
            known = {spec["name"] for spec in tag.attribute_schema}
            tag.attribute_schema += [{"name": n, "label": n} for n in attributes if n not in known]
        return tag

    def user_id(self, username: str, line: int) -> int:
        if username not in self.users:
            found = get_user_model().objects.filter(username=username).values_list("pk")
            self.users[username] = next(iter(found), (None,))[0]
        if self.users[username] is None:
            raise RowError(f"no user {username!r}", line=line)
        return self.users[username]

    def add(self, line: int, row: Planned, text: str) -> None:
        self.plan.annotations.append((line, row))
        self.plan.texts[row.passage_id] = text

    def drop_present(self) -> None:
        """Rows already in the project (same passage, tag, annotator, span) are not re-created."""
        # By transcript, not by an IN list of every passage the file names (20,000 ids); by
        # the tags' ids, so the tag index finds a new project's none without a scan of every
        # annotation; unordered (the model's order joined the transcript and sorted).
        transcripts = {self.plan.transcript_of[a.passage_id] for _, a in self.plan.annotations}
        tags = [tag.pk for tag in self.tags.values()]
        rows = Annotation.objects.filter(tag__in=tags, passage__transcript__in=transcripts)
        rows = rows.order_by()
        fields = ("passage_id", "tag__name", "annotator_id", "start", "end")
        existing = {tuple(row[:-1]): row[-1] for row in rows.values_list(*fields, "pk")}
        keep = []
        for line, a in self.plan.annotations:
            key = (a.passage_id, a.tag.name, a.annotator_id, a.start, a.end)
            if key in existing:
                self.plan.present[line] = existing[key]
            else:
                existing[key] = None  # a duplicate within the file is created once
                keep.append((line, a))
        self.plan.annotations = keep


def plan_long_csv(text: str, project: Project, *, create_tags: bool = False) -> Plan:
    plan = Plan(project_id=project.pk)
    try:
        rows = read_long_csv(text)
    except (RowError, csv.Error) as error:
        plan.errors.append(error if isinstance(error, RowError) else RowError(str(error), line=1))
        return plan
    matcher = _Matcher(project, plan, create_tags=create_tags)
    transcripts = {}
    for pk, digest in project.transcripts.order_by("pk").values_list("pk", "content_hash"):
        transcripts.setdefault(digest, pk)
    # (transcript, position) -> (id, text): tuples, not model instances, for 100,000 passages.
    found = project.passages().filter(transcript__in=list(transcripts.values())).order_by()
    passages = {
        (transcript_id, position): (pk, text)
        for pk, transcript_id, position, text in found.values_list(
            "pk", "transcript_id", "position", "text"
        ).iterator(chunk_size=5000)
    }
    plan.transcript_of = {pk: transcript_id for (transcript_id, _), (pk, _) in passages.items()}
    old_ids: dict[int, int] = {}
    for line, row in rows:
        try:
            planned, text, old_id, target_id = _long_row(row, line, transcripts, passages, matcher)
        except RowError as error:
            plan.errors.append(error)
            continue
        matcher.add(line, planned, text)
        if old_id is not None:
            old_ids[old_id] = line
        if target_id is not None:
            plan.targets[line] = (target_id, 0)
    planned_at = dict(plan.annotations)
    for line, (target_id, _) in list(plan.targets.items()):
        if target_id in old_ids:
            plan.targets[line] = (target_id, old_ids[target_id])
            # The passage answered is the target's own, wherever the index pointed.
            planned_at[line].target_passage_id = planned_at[old_ids[target_id]].passage_id
        else:
            del plan.targets[line]
            plan.warnings.append(
                f"line {line}: target annotation {target_id} is not in the file; "
                "only the passage it answers is kept"
            )
    matcher.drop_present()
    return plan


def _long_row(row, line, transcripts, passages, matcher: _Matcher):
    transcript_id = transcripts.get(row["transcript_hash"])
    if transcript_id is None:
        raise RowError(f"no transcript with hash {row['transcript_hash'][:12]}… here", line=line)
    index = _int(row["passage_index"], "passage_index", line)
    passage_id, text = passages.get((transcript_id, index), (None, None))
    if passage_id is None:
        raise RowError(f"transcript {transcript_id} has no passage {index}", line=line)
    start = _int(row.get("span_start", ""), "span_start", line)
    end = _int(row.get("span_end", ""), "span_end", line)
    if (start is None) != (end is None) or (start is not None and not start < end):
        raise RowError(f"span {start}-{end}: give both, start before end, or neither", line=line)
    expected = text if start is None else text[start:end]
    if row["quote"] != expected or (end or 0) > len(text):
        raise RowError(f"quote {row['quote'][:40]!r} is not passage {index}'s text", line=line)
    if row["status"] not in STATUSES:
        choices = ", ".join(Annotation.Status.values)
        raise RowError(f"status {row['status']!r} is not one of {choices}", line=line)
    given = {k[5:]: v for k, v in row.items() if v and k.startswith("attr_")}
    tag = matcher.tag(row["tag"], line, given)
    attributes, errors = tag.clean_attributes(given) if given else ({}, {})
    if given:
        defined = {spec["name"] for spec in tag.attribute_schema}
        errors.update({n: f"not an attribute of {tag.name}" for n in given if n not in defined})
    if errors:
        raise RowError("; ".join(f"attr_{n}: {e}" for n, e in sorted(errors.items())), line=line)
    target_index = _int(row.get("target_passage_index", ""), "target_passage_index", line)
    target_passage, target_text = passages.get((transcript_id, target_index), (None, None))
    if target_index is not None and target_passage is None:
        raise RowError(f"target passage {target_index} is not in the transcript", line=line)
    passage_only = target_passage is not None and not row.get("target_annotation_id")
    if passage_only and row.get("target_quote", target_text) != target_text:
        # e.g. a target passage in another transcript: never attach to the wrong one quietly.
        raise RowError(f"target_quote is not passage {target_index}'s text", line=line)
    planned = Planned(
        passage_id=passage_id,
        tag=tag,
        start=start,
        end=end,
        annotator_id=matcher.user_id(row["annotator"], line),
        status=row["status"],
        note=row.get("note", ""),
        attributes=attributes,
        target_passage_id=target_passage,
        created_at=timestamp(row.get("created_at", ""), "created_at", line),
        updated_at=timestamp(row.get("updated_at", ""), "updated_at", line),
    )
    old_id = _int(row.get("annotation_id", ""), "annotation_id", line)
    target_id = _int(row.get("target_annotation_id", ""), "target_annotation_id", line)
    if target_id is not None and target_passage is None:
        raise RowError("target_annotation_id without target_passage_index", line=line)
    return planned, text, old_id, target_id


def plan_brat(
    text: str,
    project: Project,
    *,
    transcript,
    annotator,
    status: str = Annotation.Status.SUBMITTED,
    create_tags: bool = False,
) -> Plan:
    """A brat .ann as one annotator's layer on `transcript` (offsets into its original_text)."""
    plan = Plan(project_id=project.pk)
    spans, plan.errors, other = read_brat(text)
    if other:
        plan.warnings.append(f"{other} non-span line(s) (relations, notes…) not imported")
    passages = list(transcript.passages.filter(source_start__isnull=False).order_by("source_start"))
    if not passages:
        plan.errors.append(RowError("the transcript has no source offsets to map onto", line=1))
        return plan
    starts = [p.source_start for p in passages]
    plan.transcript_of = {p.pk: transcript.pk for p in passages}
    matcher = _Matcher(project, plan, create_tags=create_tags)
    source = transcript.original_text
    for span in spans:
        try:
            found = span.source_text(source)
            if " ".join(found.split()) != " ".join(span.text.split()):
                raise RowError(f"the transcript has {found[:40]!r} there", line=span.line)
            passage = passages[max(bisect_right(starts, span.start) - 1, 0)]
            if not passage.source_start <= span.start < span.end <= passage.source_end:
                where = f"{span.start}-{span.end}"
                raise RowError(f"span {where} is not inside one passage", line=span.line)
            planned = _brat_row(span, passage, source, matcher)
        except RowError as error:
            plan.errors.append(error)
            continue
        planned.annotator_id, planned.status = annotator.pk, status
        matcher.add(span.line, planned, passage.text)
        if len(span.fragments) > 1:  # one span per annotation here: keep its extent, say so
            plan.warnings.append(
                f"line {span.line}: discontinuous span imported as {span.start}-{span.end}, "
                "its extent"
            )
    matcher.drop_present()
    return plan


def _brat_row(span, passage, source: str, matcher: _Matcher) -> Planned:
    piece = source[passage.source_start : passage.source_end]
    start = source_to_passage(piece, passage.text, span.start - passage.source_start)
    end = source_to_passage(piece, passage.text, span.end - passage.source_start)
    if start is None or end is None or start >= end:
        raise RowError(f"cannot place span {span.start}-{span.end} in the passage", line=span.line)
    whole = start == 0 and end == len(passage.text)
    return Planned(
        passage_id=passage.pk,
        tag=matcher.tag(span.label, span.line, {}),
        start=None if whole else start,
        end=None if whole else end,
    )
