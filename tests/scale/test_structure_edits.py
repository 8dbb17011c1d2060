"""Structure edits on the large project (2,000 turns, 20,000 annotations, 3 annotators): the
queries an edit makes must not grow with the transcript, and the answer stays one window.

Each edit is made once on the large transcript and once on a three-turn one, through the
view, and the query counts compared: the positions after an insertion move in two UPDATEs,
the annotations on a split passage in one bulk write, the window redrawn is 20 turns.
"""

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations.models import Membership
from tests.conftest import member
from tests.factories import AnnotationFactory, ProjectFactory, TranscriptWithTurnsFactory

from .budget import guarded
from .pages import HTMX

pytestmark = pytest.mark.django_db

MAX_QUERIES = 45
MAX_BYTES = 200 * 1024
SLACK = 3  # a chunked IN list or one more savepoint; never a query per row


def post(client, project, transcript, data):
    url = reverse("annotations:structure_editor", args=[project.slug, transcript.pk])
    with guarded(), CaptureQueriesContext(connection) as queries:
        response = client.post(url, data, headers=HTMX)
    assert response.status_code == 200, response.content[:500]
    assert len(response.content) <= MAX_BYTES, f"{len(response.content) / 1024:.0f} KB"
    return len(queries)


def busiest_passage(transcript):
    """The passage with the most annotations, in the middle of the transcript, with a space."""
    passages = transcript.passages.speech().filter(text__contains=" ")
    middle = passages.filter(position__gte=transcript.passages.count() // 2)
    return middle.annotate(n=Count("annotations")).order_by("-n", "position").first()


def edits(transcript):
    """The edits to measure, as POST data, on `transcript` (each read just before it is made)."""
    middle_turn = transcript.turns.get(position=transcript.turns.count() // 2)
    two_passages = middle_turn.passages.order_by("position")
    speakers = list(transcript.speakers.order_by("position")[:2])
    busiest = busiest_passage(transcript)
    yield "split_passage", lambda: {"passage": busiest.pk, "at": busiest.text.index(" ") + 1}
    yield "merge_passage", lambda: {"passage": busiest.pk}  # and its second half again
    yield "split_turn", lambda: {"passage": two_passages.all()[1].pk}
    yield "merge_turn", lambda: {"turn": middle_turn.pk}
    yield "mark_stage", lambda: {"passage": busiest.pk}
    yield "merge_speakers", lambda: {"speaker": speakers[1].pk, "into": speakers[0].pk}
    yield "undo", dict


@pytest.fixture
def small(db):
    project = ProjectFactory()
    transcript = TranscriptWithTurnsFactory()
    project.transcripts.add(transcript)
    curator = member(project, Membership.Role.CURATOR)
    for tag in project.tags.all():
        AnnotationFactory(passage=busiest_passage(transcript), tag=tag)
    # The middle turn needs two passages to split: Lavrov's has three.
    return project, transcript, curator


def test_structure_edits_do_not_grow_with_the_transcript(client, large, small):
    counts = {}
    for name, (project, transcript, curator) in {
        "large": (large.project, large.transcript, large.curator),
        "small": small,
    }.items():
        client.force_login(curator)
        for action, data in edits(transcript):
            counts[name, action] = post(client, project, transcript, {"action": action, **data()})
    for action, _ in edits(small[1]):
        large_count, small_count = counts["large", action], counts["small", action]
        assert large_count <= MAX_QUERIES, f"{action}: {large_count} queries"
        assert large_count <= small_count + SLACK, f"{action}: {large_count} vs {small_count}"


def test_editor_page_is_one_window(client, large):
    client.force_login(large.curator)
    url = reverse("annotations:structure_editor", args=[large.project.slug, large.transcript.pk])
    with guarded(), CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"from": 1000})
    assert response.status_code == 200
    assert len(queries) <= 15, f"{len(queries)} queries"
    assert len(response.content) <= MAX_BYTES
    assert b"Turns 1001" in response.content
