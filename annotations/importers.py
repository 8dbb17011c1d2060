"""Annotations in: our long CSV read back (the round trip) and brat standoff (.ann) from corpora.

Reading comes first and writes nothing: `read_long_csv` and `read_brat` are pure (text in,
rows with their line numbers out); `plan_long_csv` and `plan_brat` match those rows against a
project — transcripts by content hash, passages by index or source offsets, tags by name, users
by username — and return what would be created plus a `RowError` per row that does not match.
Only then does `import_planned` write, in one transaction, and by default only when nothing
failed (the command's `--skip-bad` writes the rows that did match).
"""

import csv
import io
import re
import string
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import pairwise

from django.contrib.auth import get_user_model
from django.db import connection, transaction

from .export import unguard
from .models import Annotation, AnnotationEvent, Project, Tag, snapshot

REQUIRED_COLUMNS = ("transcript_hash", "passage_index", "tag", "annotator", "quote", "status")
BRAT_SPAN = re.compile(r"^(?P<id>T\d+)\t(?P<label>\S+) (?P<offsets>[\d ;]+)\t(?P<text>.*)$")


class RowError(ValueError):
    def __init__(self, message: str, *, line: int):
        super().__init__(f"line {line}: {message}")
        self.line = line


@dataclass(frozen=True)
class BratSpan:
    line: int
    label: str
    start: int
    end: int
    text: str
    fragments: tuple[tuple[int, int], ...] = ()  # more than one for a discontinuous span

    def source_text(self, source: str) -> str:
        """What the span covers in `source`, fragments joined by a space as brat writes them."""
        return " ".join(source[start:end] for start, end in self.fragments)


@dataclass
class Plan:
    """What an import would create; `errors` are the rows that did not match."""

    annotations: list[tuple[int, Annotation]] = field(default_factory=list)  # (line, unsaved)
    new_tags: dict[str, Tag] = field(default_factory=dict)
    targets: dict[int, tuple[int, int]] = field(default_factory=dict)  # line -> (old id, line)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    present: dict[int, int] = field(default_factory=dict)  # line -> annotation already there
    transcript_of: dict[int, int] = field(default_factory=dict)  # passage id -> transcript id


# --- Reading (pure) ---------------------------------------------------------------------------


def read_long_csv(text: str) -> list[tuple[int, dict[str, str]]]:
    """(line where the row starts, row) for each data row; CSV guards (') are undone."""
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise RowError(f"missing column(s): {', '.join(missing)}", line=1)
    rows, line = [], reader.line_num + 1
    for row in reader:
        if None in row:
            raise RowError("more cells than the header has columns", line=line)
        rows.append((line, {k: unguard(v or "") for k, v in row.items()}))
        line = reader.line_num + 1
    return rows


def read_brat(text: str) -> tuple[list[BratSpan], list[RowError], int]:
    """Text-bound annotations (T lines), errors for malformed ones, and how many others."""
    spans, errors, other = [], [], 0
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        if not raw.startswith("T"):
            other += 1  # relations, attributes, notes: not mapped (yet)
            continue
        match = BRAT_SPAN.match(raw)
        if not match:
            errors.append(RowError("expected 'T<n><TAB>Label start end<TAB>text'", line=number))
            continue
        fragments = tuple(
            tuple(int(n) for n in piece.split()) for piece in match["offsets"].split(";")
        )
        ordered = all(a[1] <= b[0] for a, b in pairwise(fragments))
        if not ordered or any(len(f) != 2 or f[0] >= f[1] for f in fragments):
            errors.append(RowError(f"bad offsets {match['offsets']!r}", line=number))
            continue
        start, end = fragments[0][0], fragments[-1][1]
        spans.append(BratSpan(number, match["label"], start, end, match["text"], fragments))
    return spans, errors, other


