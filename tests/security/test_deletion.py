"""Deleting what holds annotations: confirmation, what will go, a history entry, no cascade."""

import pytest
from django.contrib.admin.models import DELETION, LogEntry
from django.db.models.deletion import ProtectedError
from django.urls import reverse

from annotations.deletion import delete_with_annotations, summarise
from annotations.models import Annotation, AnnotationEvent, Project, Tag
from transcripts.models import Passage, Speaker, Transcript, Turn

from ..factories import AnnotationFactory, ProjectFactory, TranscriptWithTurnsFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def annotated(project, transcript, annotator, curator):
    passages = list(transcript.passages.speech())
    tag = project.tags.get(name="Claim")
    first = AnnotationFactory(passage=passages[0], tag=tag, annotator=annotator)
    AnnotationFactory(passage=passages[1], tag=tag, annotator=curator, status="submitted")
    AnnotationEvent.objects.create(
        project=project, transcript=transcript, user=annotator, annotation=first, action="create"
    )
    return transcript


def transcript_delete_url(project, transcript):
    return reverse("annotations:transcript_delete", args=[project.slug, transcript.pk])


def test_cascade_alone_cannot_remove_annotations(annotated, project):
    with pytest.raises(ProtectedError):
        annotated.delete()
    with pytest.raises(ProtectedError):
        project.delete()
    assert Annotation.objects.count() == 2


def test_transcript_without_annotations_can_be_deleted(db):
    # Turn.speaker is RESTRICT: a speaker alone is kept, but the transcript takes both along.
    transcript = TranscriptWithTurnsFactory()
    with pytest.raises(Exception, match="restricted"):
        transcript.speakers.first().delete()
    transcript.delete()
    assert not Turn.objects.exists() and not Speaker.objects.exists()


def test_summary_counts_what_goes(annotated):
    summary = summarise(annotated)
    assert summary.annotations == 2
    assert summary.annotations_by_status == {"draft": 1, "submitted": 1}
    assert summary.annotators == 2
    assert summary.also_deleted == {"passages": 6, "turns": 3, "speakers": 3}
    assert "2 annotations (1 draft, 1 submitted) by 2 annotators" in summary.describe()


def test_owner_sees_what_will_be_deleted_before_confirming(client, owner, project, annotated):
    client.force_login(owner)
    response = client.get(transcript_delete_url(project, annotated))
    assert response.status_code == 200
    text = response.text
    assert "Delete the transcript" in text and annotated.title in text
    assert "<strong>2</strong> by 2 annotators" in text
    assert "1 draft, 1 submitted" in text
    assert Transcript.objects.filter(pk=annotated.pk).exists()  # a GET deletes nothing


def test_unconfirmed_post_deletes_nothing(client, owner, project, annotated):
    client.force_login(owner)
    response = client.post(transcript_delete_url(project, annotated), {})
    assert response.status_code == 400
    assert "Tick the box" in response.text
    assert Annotation.objects.count() == 2 and Transcript.objects.filter(pk=annotated.pk).exists()


def test_confirmed_transcript_deletion_is_recorded(client, owner, project, annotated):
    client.force_login(owner)
    response = client.post(transcript_delete_url(project, annotated), {"confirm": "yes"})
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()
    assert not Transcript.objects.filter(pk=annotated.pk).exists()
    assert not Annotation.objects.exists() and not Passage.objects.exists()
    entry = LogEntry.objects.get()
    assert entry.action_flag == DELETION and entry.user == owner
    assert entry.object_repr == annotated.title
    assert entry.change_message == (
        "Deleted transcript with 2 annotations (1 draft, 1 submitted) by 2 annotators; "
        "6 passages, 3 turns, 3 speakers."
    )
    assert "Deleted transcript" in client.get(response["Location"]).text  # the message


def test_transcript_shared_with_a_project_i_do_not_own_is_refused(
    client, owner, project, annotated
):
    ProjectFactory().transcripts.add(annotated)
    client.force_login(owner)
    assert "cannot delete it" in client.get(transcript_delete_url(project, annotated)).text
    response = client.post(transcript_delete_url(project, annotated), {"confirm": "yes"})
    assert response.status_code == 409
    assert Transcript.objects.filter(pk=annotated.pk).exists()
    assert not LogEntry.objects.exists()


