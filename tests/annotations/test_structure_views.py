"""The structure editor page and its edits: curators and owners only, htmx fragments, refusals."""

import pytest
from django.urls import reverse

from annotations.models import StructureChange
from transcripts.models import Passage, Speaker

from ..conftest import HTMX
from ..factories import AnnotationFactory
from .test_annotating import messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def url(project, transcript):
    return reverse("annotations:structure_editor", args=[project.slug, transcript.pk])


def passage(transcript, position):
    return transcript.passages.get(position=position)


@pytest.mark.parametrize("persona", ["owner", "curator"])
def test_curators_and_owners_see_the_editor(client, request, url, persona, transcript):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(url)
    assert response.status_code == 200
    assert b"Fix the structure" in response.content
    assert b"Undo last structure change" in response.content
    assert b"FOREIGN MINISTER LAVROV" in response.content


def test_annotator_is_refused_and_sees_no_link(client, annotator, url, project, transcript):
    client.force_login(annotator)
    assert client.get(url).status_code == 403
    data = {"action": "mark_stage", "passage": passage(transcript, 0).pk}
    assert client.post(url, data, headers=HTMX).status_code == 403
    assert passage(transcript, 0).kind == Passage.Kind.SPEECH
    workspace = reverse("annotations:workspace", args=[project.slug, transcript.pk])
    assert b"Fix structure" not in client.get(workspace).content


def test_curator_has_the_link_in_the_workspace(client, curator, project, transcript, url):
    client.force_login(curator)
    workspace = reverse("annotations:workspace", args=[project.slug, transcript.pk])
    assert url.encode() in client.get(workspace).content


def test_outsider_gets_404(client, outsider, url):
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "undo"}).status_code == 404


def test_anonymous_goes_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response["Location"]


def test_passage_tools_open_as_a_fragment(client, curator, url, transcript):
    client.force_login(curator)
    target = passage(transcript, 4)
    response = client.get(url, {"passage": target.pk}, headers=HTMX)
    assert b"<html" not in response.content
    assert f'id="tools-{target.pk}"'.encode() in response.content
    assert b"Split passage" in response.content


def test_htmx_edit_answers_with_the_editor_and_a_message(client, curator, url, transcript):
    client.force_login(curator)
    headline = passage(transcript, 1)
    data = {"action": "mark_stage", "passage": headline.pk}
    response = client.post(url, data, headers=HTMX)
    assert response.status_code == 200
    assert b"<html" not in response.content and b'id="structure"' in response.content
    assert "as not spoken" in messages_of(response)
    assert "structure-changed" in response["HX-Trigger"]
    headline.refresh_from_db()
    assert headline.kind == Passage.Kind.STAGE
    response = client.post(url, {"action": "undo"}, headers=HTMX)
    assert "Undone: Marked" in messages_of(response)
    headline.refresh_from_db()
    assert headline.kind == Passage.Kind.SPEECH


def test_split_reports_the_cut_annotation(client, curator, url, project, transcript):
    client.force_login(curator)
    target = passage(transcript, 4)  # "We disagree on Georgia."
    AnnotationFactory(passage=target, tag=project.tags.get(shortcut="c"), start=3, end=18)
    data = {"action": "split_passage", "passage": target.pk, "at": 12}
    response = client.post(url, data, headers=HTMX)
    assert response.status_code == 200
    assert "kept on the first half" in messages_of(response)


def test_refusal_is_422_with_the_reason_and_changes_nothing(client, curator, url, transcript):
    client.force_login(curator)
    last = passage(transcript, 1)  # the last passage of Clinton's turn
    response = client.post(url, {"action": "merge_passage", "passage": last.pk}, headers=HTMX)
    assert response.status_code == 422
    assert "merge the turns first" in messages_of(response)
    assert not StructureChange.objects.exists()
    response = client.post(url, {"action": "undo"}, headers=HTMX)
    assert response.status_code == 422
    assert "No structure change to undo" in messages_of(response)


def test_bad_split_place_is_refused(client, curator, url, transcript):
    client.force_login(curator)
    data = {"action": "split_passage", "passage": passage(transcript, 4).pk, "at": "x"}
    response = client.post(url, data, headers=HTMX)
    assert response.status_code == 422 and "Split inside the passage" in messages_of(response)


def test_a_passage_of_another_transcript_is_404(client, curator, url):
    from ..factories import TranscriptWithTurnsFactory

    elsewhere = TranscriptWithTurnsFactory().passages.first()
    client.force_login(curator)
    data = {"action": "mark_stage", "passage": elsewhere.pk}
    assert client.post(url, data, headers=HTMX).status_code == 404


def test_without_js_edits_redirect_back(client, owner, url, transcript):
    client.force_login(owner)
    question = Speaker.objects.get(transcript=transcript, label="QUESTION")
    data = {"action": "rename_speaker", "speaker": question.pk, "name": "Reporter", "from": "0"}
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == url
    page = client.get(url)
    assert "Renamed QUESTION to Reporter." in page.text


def test_unknown_action_is_400(client, curator, url):
    client.force_login(curator)
    assert client.post(url, {"action": "explode"}, headers=HTMX).status_code == 400


def test_workspace_shows_imported_speaker_roles(client, annotator, project, transcript):
    Speaker.objects.filter(transcript=transcript, label="QUESTION").update(role="Advocate")
    client.force_login(annotator)
    workspace = reverse("annotations:workspace", args=[project.slug, transcript.pk])
    assert '<span class="role">Advocate</span>' in client.get(workspace).text
