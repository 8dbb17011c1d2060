"""The export page: the form, the streamed download, permissions and blind mode."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations.export import LONG_COLUMNS

from ..factories import AnnotationFactory, TranscriptWithTurnsFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def url(project):
    return reverse("annotations:project_export", args=[project.slug])


def download(response) -> list[dict[str, str]]:
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_member_sees_the_form(client, annotator, url, tagged):
    client.force_login(annotator)
    response = client.get(url)
    assert response.status_code == 200
    assert b"Export annotations" in response.content
    assert b'name="format"' in response.content
    assert b"2 annotations in" in response.content


def test_the_form_counts_on_the_tag_ids_not_through_a_join(client, annotator, url, tagged, project):
    """A COUNT joined to the tags read the whole annotation table on PostgreSQL."""
    other = AnnotationFactory()  # another project's: not counted
    client.force_login(annotator)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert b"2 annotations in" in response.content and other.tag.project != project
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
    assert len(counts) == 1 and "JOIN" not in counts[0]


def test_project_page_links_to_export(client, owner, project, url):
    client.force_login(owner)
    assert url.encode() in client.get(project.get_absolute_url()).content


def test_download_streams_the_long_csv(client, owner, url, tagged, project):
    client.force_login(owner)
    response = client.get(url, {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    disposition = f'attachment; filename="{project.slug}-annotations.csv"'
    assert response["Content-Disposition"] == disposition
    rows = download(response)
    assert list(rows[0])[: len(LONG_COLUMNS)] == LONG_COLUMNS
    assert [r["tag"] for r in rows] == ["Claim", "Disagreement"]


def test_download_applies_the_form_filters(client, owner, url, tagged, tags, curator):
    client.force_login(owner)
    response = client.get(url, {"format": "csv", "tags": [tags["Claim"].pk]})
    assert [r["tag"] for r in download(response)] == ["Claim"]
    response = client.get(url, {"format": "csv", "annotators": [curator.username]})
    assert [r["annotator"] for r in download(response)] == [curator.username]
    response = client.get(url, {"format": "csv", "gold_only": "on"})
    gold = download(response)
    assert [(r["origin"], r["sources"]) for r in gold] == [("accepted", curator.username)]
    assert response["Content-Disposition"].endswith('-gold.csv"')


def test_excel_download_starts_with_a_bom(client, owner, url, tagged):
    client.force_login(owner)
    response = client.get(url, {"format": "wide-csv", "excel": "on"})
    assert b"".join(response.streaming_content).startswith(b"\xef\xbb\xbfproject,")


def test_jsonl_download(client, owner, url, tagged, project):
    client.force_login(owner)
    response = client.get(url, {"format": "jsonl"})
    assert response["Content-Type"].startswith("application/x-ndjson")
    assert len(b"".join(response.streaming_content).splitlines()) == 2


def test_bad_choices_are_a_400_with_the_form(client, owner, url):
    client.force_login(owner)
    response = client.get(url, {"format": "xlsx"})
    assert response.status_code == 400
    assert b"Select a valid choice" in response.content
    response = client.get(url, {"format": "jsonl", "excel": "on"})
    assert response.status_code == 400
    assert b"byte-order mark is for CSV" in response.content


def test_transcript_of_another_project_is_refused(client, owner, url):
    client.force_login(owner)
    response = client.get(url, {"format": "csv", "transcripts": [TranscriptWithTurnsFactory().pk]})
    assert response.status_code == 400


def test_blind_annotator_downloads_only_their_own(client, annotator, url, tagged, project):
    project.blind = True
    project.save()
    client.force_login(annotator)
    page = client.get(url)
    assert b"you export only your own" in page.content
    rows = download(client.get(url, {"format": "csv"}))
    assert [r["annotator"] for r in rows] == [annotator.username]


def test_blind_annotator_cannot_pick_someone_else(client, annotator, curator, url, project):
    project.blind = True
    project.save()
    client.force_login(annotator)
    assert curator.username.encode() not in client.get(url).content
    response = client.get(url, {"format": "csv", "annotators": [curator.username]})
    assert response.status_code == 400


def test_outsider_gets_404(client, outsider, url):
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.get(url, {"format": "csv"}).status_code == 404


def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url, {"format": "csv"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
