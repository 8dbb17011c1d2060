"""The Agreement page: curators see the figures, pseudonymised on request; annotators do not."""

import pytest
from django.urls import reverse
from django.utils import timezone

from ..factories import AnnotationFactory, ProgressFactory, TranscriptWithTurnsFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coded(project, transcript, annotator, curator):
    """Two coders who agree on one Claim and differ on another passage; both marked done."""
    claim = project.tags.get(name="Claim")
    speech = list(transcript.passages.speech())
    for user in (annotator, curator):
        AnnotationFactory(passage=speech[0], tag=claim, annotator=user)
        ProgressFactory(project=project, transcript=transcript, user=user, done_at=timezone.now())
    AnnotationFactory(passage=speech[1], tag=claim, annotator=annotator)
    return project


def test_curator_sees_alpha_kappa_and_f1_per_tag(client, coded, curator, annotator):
    client.force_login(curator)
    url = reverse("annotations:project_agreement", args=[coded.slug])
    page = client.get(url)
    assert page.status_code == 200
    assert "<h2>Claim</h2>" in page.text and "2 coders" in page.text
    assert f"{annotator.username} · {curator.username}" in page.text or (
        f"{curator.username} · {annotator.username}" in page.text
    )
    assert "undefined" in page.text  # Disagreement: nobody used it, and the page says so
    anonymous = client.get(url, {"anonymise": "1"})
    assert "Annotator 1 · Annotator 2" in anonymous.text
    assert annotator.username not in anonymous.text.split("<h1>", 1)[1]


def test_annotators_cannot_see_the_figures(client, coded, annotator):
    client.force_login(annotator)
    url = reverse("annotations:project_agreement", args=[coded.slug])
    assert client.get(url).status_code == 403


def test_the_page_makes_a_fixed_number_of_queries(
    client, coded, curator, transcript, django_assert_max_num_queries
):
    client.force_login(curator)
    url = reverse("annotations:project_agreement", args=[coded.slug])
    with django_assert_max_num_queries(12):
        client.get(url)


def test_filters_by_tag_and_transcript(client, coded, curator, transcript):
    client.force_login(curator)
    url = reverse("annotations:project_agreement", args=[coded.slug])
    everything = client.get(url)
    assert "<h2>Claim</h2>" in everything.text and "<h2>Disagreement</h2>" in everything.text
    claim_only = client.get(url, {"tag": "Claim"})
    assert "<h2>Claim</h2>" in claim_only.text and "<h2>Disagreement</h2>" not in claim_only.text
    assert '<option value="Claim" selected>' in claim_only.text
    other = TranscriptWithTurnsFactory()
    coded.transcripts.add(other)
    one = client.get(url, {"transcript": transcript.pk})
    assert f'<option value="{transcript.pk}" selected>' in one.text
    assert one.context["report"].transcripts.keys() == {transcript.pk}


@pytest.mark.parametrize(
    "query", [{"tag": "No such tag"}, {"transcript": "999999"}, {"transcript": "x"}]
)
def test_a_filter_naming_nothing_of_the_project_shows_everything(client, coded, curator, query):
    client.force_login(curator)
    url = reverse("annotations:project_agreement", args=[coded.slug])
    page = client.get(url, query)
    assert page.status_code == 200
    assert "<h2>Claim</h2>" in page.text and "<h2>Disagreement</h2>" in page.text
