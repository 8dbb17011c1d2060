"""Hostile transcript files (issue 9, defect 3): a one-line error naming the file and the line
on the command line, a 422 with the message in the browser, and nothing written either way."""

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from transcripts.models import Passage, Speaker, Transcript, Turn

from ..conftest import HTMX

pytestmark = pytest.mark.django_db

LONG_TEXT = "ANNA: Hello there.\n" + "BEN: More words, said again and again.\n" * 3000

CASES = {
    "NUL early": ("a.txt", b"ANNA: Hel\x00lo.\nBEN: Hi.\n", 1, "NUL character"),
    "NUL past 100,000 characters": (
        "a.txt",
        (LONG_TEXT + "ANNA: a\x00b.\n").encode(),
        LONG_TEXT.count("\n") + 1,
        "NUL character",
    ),
    "speaker an object": (
        "a.json",
        b'[{"speaker": "A", "text": "hi"},\n{"speaker": {"x": 1}, "text": "ho"}]',
        2,
        '"speaker" must be a name or an object with a "name", not an object',
    ),
    "speaker a list": (
        "a.json",
        b'[{"speaker": ["A"], "text": "hi"}]',
        1,
        '"speaker" must be a name or an object with a "name", not a list',
    ),
    "text an object": ("a.json", b'[{"speaker": "A", "text": {"a": 1}}]', 1, '"text" must be'),
    "text a list": ("a.json", b'[{"speaker": "A", "text": ["a"]}]', 1, "not a list"),
    "title a list": (
        "a.json",
        b'{"title": ["x"], "utterances": [{"speaker": "A", "text": "hi"}]}',
        1,
        '"title" must be a string, not a list',
    ),
    "title an object": (
        "a.json",
        b'{"title": {"x": 1}, "utterances": [{"speaker": "A", "text": "hi"}]}',
        1,
        "not an object",
    ),
    "Oyez speaker a list": (
        "a.json",
        b'{"transcript": {"sections": [{"turns": [{"speaker": ["x"], "text_blocks": []}]}]}}',
        1,
        '"speaker" must be an object',
    ),
    "nested 3,000 deep": ("a.json", b"[" * 3000 + b"]" * 3000, 1, "nested too deeply"),
    "nested deep, one line a JSON line": (
        "a.jsonl",
        b'{"speaker": "A", "text": "hi"}\n' + b"[" * 3000 + b"]" * 3000,
        2,
        "nested too deeply",
    ),
    "a 5,001-digit number": (
        "a.json",
        b'[{"speaker": "A",\n"text": "hi", "start": ' + b"9" * 5001 + b"}]",
        2,
        "number too long",
    ),
    "a time that overflows": (
        "a.json",
        b'[{"speaker": "A", "text": "hi", "start": 1e400}]',
        1,
        "a time must be seconds",
    ),
}


def nothing_written():
    return not any(model.objects.exists() for model in (Transcript, Speaker, Turn, Passage))


@pytest.mark.parametrize(("name", "data", "line", "message"), CASES.values(), ids=CASES)
def test_command_prints_one_line_with_file_and_line(tmp_path, name, data, line, message):
    path = tmp_path / name
    path.write_bytes(data)
    err = StringIO()
    with pytest.raises(CommandError, match="1 of 1 files could not be imported"):
        call_command(
            "import_transcript", str(path), "--project", "p", stdout=StringIO(), stderr=err
        )
    assert err.getvalue().startswith(f"{path}:{line}: ")
    assert message in err.getvalue()
    assert err.getvalue().count("\n") == 1
    assert nothing_written()


@pytest.mark.parametrize(("name", "data", "line", "message"), CASES.values(), ids=CASES)
@pytest.mark.parametrize("action", ["preview", "confirm"])
def test_web_import_is_a_422_with_the_message(
    client, owner, project, name, data, line, message, action
):
    client.force_login(owner)
    url = reverse("annotations:transcript_import", args=[project.slug])
    upload = SimpleUploadedFile(name, data)
    response = client.post(url, {"file": upload, "action": action}, headers=HTMX)
    assert response.status_code == 422
    assert f"line {line}: " in response.text
    assert message.replace('"', "&quot;") in response.text
    assert nothing_written()
