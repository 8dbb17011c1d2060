import pytest

from ..factories import TranscriptWithTurnsFactory

pytestmark = pytest.mark.django_db


def test_member_sees_read_only_transcript(client, annotator, transcript):
    client.force_login(annotator)
    response = client.get(transcript.get_absolute_url())
    assert response.status_code == 200
    assert response.text.count("data-passage-id=") == transcript.passages.count()
    assert "(Laughter.)" in response.text


def test_outsider_gets_404(client, outsider, transcript):
    client.force_login(outsider)
    assert client.get(transcript.get_absolute_url()).status_code == 404


def test_transcript_in_no_project_is_404(client, annotator):
    orphan = TranscriptWithTurnsFactory()
    client.force_login(annotator)
    assert client.get(orphan.get_absolute_url()).status_code == 404


def test_anonymous_is_sent_to_login(client, transcript):
    response = client.get(transcript.get_absolute_url())
    assert response.status_code == 302
    assert "/login/" in response.url
