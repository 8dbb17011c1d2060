"""The one write path: request ids, no exact copies, and one project per annotation everywhere."""

import uuid

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from annotations.importers import import_planned, plan_long_csv
from annotations.models import Annotation, WrongProject

from ..conftest import HTMX
from ..factories import AnnotationFactory, ProjectFactory, TranscriptWithTurnsFactory, UserFactory
from .test_annotating import messages_of, passage, tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def create_url(project, transcript):
    return reverse("annotations:annotation_create", args=[project.slug, transcript.pk])


@pytest.fixture
def elsewhere(db):
    """Another project with its own transcript: what must never mix with ours."""
    other = ProjectFactory()
    transcript = TranscriptWithTurnsFactory()
    other.transcripts.add(transcript)
    return other, transcript


# ---- request ids: a retried create returns the first result


def test_a_retried_create_returns_the_first_result(
    client, project, transcript, annotator, create_url
):
    client.force_login(annotator)
    data = {"tag": tag(project, "c").pk, "passage": passage(transcript, 0).pk}
    data["request_id"] = str(uuid.uuid4())
    first = client.post(create_url, data, headers=HTMX)
    again = client.post(create_url, data, headers=HTMX)
    assert first.status_code == again.status_code == 200
    assert Annotation.objects.count() == 1
    assert str(Annotation.objects.get().request_id) == data["request_id"]


def test_the_same_request_id_from_two_people_is_two_annotations(project, transcript, annotator):
    colleague = UserFactory()
    request_id = uuid.uuid4()
    for user in (annotator, colleague):
        membership = project.membership_of(user) or project.memberships.create(user=user)
        Annotation.objects.create_by(
            membership, request_id=request_id, passage=passage(transcript, 0), tag=tag(project, "c")
        )
    assert Annotation.objects.count() == 2


def test_the_database_keeps_request_ids_unique_per_annotator(project, transcript, annotator):
    request_id = uuid.uuid4()
    AnnotationFactory(
        passage=passage(transcript, 0),
        tag=tag(project, "c"),
        annotator=annotator,
        request_id=request_id,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        AnnotationFactory(
            passage=passage(transcript, 1),
            tag=tag(project, "m"),
            annotator=annotator,
            request_id=request_id,
        )


# ---- exact copies: a second press says so


def test_pressing_the_same_key_twice_says_already_tagged(
    client, project, transcript, annotator, create_url
):
    client.force_login(annotator)
    data = {"tag": tag(project, "c").pk, "passage": passage(transcript, 0).pk}
    assert client.post(create_url, data, headers=HTMX).status_code == 200
    second = client.post(create_url, data, headers=HTMX)
    assert second.status_code == 409
    assert "Already tagged as Claim" in messages_of(second)
    assert Annotation.objects.count() == 1


def test_a_different_span_or_tag_is_not_a_copy(client, project, transcript, annotator, create_url):
    client.force_login(annotator)
    p = passage(transcript, 0)
    for extra in [{}, {"start": 0, "end": 4}, {"start": 0, "end": 5}]:
        data = {"tag": tag(project, "c").pk, "passage": p.pk, **extra}
        assert client.post(create_url, data, headers=HTMX).status_code == 200
    data = {"tag": tag(project, "m").pk, "passage": p.pk}
    assert client.post(create_url, data, headers=HTMX).status_code == 200
    assert Annotation.objects.count() == 4


@pytest.mark.parametrize("span", [(None, None), (0, 4)])
def test_the_database_refuses_an_exact_copy(project, transcript, annotator, span):
    fields = {"passage": passage(transcript, 0), "tag": tag(project, "c"), "annotator": annotator}
    AnnotationFactory(**fields, start=span[0], end=span[1])
    with pytest.raises(IntegrityError), transaction.atomic():
        AnnotationFactory(**fields, start=span[0], end=span[1])


# ---- one project: every entry point


def test_the_shell_cannot_mix_projects(project, transcript, annotator, elsewhere):
    other, their_transcript = elsewhere
    with pytest.raises(WrongProject):
        Annotation.objects.create(
            passage=their_transcript.passages.first(), tag=tag(project, "c"), annotator=annotator
        )
    ours = AnnotationFactory(passage=passage(transcript, 0), tag=tag(project, "c"))
    with pytest.raises(WrongProject):
        Annotation.objects.create(
            passage=passage(transcript, 1),
            tag=tag(project, "d"),
            annotator=annotator,
            target=ours,
            target_passage=their_transcript.passages.first(),
        )
    assert Annotation.objects.count() == 1


def test_bulk_writes_cannot_mix_projects(project, transcript, annotator, elsewhere):
    other, their_transcript = elsewhere
    ours = AnnotationFactory(passage=passage(transcript, 0), tag=tag(project, "c"))
    stray = Annotation(
        passage=their_transcript.passages.first(), tag=tag(project, "c"), annotator=annotator
    )
    with pytest.raises(WrongProject):
        Annotation.objects.bulk_create([stray])
    with pytest.raises(WrongProject):
        Annotation.objects.filter(pk=ours.pk).update(tag=other.tags.first())
    ours.passage = their_transcript.passages.first()
    with pytest.raises(WrongProject):
        Annotation.objects.bulk_update([ours], ["passage"])
    assert Annotation.objects.get().passage == passage(transcript, 0)


def test_the_versioned_write_cannot_move_an_annotation_out(
    project, transcript, annotator, elsewhere
):
    other, their_transcript = elsewhere
    ours = AnnotationFactory(
        passage=passage(transcript, 0), tag=tag(project, "c"), annotator=annotator
    )
    with pytest.raises(WrongProject):
        ours.apply_change(annotator, 1, tag=other.tags.first())
    with pytest.raises(WrongProject):
        ours.apply_change(annotator, 1, passage=their_transcript.passages.first())
    ours.refresh_from_db()
    assert (ours.tag, ours.version) == (tag(project, "c"), 1)


def test_the_workspace_form_refuses_a_passage_of_another_project(
    client, project, annotator, create_url, elsewhere
):
    other, their_transcript = elsewhere
    client.force_login(annotator)
    data = {"tag": tag(project, "c").pk, "passage": their_transcript.passages.first().pk}
    response = client.post(create_url, data, headers=HTMX)
    assert response.status_code == 400
    assert not Annotation.objects.exists()


def test_the_importer_keeps_to_its_project(project, transcript, annotator, elsewhere, tmp_path):
    # Export our project's annotations, then import the file into another project that does
    # not hold the transcript: every row is refused by line, nothing written there.
    AnnotationFactory(passage=passage(transcript, 0), tag=tag(project, "c"), annotator=annotator)
    path = tmp_path / "ours.csv"
    call_command("export_annotations", "--project", project.slug, "--output", str(path))
    other, _ = elsewhere
    plan = plan_long_csv(path.read_text(encoding="utf-8"), other)
    assert plan.errors and not plan.annotations
    # And a plan tampered with to point at our passage is stopped at the write.
    Annotation.objects.all().delete()
    plan = plan_long_csv(path.read_text(encoding="utf-8"), project)
    assert not plan.errors
    line, planned = plan.annotations[0]
    planned.tag = other.tags.get(name="Claim")
    with pytest.raises(WrongProject):
        import_planned(plan)
    assert not Annotation.objects.exists()
