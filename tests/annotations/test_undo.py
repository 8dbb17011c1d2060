"""Undo and redo are versioned writes: only your own last action, never over later work."""

import pytest
from django.urls import reverse

from annotations.models import Annotation, AnnotationEvent

from ..conftest import HTMX
from .test_annotating import messages_of, passage, tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def urls(project, transcript):
    args = [project.slug, transcript.pk]
    return {
        name: reverse(f"annotations:{name}", args=args)
        for name in ("annotation_create", "undo", "redo")
    }


def create(client, project, transcript, urls, shortcut="c", position=0, **extra):
    data = {"tag": tag(project, shortcut).pk, "passage": passage(transcript, position).pk, **extra}
    response = client.post(urls["annotation_create"], data, headers=HTMX)
    assert response.status_code == 200, messages_of(response)
    return Annotation.objects.latest("pk")


def test_undo_says_exactly_what_it_removed(client, project, transcript, annotator, urls):
    client.force_login(annotator)
    create(client, project, transcript, urls, position=4)  # "We disagree on Georgia." (Lavrov)
    response = client.post(urls["undo"], headers=HTMX)
    assert response.status_code == 200
    assert (
        "Removed your Claim on ‘We disagree on Georgia.’ (FOREIGN MINISTER LAVROV, turn 2)"
        in messages_of(response)
    )
    assert not Annotation.objects.exists()


def test_undo_refuses_to_revert_a_curators_later_edit(
    client, project, transcript, annotator, curator, urls
):
    client.force_login(annotator)
    claim = create(client, project, transcript, urls)
    # The curator edits it afterwards (from the workspace or the admin: the same verb).
    membership = project.membership_of(curator)
    claim.apply_change(membership, claim.version, note="Checked against the record.")
    response = client.post(urls["undo"], headers=HTMX)
    assert response.status_code == 409
    assert f"changed by {curator}" in messages_of(response)
    claim.refresh_from_db()
    assert claim.note == "Checked against the record." and claim.version == 2


def test_undo_never_deletes_accepted_work(client, project, transcript, annotator, curator, urls):
    client.force_login(annotator)
    claim = create(client, project, transcript, urls)
    Annotation.objects.filter(pk=claim.pk).accept(by=curator)
    response = client.post(urls["undo"], headers=HTMX)
    assert response.status_code == 409
    assert "reviewed" in messages_of(response) and str(curator) in messages_of(response)
    assert Annotation.objects.filter(pk=claim.pk, status="accepted").exists()


def test_undo_refuses_when_someone_deleted_it_meanwhile(
    client, project, transcript, annotator, curator, urls
):
    client.force_login(annotator)
    claim = create(client, project, transcript, urls)
    claim.remove(project.membership_of(curator))
    response = client.post(urls["undo"], headers=HTMX)
    assert response.status_code == 409
    assert f"deleted by {curator}" in messages_of(response)
    assert not Annotation.objects.exists()


def test_undo_takes_only_my_own_actions(client, project, transcript, annotator, curator, urls):
    client.force_login(annotator)
    mine = create(client, project, transcript, urls)
    client.force_login(curator)
    create(client, project, transcript, urls, shortcut="m", position=1)
    client.force_login(annotator)
    assert client.post(urls["undo"], headers=HTMX).status_code == 200
    assert not Annotation.objects.filter(pk=mine.pk).exists()
    assert Annotation.objects.filter(annotator=curator).count() == 1


def test_undo_of_an_edit_and_of_a_delete_then_redo(client, project, transcript, annotator, urls):
    client.force_login(annotator)
    claim = create(client, project, transcript, urls)
    claim.apply_change(project.membership_of(annotator), 1, note="first thoughts")
    claim.remove(project.membership_of(annotator))
    # Undo the delete: it is back, under its old id, with the note.
    response = client.post(urls["undo"], headers=HTMX)
    assert "Restored your Claim" in messages_of(response)
    assert Annotation.objects.get(pk=claim.pk).note == "first thoughts"
    # Undo the edit: the note goes.
    response = client.post(urls["undo"], headers=HTMX)
    assert "Reverted your edit of the Claim" in messages_of(response)
    assert Annotation.objects.get(pk=claim.pk).note == ""
    # Redo replays the edit, then the delete.
    assert "Made your edit again" in messages_of(client.post(urls["redo"], headers=HTMX))
    assert Annotation.objects.get(pk=claim.pk).note == "first thoughts"
    assert "Removed again" in messages_of(client.post(urls["redo"], headers=HTMX))
    assert not Annotation.objects.exists()
    response = client.post(urls["redo"], headers=HTMX)
    assert response.status_code == 409 and "Nothing to redo" in messages_of(response)


def test_something_new_ends_what_redo_can_replay(client, project, transcript, annotator, urls):
    client.force_login(annotator)
    create(client, project, transcript, urls)
    client.post(urls["undo"], headers=HTMX)
    create(client, project, transcript, urls, shortcut="m", position=1)
    response = client.post(urls["redo"], headers=HTMX)
    assert response.status_code == 409 and "Nothing to redo" in messages_of(response)
    assert Annotation.objects.get().tag.shortcut == "m"


def test_redo_refuses_over_a_colleagues_later_edit(
    client, project, transcript, annotator, curator, urls
):
    client.force_login(annotator)
    claim = create(client, project, transcript, urls)
    claim.apply_change(project.membership_of(annotator), 1, note="mine")
    client.post(urls["undo"], headers=HTMX)  # note back to ""
    claim.refresh_from_db()
    claim.apply_change(project.membership_of(curator), claim.version, note="curator's")
    response = client.post(urls["redo"], headers=HTMX)
    assert response.status_code == 409 and f"changed by {curator}" in messages_of(response)
    assert Annotation.objects.get().note == "curator's"


def test_undo_says_when_it_reaches_back_before_the_page_was_loaded(
    client, project, transcript, annotator, urls
):
    client.force_login(annotator)
    create(client, project, transcript, urls)
    page = client.get(reverse("annotations:workspace", args=[project.slug, transcript.pk]))
    watermark = AnnotationEvent.objects.latest("pk").pk
    assert f'name="page_events" value="{watermark}"' in page.text
    response = client.post(urls["undo"], {"page_events": watermark}, headers=HTMX)
    assert "before this page was loaded" in messages_of(response)
    # An action from this page load is undone without the warning.
    create(client, project, transcript, urls)
    response = client.post(urls["undo"], {"page_events": watermark}, headers=HTMX)
    assert "before this page was loaded" not in messages_of(response)


def test_every_write_records_one_event_with_the_version_it_left(project, transcript, annotator):
    membership = project.membership_of(annotator)
    claim = Annotation.objects.create_by(
        membership, passage=passage(transcript, 0), tag=tag(project, "c"), quote="x"
    )
    claim.apply_change(membership, 1, note="a")
    Annotation.objects.filter(pk=claim.pk).accept(by=annotator)
    claim.refresh_from_db()
    claim.remove(membership, claim.version)
    events = list(AnnotationEvent.objects.about(claim.pk).order_by("pk"))
    assert [e.action for e in events] == ["create", "update", "review", "delete"]
    assert [e.version_after for e in events] == [1, 2, 3, 3]  # a deletion: the version it took
    assert events[-1].before["status"] == "accepted"