def test_project_deletion_needs_its_slug_typed(client, owner, project, annotated):
    client.force_login(owner)
    url = reverse("annotations:project_delete", args=[project.slug])
    assert "Type <code>" in client.get(url).text
    assert client.post(url, {"confirm": "yes"}).status_code == 400
    assert Project.objects.filter(pk=project.pk).exists()

    response = client.post(url, {"confirm": project.slug})
    assert response.status_code == 302
    assert not Project.objects.filter(pk=project.pk).exists()
    assert not Annotation.objects.exists() and not Tag.objects.filter(project=project).exists()
    assert Transcript.objects.filter(pk=annotated.pk).exists()  # transcripts stay, unlinked
    assert LogEntry.objects.get().change_message.startswith("Deleted project with 2 annotations")


@pytest.mark.parametrize("role", ["annotator", "curator"])
def test_only_owners_may_delete(client, role, request, project, annotated):
    client.force_login(request.getfixturevalue(role))
    response = client.post(transcript_delete_url(project, annotated), {"confirm": "yes"})
    assert response.status_code == 403
    assert Annotation.objects.count() == 2


def test_project_page_links_to_deletion_for_owners_only(client, owner, annotator, project):
    url = reverse("annotations:project_delete", args=[project.slug])
    client.force_login(owner)
    assert url in client.get(project.get_absolute_url()).text
    client.force_login(annotator)
    assert url not in client.get(project.get_absolute_url()).text


def test_deletion_is_atomic(annotated, owner, monkeypatch):
    """A failure after the annotations went leaves them all in place."""

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Transcript, "delete", fail)
    with pytest.raises(RuntimeError):
        delete_with_annotations(annotated, by=owner)
    assert Annotation.objects.count() == 2
    assert not LogEntry.objects.exists()


def test_admin_lists_annotations_then_deletes_them_with_a_record(admin_client, annotated):
    url = reverse("admin:transcripts_transcript_delete", args=[annotated.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "protected" not in page.text.lower()  # not refused
    assert "Annotation: " in page.text and "Annotations: 2" in page.text

    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Transcript.objects.exists() and not Annotation.objects.exists()
    entry = LogEntry.objects.get()  # one entry, with the counts (not the admin's bare one)
    assert "2 annotations" in entry.change_message


def test_admin_bulk_delete_of_projects(admin_client, project, annotated):
    url = reverse("admin:annotations_project_changelist")
    data = {"action": "delete_selected", "_selected_action": [project.pk]}
    confirm = admin_client.post(url, data)
    assert "Annotations: 2" in confirm.text
    admin_client.post(url, {**data, "post": "yes"})
    assert not Project.objects.filter(pk=project.pk).exists()
    assert LogEntry.objects.filter(action_flag=DELETION).count() == 1


def test_admin_history_is_read_only(admin_client, annotated):
    delete_with_annotations(annotated, by=UserFactory())
    listing = admin_client.get(reverse("admin:admin_logentry_changelist"))
    assert annotated.title in listing.text
    entry = LogEntry.objects.get()
    assert (
        admin_client.post(
            reverse("admin:admin_logentry_delete", args=[entry.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert LogEntry.objects.exists()


def test_a_transcript_with_gold_goes_with_its_gold_not_with_an_error(
    client, owner, project, annotated, curator
):
    from annotations.models import GoldAnnotation, GoldSource

    claim = Annotation.objects.get(status="submitted")
    GoldAnnotation.objects.accept(
        claim, by=curator, expected_version=claim.version, project=project
    )
    client.force_login(owner)
    assert (
        "Gold items deleted</dt><dd>1<"
        in client.get(transcript_delete_url(project, annotated)).text
    )
    response = client.post(transcript_delete_url(project, annotated), {"confirm": "yes"})
    assert response.status_code == 302
    assert not GoldAnnotation.objects.exists() and not GoldSource.objects.exists()
    assert not Transcript.objects.filter(pk=annotated.pk).exists()


def test_deleting_a_transcript_does_not_load_its_passages(owner):
    """One DELETE a table: the cascade loaded every passage (57-93 s for a 19 MB file)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.large import build_transcript

    def queries_to_delete(turns: int) -> list[str]:
        transcript = build_transcript(turns=turns, title=f"{turns} turns")
        assert transcript.passages.count() > 2 * turns
        with CaptureQueriesContext(connection) as captured:
            delete_with_annotations(transcript, by=owner)
        assert not Passage.objects.filter(transcript_id=transcript.pk).exists()
        return [q["sql"] for q in captured.captured_queries]

    small, large = queries_to_delete(15), queries_to_delete(1500)
    assert len(large) <= len(small)
    # The passages go by one DELETE; nothing reads their rows before it (the cascade did).
    gone = next(
        i for i, sql in enumerate(large) if sql.startswith('DELETE FROM "transcripts_passage"')
    )
    assert not [
        sql
        for sql in large[:gone]
        if sql.startswith('SELECT "transcripts_passage"') and "COUNT(" not in sql
    ]
