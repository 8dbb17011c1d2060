"""Garbage into every form and HTMX endpoint: a 4xx with a message, never a 500, nothing changed.

The fields come from the pages themselves: every form the sweep's pages render is collected
by its action, so a new form is fed garbage as soon as a page shows it. A table of cases (huge
strings, NUL bytes, negative and overflowing numbers, other projects' ids, missing and repeated
fields, hostile file names) goes into each, as a plain POST and as an HTMX one.
"""

import pytest
from django.apps import apps
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client

from ..conftest import HTMX
from .sweep import APP_ROUTES, build_world, forms_on
from .test_url_sweep import snapshot

pytestmark = pytest.mark.django_db

# Fields every endpoint is tried with, besides those its forms declare.
COMMON_FIELDS = ["start", "end", "tag", "passage", "target", "note", "version", "status", "q"]
HOSTILE_NAMES = [
    "../../../../tmp/parley-pwned.txt",
    "..\\..\\windows\\win.ini",
    "/etc/passwd",
    "nul\x00byte.txt",
    "CON",
    "x" * 1000 + ".txt",
    "ünïcödé ✓.srt",
]


def garbage_cases(world):
    other = world.other
    return {
        "empty": "",
        "huge": "a" * 200_000,
        "nul": "abc\x00def",
        "negative": "-1",
        "overflow": "9" * 30,
        "bigint": str(2**63),
        "float": "1e309",
        "nan": "NaN",
        "fullwidth digits": "１２",
        "html": "<script>alert(1)</script>",
        "sql": "' OR 1=1; DROP TABLE annotations_annotation; --",
        "path": "../../etc/passwd",
        "json": '{"a": [1, 2',
        "other project's passage": str(other["passage"].pk),
        "other project's annotation": str(other["annotation"].pk),
        "other project's tag": str(other["tag"].pk),
        "other project's transcript": str(other["transcript"].pk),
        "unicode": "\u202e\ufeff\U0001f600",
    }


def discover_forms(client, world) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for route in APP_ROUTES:
        path = route.fill(world)
        for headers in [{}, HTMX]:
            response = client.get(path, headers=headers)
            if response.status_code == 200 and "html" in response.get("Content-Type", ""):
                for form in forms_on(response.content.decode(), path):
                    found.setdefault(form.action, set()).update(form.names)
    found.pop("/logout/", None)  # logging out is tried by the sweep
    return found


@pytest.fixture
def world(project, owner, curator, annotator, outsider):
    return build_world(project, owner, curator, annotator, outsider)


@pytest.fixture
def owner_client(world):
    client = Client(raise_request_exception=False)  # a 500 is a result here, not a crash
    client.force_login(world.users["owner"])
    return client


def assert_answered(response, label):
    assert response.status_code < 500, f"{label}: {response.status_code}"
    if 400 <= response.status_code < 500 and response.status_code != 405:
        assert response.content.strip(), f"{label}: a {response.status_code} with no message"


@pytest.mark.parametrize("route", [r for r in APP_ROUTES if r.name != "logout"], ids=lambda r: r.id)
def test_garbage_posts_never_give_a_500(route, world, owner_client):
    path = route.fill(world)
    fields = sorted(discover_forms(owner_client, world).get(path, set()) | set(COMMON_FIELDS))
    fields = [f for f in fields if f != "csrfmiddlewaretoken"]
    for label, value in garbage_cases(world).items():
        for headers in [{}, HTMX]:
            before = snapshot()
            response = owner_client.post(path, dict.fromkeys(fields, value), headers=headers)
            assert_answered(response, f"POST {path} with {label} {headers}")
            if response.status_code >= 400:
                assert snapshot() == before, f"{path}: refused {label} but changed the database"
    for data in [{}, {name: ["1", "2", "x"] for name in fields}]:  # missing / repeated fields
        assert_answered(owner_client.post(path, data), f"POST {path} with {data and 'repeats'}")


@pytest.mark.parametrize("route", APP_ROUTES, ids=lambda r: r.id)
def test_garbage_query_strings_never_give_a_500(route, world, owner_client):
    path = route.fill(world)
    for label, value in garbage_cases(world).items():
        if label == "huge":
            value = value[:4000]  # a URL, not a body
        for headers in [{}, HTMX]:
            params = dict.fromkeys([*COMMON_FIELDS, "page", "next", "sort"], value)
            assert_answered(owner_client.get(path, params, headers=headers), f"GET {path} {label}")


def test_garbage_in_the_url_itself_is_404(world, owner_client):
    for path in [
        f"/p/{world.project.slug}/t/{'9' * 30}/",  # int converter, bigger than any id
        f"/p/{world.project.slug}/t/-1/",
        "/transcripts/99999999999999999999/",
        "/p/" + "x" * 5000 + "/",
    ]:
        response = owner_client.get(path)
        assert response.status_code == 404, path
    # A NUL anywhere is refused before any view (PostgreSQL cannot hold one).
    assert owner_client.get(f"/p/{world.project.slug}%00/").status_code == 400


@pytest.mark.parametrize("route", [r for r in APP_ROUTES if r.name != "logout"], ids=lambda r: r.id)
def test_uploaded_file_names_never_reach_the_file_system(route, world, owner_client, monkeypatch):
    """Every endpoint gets files with hostile names; none may be saved through a storage."""
    saved = []
    monkeypatch.setattr(
        FileSystemStorage, "_save", lambda self, name, content: saved.append(name) or name
    )
    path = route.fill(world)
    fields = discover_forms(owner_client, world).get(path, set()) | {"file", "upload"}
    for name in HOSTILE_NAMES:
        files = {f: SimpleUploadedFile(name, b"SECRETARY CLINTON: Hello.\n") for f in fields}
        response = owner_client.post(path, files)
        assert_answered(response, f"upload {name!r} to {path}")
    assert saved == []


def test_no_model_stores_files_on_disk():
    """Uploads are data in the database: with no FileField, no upload name can become a path."""
    file_fields = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    ]
    assert file_fields == []


def test_request_bodies_are_bounded(settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 64 * 1024 * 1024
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 64 * 1024 * 1024
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS <= 10_000


def test_the_sweep_really_finds_forms(world, owner_client):
    """Guard for the guard: the login-protected pages' forms are discovered."""
    forms = discover_forms(owner_client, world)
    delete = f"/p/{world.project.slug}/delete/"
    assert forms[delete] >= {"confirm", "csrfmiddlewaretoken"}
    assert forms[f"/p/{world.project.slug}/t/{world.transcript.pk}/delete/"] >= {"confirm"}
