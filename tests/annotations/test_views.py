import re

import pytest
from django.urls import reverse

from ..conftest import HTMX
from ..factories import AnnotationFactory, TranscriptWithTurnsFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def workspace_url(project, transcript):
    return reverse("annotations:workspace", args=[project.slug, transcript.pk])


def test_anonymous_is_sent_to_login(client, project):
    for url in [reverse("annotations:project_list"), project.get_absolute_url()]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_project_list_shows_my_projects_only(client, annotator, project, outsider):
    client.force_login(annotator)
    response = client.get(reverse("annotations:project_list"))
    assert response.status_code == 200
    assert list(response.context["projects"]) == [project]


def test_project_detail_lists_transcripts(client, annotator, project, transcript):
    client.force_login(annotator)
    response = client.get(project.get_absolute_url())
    assert response.status_code == 200
    assert transcript.title in response.text
    assert "Disagreement" in response.text


def test_outsider_gets_404(client, outsider, project, workspace_url):
    client.force_login(outsider)
    assert client.get(project.get_absolute_url()).status_code == 404
    assert client.get(workspace_url).status_code == 404


def test_transcript_of_another_project_is_404(client, annotator, project):
    other = TranscriptWithTurnsFactory()
    client.force_login(annotator)
    url = reverse("annotations:workspace", args=[project.slug, other.pk])
    assert client.get(url).status_code == 404


def test_workspace_shows_turns_and_passages(client, annotator, transcript, workspace_url):
    client.force_login(annotator)
    response = client.get(workspace_url)
    assert response.status_code == 200
    for passage in transcript.passages.all():
        assert f'data-passage-id="{passage.pk}"' in response.text
    assert "FOREIGN MINISTER LAVROV" in response.text
    assert "interpreted" in response.text


def test_workspace_queries_do_not_grow_with_transcript(
    client, annotator, project, django_assert_max_num_queries
):
    client.force_login(annotator)
    big = TranscriptWithTurnsFactory()
    for _ in range(3):
        TranscriptWithTurnsFactory()
    project.transcripts.add(big)
    # The workspace adds tags, speakers, progress, the side panel, two annotation prefetches and
    # the undo watermark; test_workspace.py checks the bound holds for a long, heavily tagged
    # transcript too.
    with django_assert_max_num_queries(17):
        client.get(reverse("annotations:workspace", args=[project.slug, big.pk]))


def test_pages_load_htmx_without_a_cdn(client, annotator):
    client.force_login(annotator)
    response = client.get(reverse("annotations:project_list"), headers=HTMX)
    assert "htmx" in response.text
    # No script from another host (a bare "cdn" test failed whenever a random nonce held it).
    assert "unpkg.com" not in response.text and "jsdelivr" not in response.text
    assert not re.search(r'<script[^>]+src="(https?:)?//', response.text)


def test_project_detail_counts_my_annotations_per_transcript(
    client, annotator, curator, project, transcript
):
    passage = transcript.passages.first()
    claim = project.tags.get(shortcut="c")
    AnnotationFactory(passage=passage, tag=claim, annotator=annotator)
    AnnotationFactory(passage=passage, tag=claim, annotator=annotator, start=0, end=4)
    AnnotationFactory(passage=passage, tag=claim, annotator=curator)
    AnnotationFactory(passage=passage, annotator=annotator)  # a tag of another project
    client.force_login(annotator)
    response = client.get(project.get_absolute_url())
    assert [t.my_annotation_count for t in response.context["transcripts"]] == [2]


def test_only_owners_see_the_delete_links(client, owner, annotator, project, transcript):
    client.force_login(annotator)
    assert "Delete this project" not in client.get(project.get_absolute_url()).text
    client.force_login(owner)
    page = client.get(project.get_absolute_url()).text
    assert "Delete this project" in page
    assert reverse("annotations:transcript_delete", args=[project.slug, transcript.pk]) in page