def source_to_passage(source: str, passage: str, offset: int) -> int | None:
    """Map an offset in a passage's source slice onto the passage text.

    The passage text is the source with its white space normalised (hard wraps unwrapped), so
    the offset is carried across by counting non-space characters; None when the texts differ.
    """
    if source == passage:
        return offset
    wanted = sum(1 for ch in source[:offset] if not ch.isspace())
    seen = 0
    for index, ch in enumerate(passage):
        if seen == wanted and not ch.isspace():
            return index
        seen += not ch.isspace()
    return len(passage) if seen == wanted else None


def free_shortcut(name: str, taken: set[str]) -> str | None:
    for letter in name.lower() + string.ascii_lowercase:
        if letter in string.ascii_lowercase and letter not in taken:
            return letter
    return None


def _int(value: str, what: str, line: int) -> int | None:
    if value.strip() == "":
        return None
    try:
        number = int(value)
    except ValueError:
        raise RowError(f"{what} {value!r} is not a whole number", line=line) from None
    if number < 0:
        raise RowError(f"{what} {number} is negative", line=line)
    return number


def _when(value: str, what: str, line: int) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise RowError(f"{what} {value!r} is not an ISO 8601 timestamp", line=line) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# --- Matching against a project (reads only) --------------------------------------------------


class _Matcher:
    """Lookups shared by both formats: tags (and the ones --create-tags would add), users."""

    def __init__(self, project: Project, plan: Plan, *, create_tags: bool):
        self.project, self.plan, self.create_tags = project, plan, create_tags
        self.tags = {tag.name: tag for tag in project.tags.all()}
        self.shortcuts = {tag.shortcut for tag in self.tags.values()}
        self.users: dict = {}

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

    def user(self, username: str, line: int):
        if username not in self.users:
            model = get_user_model()
            self.users[username] = model.objects.filter(username=username).first()
        if self.users[username] is None:
            raise RowError(f"no user {username!r}", line=line)
        return self.users[username]

    def add(self, line: int, annotation: Annotation) -> None:
        self.plan.annotations.append((line, annotation))

    def drop_present(self) -> None:
        """Rows already in the project (same passage, tag, annotator, span) are not re-created."""
        # By transcript, not by an IN list of every passage the file names (20,000 ids).
        transcripts = {self.plan.transcript_of[a.passage_id] for _, a in self.plan.annotations}
        rows = Annotation.objects.filter(
            tag__project=self.project, passage__transcript__in=transcripts
        )
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
    plan = Plan()
    try:
        rows = read_long_csv(text)
    except (RowError, csv.Error) as error:
        plan.errors.append(error if isinstance(error, RowError) else RowError(str(error), line=1))
        return plan
    matcher = _Matcher(project, plan, create_tags=create_tags)
    transcripts = {}
    for transcript in project.transcripts.defer("original_text").order_by("pk"):
        transcripts.setdefault(transcript.content_hash, transcript)
    # (transcript, position) -> (id, text): tuples, not model instances, for 100,000 passages.
    found = project.passages().filter(transcript__in=list(transcripts.values()))
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
            annotation, old_id, target_id = _long_row(row, line, transcripts, passages, matcher)
        except RowError as error:
            plan.errors.append(error)
            continue
        matcher.add(line, annotation)
        if old_id is not None:
            old_ids[old_id] = line
        if target_id is not None:
            plan.targets[line] = (target_id, 0)
    planned = dict(plan.annotations)
    for line, (target_id, _) in list(plan.targets.items()):
        if target_id in old_ids:
            plan.targets[line] = (target_id, old_ids[target_id])
            # The passage answered is the target's own, wherever the index pointed.
            planned[line].target_passage_id = planned[old_ids[target_id]].passage_id
        else:
            del plan.targets[line]
            plan.warnings.append(
                f"line {line}: target annotation {target_id} is not in the file; "
                "only the passage it answers is kept"
            )
    matcher.drop_present()
    return plan


