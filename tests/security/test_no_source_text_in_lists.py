"""No list page carries a transcript's source text (megabytes a row) in its queries.

The project page once sorted the product of turns, speakers and annotations with every row
holding `original_text`: 33 GB on two real transcripts. Lists count with subqueries and leave
the source text out; this walks the app's list pages and the admin's, as an owner and a
superuser, and reads the SQL.
"""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ..factories import AnnotationFactory, TranscriptWithTurnsFactory
from .sweep import build_world

pytestmark = pytest.mark.django_db

ADMIN_LISTS = [
    "annotations_project",
    "annotations_annotation",
    "annotations_membership",
    "annotations_tag",
    "annotations_progress",
    "annotations_annotationevent",
    "transcripts_transcript",
    "transcripts_speaker",
    "transcripts_turn",
    "transcripts_passage",
]


def source_text_queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return [q["sql"] for q in queries.captured_queries if "original_text" in q["sql"]]


@pytest.fixture
def world(project, owner, curator, annotator, outsider):
    world = build_world(project, owner, curator, annotator, outsider)
    for _ in range(2):
        transcript = TranscriptWithTurnsFactory()
        project.transcripts.add(transcript)
        AnnotationFactory(passage=transcript.passages.first(), tag=project.tags.first())
    return world


def test_app_list_pages_leave_the_source_text_out(client, world, owner, project):
    client.force_login(owner)
    for url in [
        reverse("annotations:project_list"),
        project.get_absolute_url(),
        reverse("annotations:project_export", args=[project.slug]),
    ]:
        assert source_text_queries(client, url) == [], url


def test_admin_lists_and_forms_leave_the_source_text_out(client, world, project):
    boss = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw-1234567")
    client.force_login(boss)
    for name in ADMIN_LISTS:
        assert source_text_queries(client, reverse(f"admin:{name}_changelist")) == [], name
    # The project form's transcript choices and a speaker's transcript choice: titles only.
    assert (
        source_text_queries(client, reverse("admin:annotations_project_change", args=[project.pk]))
        == []
    )
    speaker = world.transcript.speakers.first()
    assert (
        source_text_queries(client, reverse("admin:transcripts_speaker_change", args=[speaker.pk]))
        == []
    )
