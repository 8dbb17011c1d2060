"""The admin as the curation desk: accept/reject actions, and no silent lost updates."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from annotations.models import Annotation

from ..factories import AnnotationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("chief", "chief@example.org", "x-pass-123")


def change_url(annotation):
    return reverse("admin:annotations_annotation_change", args=[annotation.pk])


def change_form_data(annotation, **overrides):
    data = {
        "passage": annotation.passage_id,
        "tag": annotation.tag_id,
        "annotator": annotation.annotator_id,
        "start": "",
        "end": "",
        "quote": annotation.quote,
        "target": "",
        "target_passage": "",
        "note": annotation.note,
        "attributes": "{}",
        "status": annotation.status,
        "seen_version": annotation.version,
    }
    return {**data, **overrides}


@pytest.mark.parametrize(
    ("action", "status"), [("accept_selected", "accepted"), ("reject_selected", "rejected")]
)
def test_curator_accepts_or_rejects_from_the_changelist(client, superuser, action, status):
    annotations = AnnotationFactory.create_batch(2)
    untouched = AnnotationFactory()
    client.force_login(superuser)
    response = client.post(
        reverse("admin:annotations_annotation_changelist"),
        {"action": action, "_selected_action": [a.pk for a in annotations]},
        follow=True,
    )
    assert response.status_code == 200
    for annotation in annotations:
        annotation.refresh_from_db()
        assert (annotation.status, annotation.reviewed_by) == (status, superuser)
        assert annotation.reviewed_at is not None
        assert annotation.version == 2
    untouched.refresh_from_db()
    assert untouched.status == Annotation.Status.DRAFT


def test_admin_save_bumps_the_version(client, superuser):
    annotation = AnnotationFactory()
    client.force_login(superuser)
    response = client.post(change_url(annotation), change_form_data(annotation, note="checked"))
    assert response.status_code == 302
    annotation.refresh_from_db()
    assert (annotation.note, annotation.version) == ("checked", 2)


def test_admin_refuses_to_overwrite_a_newer_save(client, superuser):
    annotation = AnnotationFactory(note="original")
    stale_form = change_form_data(annotation, note="curator's note")
    # Meanwhile the annotator saves from the workspace.
    annotation.apply_change(annotation.annotator, 1, note="annotator's newer note")

    client.force_login(superuser)
    response = client.post(change_url(annotation), stale_form)
    assert response.status_code == 200
    assert f"changed by {annotation.annotator}" in response.text
    annotation.refresh_from_db()
    assert annotation.note == "annotator's newer note"


def test_annotator_account_cannot_use_the_admin(client):
    client.force_login(UserFactory())
    response = client.get(reverse("admin:annotations_annotation_changelist"))
    assert response.status_code == 302


def test_project_form_picks_transcripts_by_title(client, superuser):
    from ..factories import ProjectFactory, TranscriptWithTurnsFactory

    project, kept, added = (
        ProjectFactory(),
        TranscriptWithTurnsFactory(),
        TranscriptWithTurnsFactory(),
    )
    project.transcripts.add(kept)
    client.force_login(superuser)
    url = reverse("admin:annotations_project_change", args=[project.pk])
    page = client.get(url)
    assert page.context["adminform"].form.initial["transcript_choices"] == [kept.pk]
    inlines = {}
    for prefix in ("memberships", "tags"):
        rows = list(getattr(project, prefix).all())
        inlines |= {f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": len(rows)}
        for n, row in enumerate(rows):
            inlines[f"{prefix}-{n}-id"] = row.pk
            inlines[f"{prefix}-{n}-project"] = project.pk
            for field in ("name", "shortcut", "colour", "position"):
                if hasattr(row, field):
                    inlines[f"{prefix}-{n}-{field}"] = getattr(row, field)
    data = {"slug": project.slug, "name": project.name, "transcript_choices": [kept.pk, added.pk]}
    response = client.post(url, data | inlines)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert set(project.transcripts.all()) == {kept, added}