def _long_row(row, line, transcripts, passages, matcher: _Matcher):
    transcript = transcripts.get(row["transcript_hash"])
    if transcript is None:
        raise RowError(f"no transcript with hash {row['transcript_hash'][:12]}… here", line=line)
    index = _int(row["passage_index"], "passage_index", line)
    passage_id, text = passages.get((transcript.pk, index), (None, None))
    if passage_id is None:
        raise RowError(f"transcript {transcript.pk} has no passage {index}", line=line)
    start = _int(row.get("span_start", ""), "span_start", line)
    end = _int(row.get("span_end", ""), "span_end", line)
    if (start is None) != (end is None) or (start is not None and not start < end):
        raise RowError(f"span {start}-{end}: give both, start before end, or neither", line=line)
    expected = text if start is None else text[start:end]
    if row["quote"] != expected or (end or 0) > len(text):
        raise RowError(f"quote {row['quote'][:40]!r} is not passage {index}'s text", line=line)
    if row["status"] not in Annotation.Status.values:
        choices = ", ".join(Annotation.Status.values)
        raise RowError(f"status {row['status']!r} is not one of {choices}", line=line)
    given = {k.removeprefix("attr_"): v for k, v in row.items() if k.startswith("attr_") and v}
    tag = matcher.tag(row["tag"], line, given)
    attributes, errors = tag.clean_attributes(given)
    defined = {spec["name"] for spec in tag.attribute_schema}
    errors.update({n: f"not an attribute of {tag.name}" for n in given if n not in defined})
    if errors:
        raise RowError("; ".join(f"attr_{n}: {e}" for n, e in sorted(errors.items())), line=line)
    target_index = _int(row.get("target_passage_index", ""), "target_passage_index", line)
    target_passage, target_text = passages.get((transcript.pk, target_index), (None, None))
    if target_index is not None and target_passage is None:
        raise RowError(f"target passage {target_index} is not in the transcript", line=line)
    passage_only = target_passage is not None and not row.get("target_annotation_id")
    if passage_only and row.get("target_quote", target_text) != target_text:
        # e.g. a target passage in another transcript: never attach to the wrong one quietly.
        raise RowError(f"target_quote is not passage {target_index}'s text", line=line)
    annotation = Annotation(
        passage_id=passage_id,
        tag=tag,
        annotator=matcher.user(row["annotator"], line),
        start=start,
        end=end,
        quote=row["quote"],
        note=row.get("note", ""),
        status=row["status"],
        attributes=attributes,
        target_passage_id=target_passage,
        created_at=_when(row.get("created_at", ""), "created_at", line),
        updated_at=_when(row.get("updated_at", ""), "updated_at", line),
    )
    old_id = _int(row.get("annotation_id", ""), "annotation_id", line)
    target_id = _int(row.get("target_annotation_id", ""), "target_annotation_id", line)
    if target_id is not None and target_passage is None:
        raise RowError("target_annotation_id without target_passage_index", line=line)
    return annotation, old_id, target_id


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
    plan = Plan()
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
            annotation = _brat_annotation(span, passage, source, matcher)
        except RowError as error:
            plan.errors.append(error)
            continue
        annotation.annotator = annotator
        annotation.status = status
        matcher.add(span.line, annotation)
        if len(span.fragments) > 1:  # one span per annotation here: keep its extent, say so
            plan.warnings.append(
                f"line {span.line}: discontinuous span imported as {span.start}-{span.end}, "
                "its extent"
            )
    matcher.drop_present()
    return plan


def _brat_annotation(span: BratSpan, passage, source: str, matcher: _Matcher) -> Annotation:
    piece = source[passage.source_start : passage.source_end]
    start = source_to_passage(piece, passage.text, span.start - passage.source_start)
    end = source_to_passage(piece, passage.text, span.end - passage.source_start)
    if start is None or end is None or start >= end:
        raise RowError(f"cannot place span {span.start}-{span.end} in the passage", line=span.line)
    whole = start == 0 and end == len(passage.text)
    return Annotation(
        passage=passage,
        tag=matcher.tag(span.label, span.line, {}),
        start=None if whole else start,
        end=None if whole else end,
        quote=passage.text[start:end],
    )


# --- Writing ----------------------------------------------------------------------------------


