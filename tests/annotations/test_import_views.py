from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from transcripts.importers import content_hash
from transcripts.models import Transcript
from transcripts.parsing import parse_transcript

from ..conftest import HTMX

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[2] / "demo" / "clinton-lavrov-2009-05-07.txt"


@pytest.fixture
def url(project):
    return reverse("annotations:transcript_import", args=[project.slug])


def seed_file():
    return SimpleUploadedFile(SEED.name, SEED.read_bytes(), content_type="text/plain")


def test_owner_sees_the_form_and_the_project_page_links_to_it(client, owner, project, url):
    client.force_login(owner)
    assert url in client.get(project.get_absolute_url()).text
    response = client.get(url)
    assert response.status_code == 200
    assert 'id="import-form"' in response.text and 'hx-post="' + url in response.text


def test_preview_is_a_fragment_with_what_was_detected(client, curator, url):
    client.force_login(curator)
    response = client.post(url, {"file": seed_file(), "action": "preview"}, headers=HTMX)
    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'id="import-step"' in response.text
    assert 'value="Clinton / Lavrov press conference, 7 May 2009"' in response.text
    assert 'value="2009-05-07"' in response.text
    assert "FOREIGN MINISTER LAVROV" in response.text and 'name="speaker_3"' in response.text
    assert "Left out before the first turn (lines 1–17)" in response.text
    assert Transcript.objects.count() == 0
    assert "HX-Request" in response["Vary"]


def test_confirm_imports_with_the_users_fixes(client, owner, project, url):
    client.force_login(owner)
    digest = content_hash(SEED.read_text())
    fields = {
        "file": seed_file(),
        "action": "confirm",
        "content_hash": digest,
        "title": "Clinton and Lavrov",
        "date": "2009-05-07",
        "speaker_0": "Hillary Clinton",
    }
    response = client.post(url, fields, headers=HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#import-form"
    transcript = project.transcripts.get()
    assert transcript.title == "Clinton and Lavrov"
    assert transcript.imported_by == owner
    assert transcript.speakers.get(position=0).display_name == "Hillary Clinton"
    workspace = reverse("annotations:workspace", args=[project.slug, transcript.pk])
    assert workspace in response.text and "173 passages" in response.text


def test_confirm_after_the_text_changed_shows_the_preview_again(client, owner, project, url):
    client.force_login(owner)
    fields = {"text": "ANNA: Hello.\nBEN: Hi.", "action": "confirm", "content_hash": "stale"}
    response = client.post(url, fields, headers=HTMX)
    assert "The text changed since the preview" in response.text
    assert not project.transcripts.exists()


def test_the_same_text_twice_is_flagged_not_duplicated(client, owner, project, url):
    client.force_login(owner)
    text = "ANNA: Hello.\nBEN: Hi."
    fields = {"text": text, "action": "confirm", "content_hash": content_hash(text)}
    client.post(url, fields, headers=HTMX)
    response = client.post(url, fields, headers=HTMX)
    assert "already in the project" in response.text
    assert project.transcripts.count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "Choose a file or paste the transcript"),
        ({"text": "A: x", "file": SimpleUploadedFile("a.txt", b"B: y")}, "not both"),
        ({"file": SimpleUploadedFile("a.csv", b"speaker,text\nA,hi\nB\n")}, "line 3: row has 1"),
        ({"file": SimpleUploadedFile("a.bin", b"\x89PNG\r\n\x1a\n\x00\x00")}, "PNG image"),
        ({"file": SimpleUploadedFile("empty.txt", b"")}, "Choose a file or paste"),
    ],
)
def test_bad_input_is_a_422_with_the_message_in_the_step(client, owner, url, fields, message):
    client.force_login(owner)
    response = client.post(url, {**fields, "action": "preview"}, headers=HTMX)
    assert response.status_code == 422
    assert message in response.text
    assert Transcript.objects.count() == 0


def test_file_over_the_limit(client, owner, url, settings):
    settings.TRANSCRIPT_MAX_BYTES = 1024
    client.force_login(owner)
    upload = SimpleUploadedFile("big.txt", b"A: " + b"word " * 1000)
    response = client.post(url, {"file": upload}, headers=HTMX)
    assert "over the 1 KB limit" in response.text


def test_no_speakers_offers_a_monologue(client, owner, project, url):
    client.force_login(owner)
    text = "Four score and seven years ago. Our fathers brought forth."
    response = client.post(url, {"text": text}, headers=HTMX)
    assert "no speaker labels found" in response.text
    assert 'name="monologue_speaker"' in response.text
    response = client.post(url, {"text": text, "monologue_speaker": "LINCOLN"}, headers=HTMX)
    assert "LINCOLN" in response.text and 'name="content_hash"' in response.text


def test_without_javascript_preview_keeps_the_text_and_confirm_redirects(
    client, owner, project, url
):
    client.force_login(owner)
    response = client.post(url, {"file": seed_file(), "action": "preview"})
    assert "<html" in response.text
    assert "Remarks With Russian Foreign Minister" in response.text  # the file's text, carried
    fields = {
        "text": SEED.read_text(),
        "filename": SEED.name,
        "action": "confirm",
        "content_hash": content_hash(SEED.read_text()),
    }
    response = client.post(url, fields)
    transcript = project.transcripts.get()
    assert response.status_code == 302
    assert response.url == reverse("annotations:workspace", args=[project.slug, transcript.pk])


def test_annotator_may_not_import(client, annotator, project, url):
    client.force_login(annotator)
    assert url not in client.get(project.get_absolute_url()).text
    assert client.get(url).status_code == 403
    assert client.post(url, {"text": "A: hi"}, headers=HTMX).status_code == 403


