"""Import failures roll back completely: a fault half-way through the writes leaves nothing.

The fault is injected where it hurts most: the first half of a bulk insert has gone to the
database when the error comes, as when a disk fills or a connection drops mid-statement.
Exports only read: a failing export has nothing to roll back (the export's own tests cover its
streams).
"""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import DatabaseError
from django.db.models import QuerySet
from django.test import Client
from django.urls import reverse

from annotations.importers import writing as annotation_writes
from annotations.models import Annotation, AnnotationEvent, Tag
from transcripts import importers
from transcripts.models import Passage, Speaker, Transcript, Turn

from ..factories import AnnotationFactory, ProjectFactory, TranscriptWithTurnsFactory

pytestmark = pytest.mark.django_db
SEED = Path(__file__).resolve().parents[2] / "demo" / "clinton-lavrov-2009-05-07.txt"


def fail_half_way(monkeypatch, model, method="bulk_create"):
    real = getattr(QuerySet, method)

    def half(self, objs, *args, **kwargs):
        if self.model is not model:
            return real(self, objs, *args, **kwargs)
        objs = list(objs)
        real(self, objs[: len(objs) // 2], *args, **kwargs)
        raise DatabaseError(f"injected: {model.__name__} {method} failed half-way")

    monkeypatch.setattr(QuerySet, method, half)


def insert_half_way(monkeypatch, model, module=importers):
    """Turns and passages (and imported annotations and their events) go in as plain rows
    (transcripts.bulk): fail there, half written."""
    real = module.insert_rows

    def half(into, fields, rows):
        if into is not model:
            return real(into, fields, rows)
        real(into, fields, rows[: len(rows) // 2])
        raise DatabaseError(f"injected: {model.__name__} rows failed half-way")

    monkeypatch.setattr(module, "insert_rows", half)


def source_rows():
    return [m.objects.count() for m in (Transcript, Speaker, Turn, Passage)]


@pytest.mark.parametrize("model", [Passage, Turn, Transcript.projects.through])
def test_upload_failing_half_way_leaves_nothing(owner, project, monkeypatch, model):
    client = Client(raise_request_exception=False)
    client.force_login(owner)
    url = reverse("annotations:transcript_import", args=[project.slug])
    text = SEED.read_text()
    preview = client.post(url, {"text": text})
    assert preview.status_code == 200
    before = source_rows()

    if model in (Passage, Turn):
        insert_half_way(monkeypatch, model)
    else:
        fail_half_way(monkeypatch, model)
    confirm = {"staged": preview.context["staged"], "action": "confirm"}
    response = client.post(url, confirm)
    assert response.status_code == 500  # a fault of ours, logged; not the user's input
    assert "nothing was saved" in response.text
    monkeypatch.undo()
    assert source_rows() == before
    assert not project.transcripts.exists()


def test_annotation_import_failing_half_way_leaves_nothing(
    project, transcript, annotator, tmp_path, monkeypatch
):
    tag = project.tags.first()
    for passage in transcript.passages.speech():
        AnnotationFactory(passage=passage, tag=tag, annotator=annotator, note="from the file")
    path = tmp_path / "export.csv"
    call_command("export_annotations", "--project", project.slug, "--output", str(path))

    fresh = ProjectFactory()
    fresh.transcripts.add(
        TranscriptWithTurnsFactory(original_text=transcript.original_text, title=transcript.title)
    )
    Tag.objects.filter(project=fresh).delete()  # so the import must create tags too
    before = (Annotation.objects.count(), Tag.objects.count())
    # Each bulk write of the import: the annotations, then their history events.
    for model in [Annotation, AnnotationEvent]:
        insert_half_way(monkeypatch, model, annotation_writes)
        with pytest.raises(DatabaseError, match="half-way"):
            call_command("import_annotations", str(path), "--project", fresh.slug, "--create-tags")
        monkeypatch.undo()
        assert (Annotation.objects.count(), Tag.objects.count()) == before
        assert not AnnotationEvent.objects.filter(project=fresh).exists()
    # Without the fault the same file imports: the test above was not vacuous.
    call_command("import_annotations", str(path), "--project", fresh.slug, "--create-tags")
    assert Annotation.objects.in_project(fresh).count() == transcript.passages.speech().count()