def import_planned(plan: Plan) -> list[Annotation]:
    """Create what `plan` holds (tags first), keeping the file's timestamps and targets, and
    record a CREATE event for each, so the history (and its undo) knows what was imported.

    One transaction, a handful of statements per thousand rows: the rows go in complete with
    their targets (a row answering another row of the file goes in after it, so its target's id
    is known), their events in bulk, and the file's timestamps in one UPDATE ... FROM (VALUES)
    per batch (an INSERT always stamps auto_now fields with the time of the import).
    """
    with transaction.atomic():
        for tag in plan.new_tags.values():
            tag.save()
        lines = dict(plan.annotations)
        stamps = {line: (a.created_at, a.updated_at) for line, a in plan.annotations}
        for line, annotation in lines.items():
            target_line = plan.targets.get(line, (None, None))[1]
            if target_line in plan.present:
                annotation.target_id = plan.present[target_line]
        created = []
        for layer in _layers(lines, plan.targets):
            for line in layer:
                target_line = plan.targets.get(line, (None, None))[1]
                if target_line in lines:
                    lines[line].target = lines[target_line]  # saved in an earlier layer
            created += Annotation.objects.bulk_create(
                [lines[line] for line in layer], batch_size=1000
            )
        _record_created(created, plan.transcript_of)
        _restore_stamps({lines[line].pk: stamps[line] for line in lines if any(stamps[line])})
    return created


def _layers(lines: dict, targets: dict) -> list[list[int]]:
    """The file's lines in insertion order: those answering no row of the file first, then
    those answering a row of the layer before, and so on (a cycle, never exported, is cut)."""
    depth: dict[int, int] = {}

    def depth_of(line: int, seen: frozenset = frozenset()) -> int:
        if line not in depth:
            target_line = targets.get(line, (None, None))[1]
            if target_line not in lines or target_line in seen or target_line == line:
                depth[line] = 0
            else:
                depth[line] = depth_of(target_line, seen | {line}) + 1
        return depth[line]

    layers: dict[int, list[int]] = {}
    for line in lines:
        layers.setdefault(depth_of(line), []).append(line)
    return [layers[n] for n in sorted(layers)]


def _record_created(created: list[Annotation], transcript_of: dict[int, int]) -> None:
    events = [
        AnnotationEvent(
            project_id=a.tag.project_id,
            transcript_id=transcript_of[a.passage_id],
            user_id=a.annotator_id,  # whose annotation it is: their history, their undo
            annotation=a,
            subject=a.pk,
            action=AnnotationEvent.Action.CREATE,
            after=snapshot(a),
            version_after=a.version,
        )
        for a in created
    ]
    AnnotationEvent.objects.bulk_create(events, batch_size=1000)


def _restore_stamps(stamps: dict[int, tuple]) -> None:
    """created_at and updated_at as the file gives them (None: keep the import's time)."""
    if not stamps:
        return
    table = connection.ops.quote_name(Annotation._meta.db_table)
    created, updated = (Annotation._meta.get_field(name) for name in ("created_at", "updated_at"))
    rows = list(stamps.items())
    for start in range(0, len(rows), STAMP_BATCH):
        batch = rows[start : start + STAMP_BATCH]
        params = []
        for pk, (created_at, updated_at) in batch:
            params += [pk, created.get_db_prep_value(created_at, connection)]
            params += [updated.get_db_prep_value(updated_at, connection)]
        values = ", ".join([VALUES_ROW[connection.vendor]] * len(batch))
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET created_at = COALESCE(v.column2, {table}.created_at), "
                f"updated_at = COALESCE(v.column3, {table}.updated_at) "
                f"FROM (VALUES {values}) AS v WHERE {table}.id = v.column1",
                params,
            )


STAMP_BATCH = 500  # rows per UPDATE: 1,500 parameters, well inside SQLite's limit
# PostgreSQL needs the types of a VALUES list's parameters; SQLite takes them as they come.
VALUES_ROW = {
    "postgresql": "(%s::bigint, %s::timestamptz, %s::timestamptz)",
    "sqlite": "(%s, %s, %s)",
}
