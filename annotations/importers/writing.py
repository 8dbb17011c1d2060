"""Writing a Plan: the annotations and their CREATE events as plain rows, in one transaction.

`bulk_create` spent ~0.5 ms an annotation (model instances, field-by-field preparation,
psycopg's array dumping for the UNNEST insert) and a second pass rewrote the file's timestamps;
here the rows go in as tuples (COPY on PostgreSQL, executemany on SQLite) with their ids
reserved first, so targets within the file and the events need no reading back. What
`Annotation.bulk_create` checks on the way in is kept here, in memory, from what the plan read:
the tag, passages and targets are the project's, the quote is the passage's text at the offsets
(quotes.py), each row starts at version 1 with one CREATE event.
"""

import json

from django.db import connection, transaction
from django.utils import timezone

from transcripts.bulk import insert_rows

from ..models import Annotation, AnnotationEvent, Project
from ..models.annotation import WrongProject
from ..models.counters import recount
from ..models.quotes import quote_of
from .planning import Plan

ANNOTATION_FIELDS = (
    "id", "passage", "tag", "annotator", "start", "end", "quote", "target", "target_passage",
    "note", "attributes", "status", "version", "created_at", "updated_at",
)  # fmt: skip
EVENT_FIELDS = (
    "project", "transcript", "user", "annotation", "subject", "action", "after", "version_after",
    "undone", "created_at",
)  # fmt: skip


def import_planned(plan: Plan) -> list[int]:
    """Create what `plan` holds (tags first), keeping the file's timestamps and targets, and
    record a CREATE event for each, so the history (and its undo) knows what was imported.
    Returns the new annotations' ids. A handful of statements whatever the number of rows."""
    with transaction.atomic():
        for tag in plan.new_tags.values():
            tag.save()
        _check_one_project(plan)
        ids = reserve_ids(Annotation, len(plan.annotations))
        id_of = {line: pk for (line, _), pk in zip(plan.annotations, ids, strict=True)}
        target_of = _targets(plan, id_of)
        now, stamp = timezone.now(), _stamp()
        stamped_now = stamp(now)
        rows, events = [], []
        for (line, a), pk in zip(plan.annotations, ids, strict=True):
            quote = quote_of(plan.texts[a.passage_id], a.start, a.end)
            created, updated = a.created_at or now, a.updated_at or now
            target = target_of.get(line)
            rows.append(
                (pk, a.passage_id, a.tag.pk, a.annotator_id, a.start, a.end, quote, target,
                 a.target_passage_id, a.note, json.dumps(a.attributes), a.status, 1,
                 stamp(created), stamp(updated))
            )  # fmt: skip
            after = {  # events.snapshot() of the row as inserted
                "passage_id": a.passage_id,
                "tag_id": a.tag.pk,
                "annotator_id": a.annotator_id,
                "start": a.start,
                "end": a.end,
                "quote": quote,
                "target_id": target,
                "target_passage_id": a.target_passage_id,
                "note": a.note,
                "attributes": a.attributes,
                "status": a.status,
                "request_id": None,
                "id": pk,
                "version": 1,
            }
            events.append(
                (plan.project_id, plan.transcript_of[a.passage_id], a.annotator_id, pk, pk,
                 AnnotationEvent.Action.CREATE.value, json.dumps(after), 1, False, stamped_now)
            )  # fmt: skip
        insert_rows(Annotation, ANNOTATION_FIELDS, rows)
        insert_rows(AnnotationEvent, EVENT_FIELDS, events)
        # The rows bypass the model's write layer, so its stored counters are set here.
        recount({(plan.project_id, plan.transcript_of[a.passage_id], a.annotator_id)
                 for _, a in plan.annotations})  # fmt: skip
    return ids


def _check_one_project(plan: Plan) -> None:
    """The one-project rule (annotation.check_one_project) from what the plan read: its
    passages came from its transcripts, so those must be the project's, and so must the tags."""
    for _, a in plan.annotations:
        if a.tag.project_id != plan.project_id:
            raise WrongProject(f"The tag {a.tag.name!r} is in another project.")
        for passage_id in (a.passage_id, a.target_passage_id):
            if passage_id is not None and passage_id not in plan.transcript_of:
                raise WrongProject(f"The passage {passage_id} is not in the project.")
    transcripts = set(plan.transcript_of.values())
    held = Project.transcripts.through.objects.filter(
        project_id=plan.project_id, transcript_id__in=transcripts
    )
    if held.count() != len(transcripts):
        raise WrongProject("A passage of the file is in a transcript of another project.")


def _targets(plan: Plan, id_of: dict[int, int]) -> dict[int, int]:
    """line -> the id of the annotation it answers: one already in the project, or one of the
    file's own rows. A row whose chain of targets loops back to itself (never exported) keeps
    only the passage it answers."""
    found = {}
    for line in plan.targets:
        chain, at = {line}, plan.targets[line][1]
        while at in plan.targets and at not in plan.present and at not in chain:
            chain.add(at)
            at = plan.targets[at][1]
        target_line = plan.targets[line][1]
        if target_line in plan.present:
            found[line] = plan.present[target_line]
        elif target_line in id_of and at != line:
            found[line] = id_of[target_line]
    return found


def reserve_ids(model, count: int) -> list[int]:
    """`count` new ids for `model`'s table, taken now, so rows can be written with their ids
    (and point at each other) in one COPY. PostgreSQL: from the table's sequence, safe beside
    other writers. SQLite: after the highest id ever given (AUTOINCREMENT's sqlite_sequence,
    so a deleted annotation's id, still in the history, is never given again), held by
    inserting them before the transaction ends: it holds SQLite's one write lock meanwhile
    (transaction_mode IMMEDIATE)."""
    if not count:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [pk for (pk,) in cursor.fetchall()]
        quoted = connection.ops.quote_name(table)
        cursor.execute(
            f"SELECT MAX(n) FROM (SELECT MAX(id) AS n FROM {quoted} "
            "UNION ALL SELECT seq FROM sqlite_sequence WHERE name = %s)",
            [table],
        )
        first = (cursor.fetchone()[0] or 0) + 1
    return list(range(first, first + count))


def _stamp():
    """How this database takes a timestamp in a plain INSERT (SQLite: text in UTC)."""
    if connection.vendor == "postgresql":
        return lambda moment: moment
    return connection.ops.adapt_datetimefield_value
