"""The annotator's home: their assignments with status and seen/total on the project page, a
summary on the project list; queries that do not grow with transcripts or assignments."""

import pytest
from django.urls import reverse
from django.utils import timezone

from annotations.models import Assignment, Membership, Progress, distribute

from ..factories import TranscriptWithTurnsFactory, UserFactory

pytestmark = pytest.mark.django_db


def build(project, annotator, transcripts: int, others: int, prefix: str = "colleague"):
    project.transcripts.add(*[TranscriptWithTurnsFactory() for _ in range(transcripts)])
    for n in range(others):
        Membership.objects.create(project=project, user=UserFactory(username=f"{prefix}-{n}"))
    distribute(project, 2)
    for n, assignment in enumerate(Assignment.objects.order_by("pk")):
        progress, _ = Progress.objects.get_or_create(
            project=project, transcript_id=assignment.transcript_id, user_id=assignment.user_id
        )
        if n % 3 == 1:
            progress.record_seen([(0, 1)])
        elif n % 3 == 2:
            progress.mark_done()
    return list(Assignment.objects.filter(user=annotator).order_by("transcript_id"))


def test_project_page_lists_my_work_with_status_and_progress(client, project, annotator):
    project.transcripts.add(*[TranscriptWithTurnsFactory() for _ in range(3)])
    t1, t2, t3 = project.transcripts.order_by("pk")
    for t in (t1, t2, t3):
        Assignment.objects.create(project=project, transcript=t, user=annotator)
    speech = list(t2.passages.speech().values_list("position", flat=True))
    Progress.objects.create(project=project, transcript=t2, user=annotator).record_seen(
        [(speech[0], speech[1])]
    )
    Progress.objects.create(project=project, transcript=t3, user=annotator, done_at=timezone.now())
    client.force_login(annotator)
    page = client.get(project.get_absolute_url())
    work = page.context["my_work"]
    assert sorted((w["transcript"].pk, w["state"], w["seen"]) for w in work) == [
        (t1.pk, "not started", 0),
        (t2.pk, "in progress", 2),
        (t3.pk, "done", 0),
    ]
    assert f"2/{len(speech)}" in page.text
    assert "Your work" in page.text and "Get work" not in page.text  # manual mode


def test_nothing_assigned_says_what_to_do(client, project, transcript, annotator):
    client.force_login(annotator)
    assert "Nothing is assigned to you" in client.get(project.get_absolute_url()).text


def test_project_list_summarises_my_assignments(client, project, annotator):
    build(project, annotator, transcripts=4, others=1)
    client.force_login(annotator)
    card = client.get(reverse("annotations:project_list")).context["projects"][0]
    mine = Assignment.objects.filter(user=annotator)
    assert card.my_assignments == mine.count() > 0
    assert card.my_done == mine.done().count()


@pytest.mark.parametrize("name", ["project_detail", "project_list", "member_list"])
def test_queries_do_not_grow_with_transcripts_or_assignments(
    client, project, annotator, name, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse(f"annotations:{name}", args=[] if name == "project_list" else [project.slug])
    client.force_login(annotator)
    build(project, annotator, transcripts=2, others=2)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    mine = build(project, annotator, transcripts=40, others=6, prefix="more")
    assert len(mine) > 5 and Assignment.objects.count() > 80
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(url)
    assert page.status_code == 200
    if name == "project_detail":
        assert len(page.context["my_work"]) == len(mine)
