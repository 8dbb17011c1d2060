"""Preview → confirm parses once: the confirm imports the parse the preview kept on the server.

The token in the preview is good for one user and one project; anything else (another
member's token, another project's, a stale or forged one) is refused with a message and
writes nothing.
"""

import os
import re
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.urls import reverse

from annotations.models import Membership
from annotations.views import imports
from transcripts import importers
from transcripts.models import Passage, Speaker, Transcript, Turn

from ..conftest import HTMX
from ..factories import ProjectFactory

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[2] / "demo" / "clinton-lavrov-2009-05-07.txt"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
STAGED = re.compile(r'name="staged" value="([^"]+)"')


@pytest.fixture(autouse=True)
def staging_dir(settings, tmp_path):
    settings.IMPORT_STAGING_DIR = tmp_path / "staged"
    return settings.IMPORT_STAGING_DIR


@pytest.fixture
def parser_calls(monkeypatch):
    """Every parse the view or the importer makes, counted (the real parser still runs)."""
    calls = []
    real = importers.parse_transcript

    def counted(data, **options):
        calls.append(options.get("filename"))
        return real(data, **options)

    monkeypatch.setattr(importers, "parse_transcript", counted)
    assert imports.parse is importers.parse  # the view parses through the importer's parse()
    return calls


def url_of(project):
    return reverse("annotations:transcript_import", args=[project.slug])


def preview(client, project, **fields) -> str:
    upload = SimpleUploadedFile(SEED.name, SEED.read_bytes(), content_type="text/plain")
    fields = {"file": upload, "action": "preview", **fields}
    response = client.post(url_of(project), fields, headers=HTMX)
    assert response.status_code == 200
    return STAGED.search(response.text).group(1)


def confirm(client, project, token, **fields):
    fields = {"staged": token, "action": "confirm", **fields}
    return client.post(url_of(project), fields, headers=HTMX)


def row_counts():
    return [model.objects.count() for model in (Transcript, Speaker, Turn, Passage)]


def test_confirm_imports_the_previews_parse_without_parsing_again(
    client, owner, project, parser_calls, staging_dir
):
    client.force_login(owner)
    token = preview(client, project)
    assert parser_calls == [SEED.name]
    # No file in the confirm: what the preview parsed is imported, with the user's edits.
    fields = {"title": "Clinton and Lavrov", "speaker_0": "Hillary Clinton"}
    response = confirm(client, project, token, **fields)
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#import-form"
    assert parser_calls == [SEED.name]  # still the preview's one parse
    transcript = project.transcripts.get()
    assert transcript.title == "Clinton and Lavrov"
    assert transcript.speakers.get(position=0).display_name == "Hillary Clinton"
    assert transcript.passages.count() == 173 and "173 passages" in response.text
    assert transcript.imported_by == owner
    assert not (staging_dir / token).exists()  # used up


def test_a_file_sent_again_with_the_confirm_is_not_parsed(client, owner, project, parser_calls):
    client.force_login(owner)
    token = preview(client, project)
    upload = SimpleUploadedFile("other.txt", b"ANNA: Something else entirely.\nBEN: Yes.")
    response = confirm(client, project, token, file=upload)
    assert response.status_code == 200
    assert parser_calls == [SEED.name]
    assert project.transcripts.get().passages.count() == 173


def test_without_javascript_the_confirm_redirects_to_the_new_transcript(client, owner, project):
    client.force_login(owner)
    token = preview(client, project)
    response = client.post(url_of(project), {"staged": token, "action": "confirm"})
    transcript = project.transcripts.get()
    assert response.status_code == 302
    assert response.url == reverse("annotations:workspace", args=[project.slug, transcript.pk])


@pytest.mark.parametrize("token", ["", "x" * 43, "../../etc/passwd", "a" * 300])
def test_an_unknown_token_says_the_preview_is_gone(client, owner, project, token):
    client.force_login(owner)
    response = confirm(client, project, token or "missing")
    assert response.status_code == 422
    assert "this preview has expired or is not yours" in response.text
    assert row_counts() == [0, 0, 0, 0]


def test_an_expired_preview_says_so_and_is_swept(client, owner, project, settings, staging_dir):
    client.force_login(owner)
    token = preview(client, project)
    old = time.time() - settings.IMPORT_STAGING_SECONDS - 5
    os.utime(staging_dir / token, (old, old))
    response = confirm(client, project, token)
    assert response.status_code == 422
    assert "this preview has expired" in response.text
    assert "Choose the file again" in response.text
    assert row_counts() == [0, 0, 0, 0]
    preview(client, project)  # the next preview clears what expired
    assert not (staging_dir / token).exists()


def test_another_members_token_imports_nothing(client, owner, curator, project):
    client.force_login(owner)
    token = preview(client, project)
    client.force_login(curator)  # same project, another curator
    response = confirm(client, project, token)
    assert response.status_code == 422
    assert "not yours" in response.text
    assert row_counts() == [0, 0, 0, 0]


def test_a_token_cannot_import_into_another_project(client, owner, project):
    elsewhere = ProjectFactory()
    Membership.objects.create(project=elsewhere, user=owner, role=Membership.Role.OWNER)
    client.force_login(owner)
    token = preview(client, project)
    response = confirm(client, elsewhere, token)
    assert response.status_code == 422
    assert row_counts() == [0, 0, 0, 0]
    assert confirm(client, project, token).status_code == 200  # still good where it was made


def test_a_tampered_staged_file_is_refused_unread(client, owner, project, staging_dir):
    client.force_login(owner)
    token = preview(client, project)
    path = staging_dir / token
    content = bytearray(path.read_bytes())
    content[-10] ^= 1
    path.write_bytes(bytes(content))
    response = confirm(client, project, token)
    assert response.status_code == 422
    assert row_counts() == [0, 0, 0, 0]


def test_a_failing_write_says_so_and_leaves_nothing(client, owner, project, monkeypatch):
    client.force_login(owner)
    token = preview(client, project)

    def disk_full(model, fields, rows):
        if model is Passage:  # transcript, speakers and turns are written by then
            raise DatabaseError("disk full")
        insert_rows(model, fields, rows)

    insert_rows = importers.insert_rows
    monkeypatch.setattr(importers, "insert_rows", disk_full)
    response = confirm(client, project, token)
    assert response.status_code == 500  # our fault, logged, and said in the step
    assert 'id="import-step"' in response.text
    assert "the database refused the import, so nothing was saved" in response.text
    assert row_counts() == [0, 0, 0, 0]
    monkeypatch.undo()
    assert confirm(client, project, token).status_code == 200  # the preview is kept: retry
    assert project.transcripts.count() == 1


def test_several_files_are_confirmed_from_the_staged_parse(client, owner, project, parser_calls):
    client.force_login(owner)
    names = ["debate_lines.txt", "podcast.md"]
    files = [SimpleUploadedFile(name, (FIXTURES / name).read_bytes()) for name in names]
    response = client.post(url_of(project), {"file": files, "action": "preview"}, headers=HTMX)
    token = STAGED.search(response.text).group(1)
    response = confirm(client, project, token)
    assert "Imported 2 transcripts" in response.text
    assert parser_calls == names
    assert project.transcripts.count() == 2
