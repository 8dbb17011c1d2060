"""Progress's stored counters (annotations, passages tagged) equal a fresh count after every
kind of write: the workspace's figures read them instead of counting on each action."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse

from annotations.models import Annotation, Progress, counters
from transcripts.models import Passage

from ..conftest import HTMX
from .test_annotating import messages_of, passage, tag

pytestmark = pytest.mark.django_db


def fresh(project, transcript) -> dict:
    rows = (
        Annotation.objects.in_project(project)
        .filter(passage__transcript=transcript)
        .values("annotator_id")
        .annotate(n=Count("pk"), passages=Count("passage", distinct=True))
    )
    return {r["annotator_id"]: (r["n"], r["passages"]) for r in rows}


def stored(project, transcript) -> dict:
    rows = Progress.objects.filter(project=project, transcript=transcript)
    return {
        p.user_id: (p.annotation_count, p.tagged_passages)
        for p in rows
        if p.annotation_count or p.tagged_passages
    }


def assert_counted(project, transcript):
    assert stored(project, transcript) == fresh(project, transcript)


def test_counters_follow_every_kind_of_write(client, project, transcript, annotator, curator):
    client.force_login(annotator)
    create = reverse("annotations:annotation_create", args=[project.slug, transcript.pk])

    def post(url, data=None):
        response = client.post(url, data or {}, headers=HTMX)
        assert response.status_code == 200, messages_of(response)

    for position, shortcut in [(0, "c"), (0, "m"), (4, "c")]:  # two on one passage
        post(
            create, {"tag": tag(project, shortcut).pk, "passage": passage(transcript, position).pk}
        )
        assert_counted(project, transcript)
    assert stored(project, transcript) == {annotator.pk: (3, 2)}
    third = Annotation.objects.latest("pk")
    detail = reverse("annotations:annotation_detail", args=[project.slug, third.pk])
    post(detail, {"version": third.version, "tag": tag(project, "m").pk, "note": "x"})
    assert_counted(project, transcript)
    last = Annotation.objects.latest("pk")
    post(reverse("annotations:annotation_delete", args=[project.slug, last.pk]), {})
    assert stored(project, transcript) == {annotator.pk: (2, 1)}
    undo = reverse("annotations:undo", args=[project.slug, transcript.pk])
    post(undo)  # the delete undone: the row is back
    assert stored(project, transcript) == {annotator.pk: (3, 2)}
    post(undo)  # the edit
    post(undo)  # the third create
    assert_counted(project, transcript)
    post(reverse("annotations:redo", args=[project.slug, transcript.pk]))
    assert_counted(project, transcript)
    # The write paths outside the workspace: the shell's save and delete, bulk writes.
    spare = Annotation.objects.order_by("pk").last()
    spare.delete()
    assert_counted(project, transcript)
    Annotation.objects.bulk_create(
        [
            Annotation(passage=passage(transcript, p), tag=tag(project, t), annotator=annotator)
            for p, t in ((1, "c"), (2, "m"))
        ]
    )
    assert_counted(project, transcript)
    moved = Annotation.objects.filter(passage=passage(transcript, 1)).get()
    moved.passage = passage(transcript, 2)
    Annotation.objects.bulk_update([moved], ["passage"])  # as the structure editor moves them
    assert_counted(project, transcript)
    Annotation.objects.filter(passage=passage(transcript, 2)).update(annotator=curator)
    assert_counted(project, transcript)
    Annotation.objects.filter(passage=passage(transcript, 2)).delete()
    assert_counted(project, transcript)


def test_recount_rebuilds_what_a_raw_write_left_wrong(project, transcript, annotator):
    Annotation.objects.create(
        passage=passage(transcript, 0), tag=tag(project, "c"), annotator=annotator
    )
    Progress.objects.update(annotation_count=40, tagged_passages=7)  # as a COPY would leave it
    counters.recount()
    assert_counted(project, transcript)
    Progress.objects.update(annotation_count=40, tagged_passages=7)
    counters.recount(counters.keys_of(Annotation.objects.all()))
    assert stored(project, transcript) == {annotator.pk: (1, 1)}


def test_the_figures_show_the_stored_counts(client, project, transcript, annotator):
    client.force_login(annotator)
    create = reverse("annotations:annotation_create", args=[project.slug, transcript.pk])
    data = {"tag": tag(project, "c").pk, "passage": passage(transcript, 0).pk}
    response = client.post(create, data, headers=HTMX)
    assert "<strong>1</strong> tagged" in response.text


def test_a_passage_nobody_spoke_cannot_be_tagged(client, project, transcript, annotator):
    client.force_login(annotator)
    heading = passage(transcript, 1)
    Passage.objects.filter(pk=heading.pk).update(kind=Passage.Kind.STAGE)
    create = reverse("annotations:annotation_create", args=[project.slug, transcript.pk])
    response = client.post(
        create, {"tag": tag(project, "c").pk, "passage": heading.pk}, headers=HTMX
    )
    assert response.status_code == 400
    assert "not spoken" in messages_of(response)
    assert not Annotation.objects.exists()


def test_the_recount_command_repairs_the_counters(project, transcript, annotator):
    Annotation.objects.create(
        passage=passage(transcript, 0), tag=tag(project, "c"), annotator=annotator
    )
    Progress.objects.update(annotation_count=0, tagged_passages=0)
    call_command("recount_progress", stdout=io.StringIO())
    assert stored(project, transcript) == {annotator.pk: (1, 1)}
