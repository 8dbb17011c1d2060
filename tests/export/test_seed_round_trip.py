"""The issue's "done when": the tagged seed transcript exports the same from the page, the admin
and the command, reads cleanly with `csv`, and re-imports into a fresh project losing nothing."""

import csv
import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from annotations.models import Annotation

from ..factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db
SEED = settings.BASE_DIR / "demo" / "clinton-lavrov-2009-05-07.txt"
IDS = {"annotation_id", "project", "transcript_id", "passage_id", "target_annotation_id"}


@pytest.fixture
def seed_project(project, owner, curator):
    transcript = project.import_transcript(SEED.read_bytes(), filename=SEED.name).transcript
    tags = {tag.name: tag for tag in project.tags.all()}
    speech = list(transcript.passages.speech().order_by("position")[:30])
    claims = {}
    for index, passage in enumerate(speech):
        name = ["Claim", "Commitment", "Disagreement"][index % 3]
        target = claims.get(index - 2) if name == "Disagreement" else None
        annotation = Annotation.objects.create(
            passage=passage,
            tag=tags[name],
            annotator=[owner, curator][index % 2],
            start=0 if index % 4 == 0 else None,
            end=5 if index % 4 == 0 else None,
            quote=passage.text[:5] if index % 4 == 0 else passage.text,
            target=target,
            target_passage=target.passage if target else None,
            note='=2+2, "quoted"\nline two' if index == 0 else "",
            status=["submitted", "accepted"][index % 2],
            attributes={"type": "policy"} if name == "Claim" else {},
        )
        claims[index] = annotation
    return project


def test_seed_exports_alike_everywhere_and_comes_back_whole(client, seed_project, owner, tmp_path):
    out = io.StringIO()
    call_command("export_annotations", "--project", seed_project.slug, stdout=out)
    command = out.getvalue().encode()
    client.force_login(owner)
    url = reverse("annotations:project_export", args=[seed_project.slug])
    page = b"".join(client.get(url, {"format": "csv"}).streaming_content)
    admin = UserFactory(username="seed-admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    selected = list(Annotation.objects.values_list("pk", flat=True))
    response = client.post(
        reverse("admin:annotations_annotation_changelist"),
        {"action": "export_selected_csv", "_selected_action": selected},
    )
    assert page == command == b"".join(response.streaming_content)

    exported = list(csv.DictReader(io.StringIO(command.decode(), newline="")))
    assert len(exported) == 30
    assert exported[0]["note"] == '\'=2+2, "quoted"\nline two'

    fresh = ProjectFactory()
    fresh.import_transcript(SEED.read_bytes(), filename=SEED.name)  # its own copy of the text
    path = tmp_path / "seed-export.csv"
    path.write_bytes(command)
    call_command("import_annotations", str(path), "--project", fresh.slug, stdout=io.StringIO())
    out = io.StringIO()
    call_command("export_annotations", "--project", fresh.slug, stdout=out)
    again = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))

    def content(row):
        return {k: v for k, v in row.items() if k not in IDS}

    assert [content(r) for r in again] == [content(r) for r in exported]
    relinked = [r for r in again if r["target_annotation_id"]]
    assert relinked
    assert {r["target_annotation_id"] for r in relinked} <= {r["annotation_id"] for r in again}


def test_an_import_is_in_the_history_and_undo_knows_it(seed_project, owner, tmp_path):
    from annotations import undo
    from annotations.models import AnnotationEvent, Membership

    path = tmp_path / "seed-export.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        call_command("export_annotations", "--project", seed_project.slug, stdout=out)
    fresh = ProjectFactory()
    transcript = fresh.import_transcript(SEED.read_bytes(), filename=SEED.name).transcript
    Membership.objects.create(project=fresh, user=owner, role=Membership.Role.OWNER)
    call_command("import_annotations", str(path), "--project", fresh.slug, stdout=io.StringIO())
    imported = Annotation.objects.in_project(fresh)
    events = AnnotationEvent.objects.filter(project=fresh)
    assert events.count() == imported.count() == 30
    assert set(events.values_list("subject", flat=True)) == set(
        imported.values_list("pk", flat=True)
    )
    assert {e.action for e in events} == {AnnotationEvent.Action.CREATE}
    assert all(e.user_id == e.annotation.annotator_id for e in events.select_related("annotation"))
    assert {e.transcript_id for e in events} == {transcript.pk}
    # The owner's undo takes back the owner's latest imported annotation, like one they tagged.
    mine = imported.filter(annotator=owner)
    before = mine.count()
    outcome = undo.undo_last(membership=fresh.membership_of(owner), transcript=transcript)
    assert outcome.event.action == AnnotationEvent.Action.CREATE
    assert mine.count() == before - 1