def test_outsider_gets_404(client, outsider, url):
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.post(url, {"text": "A: hi"}).status_code == 404


def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.binary(max_size=300) | st.text(max_size=300).map(str.encode),
    name=st.sampled_from(["x.txt", "x.csv", "x.json", "x.srt", "x.vtt", "x.html", "x"]),
    action=st.sampled_from(["preview", "confirm"]),
)
def test_garbage_uploads_never_fail_the_page(client, owner, url, data, name, action):
    client.force_login(owner)
    upload = SimpleUploadedFile(name, data)
    response = client.post(url, {"file": upload, "action": action}, headers=HTMX)
    assert response.status_code in {200, 422}
    assert 'id="import-step"' in response.text or 'id="import-form"' in response.text


def test_the_log_line_of_a_browser_upload_names_the_file(client, owner, project, url, caplog):
    client.force_login(owner)
    fields = {
        "file": seed_file(),
        "action": "confirm",
        "content_hash": content_hash(SEED.read_text()),
    }
    with caplog.at_level("INFO", logger="transcripts.importers"):
        client.post(url, fields, headers=HTMX)
    assert any(f"imported {SEED.name!r} as transcript" in line for line in caplog.messages)


CLOSE_SHAPES = "\n".join(["ANNA: Yes.", "BEN — No.", "CARL: Maybe.", "DORA — Never."] * 3)


def test_preview_says_the_speaker_pattern_and_switches_with_one_click(client, owner, project, url):
    client.force_login(owner)
    response = client.post(url, {"text": CLOSE_SHAPES, "action": "preview"}, headers=HTMX)
    assert "Speakers found as <code>NAME: text</code>, e.g. line 1: ANNA: Yes." in response.text
    assert 'name="speaker_pattern" value="dash"' in response.text
    response = client.post(url, {"text": CLOSE_SHAPES, "speaker_pattern": "dash"}, headers=HTMX)
    assert "<code>NAME — text</code>" in response.text
    assert 'aria-label="Display name for BEN"' in response.text
    assert 'aria-label="Display name for ANNA"' not in response.text
    fields = {
        "text": CLOSE_SHAPES,
        "speaker_pattern": "dash",
        "action": "confirm",
        "content_hash": content_hash(CLOSE_SHAPES),
    }
    client.post(url, fields, headers=HTMX)
    transcript = project.transcripts.get()
    assert list(transcript.speakers.values_list("label", flat=True)) == ["BEN", "DORA"]


DEBATE = (Path(__file__).resolve().parents[1] / "fixtures" / "debate_lines.txt").read_text()


def test_unlabelled_lines_can_be_left_out_or_given_to_a_speaker(client, owner, project, url):
    client.force_login(owner)
    response = client.post(url, {"text": DEBATE, "action": "preview"}, headers=HTMX)
    assert 'id="unlabelled-lines"' in response.text
    assert '<select name="line_6" aria-label="Line 6">' in response.text
    assert "Keep in BAKER's turn" in response.text
    fixes = {"line_6": "drop", "line_5": "to:HOLT"}
    response = client.post(url, {"text": DEBATE, **fixes}, headers=HTMX)
    assert '<option value="drop" selected>' in response.text  # the choice stays offered
    assert '<option value="to:HOLT" selected>' in response.text
    fields = {"text": DEBATE, **fixes, "action": "confirm", "content_hash": content_hash(DEBATE)}
    client.post(url, fields, headers=HTMX)
    transcript = project.transcripts.get()
    said = list(transcript.passages.values_list("text", flat=True))
    assert not any("Live Analysis" in text for text in said)
    assert "Live Analysis" in transcript.original_text  # the source keeps it
    moved = transcript.passages.get(text__startswith="When I hear something like that")
    assert moved.turn.speaker.label == "HOLT"


def fixture_upload(name):
    return SimpleUploadedFile(name, (FIXTURES / name).read_bytes())


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BATCH = ["debate_lines.txt", "podcast.md", "parlparse_debate.xml"]


def test_several_files_are_previewed_then_imported_together(client, owner, project, url, caplog):
    client.force_login(owner)
    files = [fixture_upload(name) for name in BATCH]
    response = client.post(url, {"file": files, "action": "preview"}, headers=HTMX)
    assert response.status_code == 200
    assert "Preview of 3 files" in response.text
    assert response.text.count('name="content_hash"') == 3
    assert "read as PARLPARSE" in response.text and "read as MARKDOWN" in response.text
    assert not project.transcripts.exists()
    hashes = [content_hash(parse_transcript((FIXTURES / n).read_bytes()).text) for n in BATCH]
    fields = {
        "file": [fixture_upload(n) for n in BATCH],
        "action": "confirm",
        "content_hash": hashes,
    }
    with caplog.at_level("INFO", logger="transcripts.importers"):
        response = client.post(url, fields, headers=HTMX)
    assert "Imported 3 transcripts" in response.text
    assert project.transcripts.count() == 3
    assert all(any(repr(name) in line for line in caplog.messages) for name in BATCH)


def test_one_unreadable_file_stops_the_batch_with_a_422(client, owner, project, url):
    client.force_login(owner)
    files = [fixture_upload("debate_lines.txt"), SimpleUploadedFile("bad.json", b"[" * 3000)]
    response = client.post(url, {"file": files, "action": "confirm"}, headers=HTMX)
    assert response.status_code == 422
    assert "bad.json" in response.text and "nested too deeply" in response.text
    assert 'value="confirm"' not in response.text
    assert not Transcript.objects.exists()
