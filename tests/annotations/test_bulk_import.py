"""The annotation import writes plain rows (no model instances): what the model's own writes
would keep, the importer keeps — ids, targets, quotes, versions, the history — in a number of
queries that does not grow with the file."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations.importers import import_planned, plan_long_csv, reserve_ids
from annotations.models import Annotation, AnnotationEvent, Progress, snapshot

from ..factories import AnnotationFactory, ProjectFactory, TranscriptWithTurnsFactory

pytestmark = pytest.mark.django_db


def exported(project) -> str:
    out = io.StringIO()
    call_command("export_annotations", "--project", project.slug, stdout=out)
    return out.getvalue()


@pytest.fixture
def fresh(project, transcript, annotator):
    """Another project holding the same transcript text, and the same annotator."""
    other = ProjectFactory()
    other.transcripts.add(
        TranscriptWithTurnsFactory(original_text=transcript.original_text, title=transcript.title)
    )
    other.memberships.create(user=annotator, role="annotator")
    return other


def tag_every_passage(project, transcript, annotator, spans_per_passage: int) -> None:
    """Whole-passage tags answering one another, and spans: rows of every kind."""
    tags, previous = list(project.tags.all()), None
    for passage in transcript.passages.speech():
        whole = AnnotationFactory(
            passage=passage, tag=tags[0], annotator=annotator, attributes={}, note="whole"
        )
        if previous is not None:
            whole.target, whole.target_passage = previous, previous.passage
            whole.save()
        previous = whole
        for n in range(min(spans_per_passage, len(passage.text) - 1)):
            AnnotationFactory(passage=passage, tag=tags[1], annotator=annotator, start=n, end=n + 1)


def queries_to_import(text: str, project) -> int:
    with CaptureQueriesContext(connection) as context:
        plan = plan_long_csv(text, project)
        assert not plan.errors, plan.errors[:3]
        import_planned(plan)
    return len(context.captured_queries)


def test_queries_do_not_grow_with_the_rows(project, transcript, annotator, fresh):
    tag_every_passage(project, transcript, annotator, spans_per_passage=1)
    few = exported(project)
    Annotation.objects.all().delete()
    tag_every_passage(project, transcript, annotator, spans_per_passage=8)
    many = exported(project)
    assert many.count("\n") > 3 * few.count("\n")
    small = queries_to_import(few, fresh)
    Annotation.objects.in_project(fresh).delete()
    assert queries_to_import(many, fresh) == small


def test_imported_rows_are_what_the_model_would_have_written(project, transcript, annotator, fresh):
    tag_every_passage(project, transcript, annotator, spans_per_passage=2)
    gone = AnnotationFactory(passage=transcript.passages.speech().first(), tag=project.tags.last())
    gone_id = gone.pk
    gone.delete()  # its id is in the history of whoever deleted it: never given again
    text = exported(project)
    plan = plan_long_csv(text, fresh)
    ids = import_planned(plan)
    assert min(ids) > gone_id
    imported = Annotation.objects.in_project(fresh).select_related("passage", "target")
    assert sorted(a.pk for a in imported) == sorted(ids)
    originals = {
        (a.passage.position, a.start, a.note): a
        for a in Annotation.objects.in_project(project).select_related("passage")
    }
    events = {e.subject: e for e in AnnotationEvent.objects.filter(project=fresh)}
    answering = 0
    for a in imported:
        original = originals[(a.passage.position, a.start, a.note)]
        assert a.quote == (a.passage.text if a.start is None else a.passage.text[a.start : a.end])
        assert (a.version, a.status, a.created_at) == (1, original.status, original.created_at)
        if original.target_id is not None:  # answers the copy of what the original answered
            answering += 1
            assert a.target.passage.position == original.target.passage.position
            assert a.target_passage_id == a.target.passage_id
        event = events[a.pk]
        assert (event.action, event.user_id, event.annotation_id) == ("create", annotator.pk, a.pk)
        assert (event.after, event.version_after) == (snapshot(a), 1)
        assert event.transcript_id == a.passage.transcript_id
    assert answering == transcript.passages.speech().count() - 1


def test_reserved_ids_come_after_every_id_given(project, transcript):
    existing = AnnotationFactory(passage=transcript.passages.first(), tag=project.tags.first())
    ids = reserve_ids(Annotation, 3)
    assert len(set(ids)) == 3 and min(ids) > existing.pk
    assert reserve_ids(Annotation, 0) == []


def test_the_imported_rows_are_counted_in_the_progress_counters(
    project, transcript, annotator, fresh
):
    from .test_progress_counters import assert_counted

    tag_every_passage(project, transcript, annotator, spans_per_passage=2)
    import_planned(plan_long_csv(exported(project), fresh))
    (copy,) = fresh.transcripts.all()
    stored = Progress.objects.get(project=fresh, transcript=copy, user=annotator)
    assert stored.annotation_count == Annotation.objects.in_project(fresh).count() > 0
    assert_counted(fresh, copy)
