"""The side panel is paged, and a tag action answers with what changed, not with the list.

Shapes, not times: the response to a create, an edit, a delete and an undo is the same size
(within 2 KB) and makes the same number of queries with 10 annotations in the transcript as
with 2,000.
"""

import itertools
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations.models import Annotation
from annotations.views.panel import PAGE

from ..conftest import HTMX
from ..factories import UserFactory
from ..long_transcript import long_transcript

pytestmark = pytest.mark.django_db


def fill(project, transcript, count, annotators):
    """`count` annotations, none an exact copy, by several annotators, in bulk."""
    tags = list(project.tags.filter(needs_target=False))
    passages = list(transcript.passages.speech())
    slots = itertools.product(range(3), annotators, tags, passages)  # start, who, tag, where
    rows = []
    for start, who, tag, passage in itertools.islice(slots, count):
        end = min(start + 5, len(passage.text))
        rows.append(
            Annotation(
                passage=passage,
                tag=tag,
                annotator=who,
                start=start,
                end=end,
                quote=passage.text[start:end],
            )
        )
    Annotation.objects.bulk_create(rows)


@pytest.fixture
def big(project, annotator):
    transcript = long_transcript(copies=2)
    project.transcripts.add(transcript)
    return transcript


def act(client, project, transcript, annotator):
    """Create, edit, delete, undo through the workspace: (bytes, queries) of each answer."""
    passage = transcript.passages.speech().last()
    claim = project.tags.get(name="Claim")
    create_url = reverse("annotations:annotation_create", args=[project.slug, transcript.pk])
    shapes = []

    def measure(post):
        with CaptureQueriesContext(connection) as queries:
            response = post()
        assert response.status_code == 200, response.content[:300]
        shapes.append((len(response.content), len(queries.captured_queries)))
        return response

    measure(lambda: client.post(create_url, {"tag": claim.pk, "passage": passage.pk}, headers=HTMX))
    mine = Annotation.objects.filter(annotator=annotator).latest("pk")
    detail = reverse("annotations:annotation_detail", args=[project.slug, mine.pk])
    measure(lambda: client.post(detail, {"version": 1, "tag": claim.pk, "note": "n"}, headers=HTMX))
    delete = reverse("annotations:annotation_delete", args=[project.slug, mine.pk])
    measure(lambda: client.post(delete, {"version": 2}, headers=HTMX))
    undo = reverse("annotations:undo", args=[project.slug, transcript.pk])
    measure(lambda: client.post(undo, headers=HTMX))
    return shapes


def test_a_tag_action_answer_does_not_grow_with_the_annotations(client, project, annotator):
    colleagues = [annotator, *UserFactory.create_batch(2)]
    for user in colleagues[1:]:
        project.memberships.create(user=user)
    client.force_login(annotator)
    small = long_transcript(copies=2, title="Small")
    large = long_transcript(copies=2, title="Large")
    project.transcripts.add(small, large)
    fill(project, small, 10, colleagues)
    fill(project, large, 2000, colleagues)
    assert large.passages.filter(annotations__isnull=False).count() >= 2000
    shapes = act(client, project, small, annotator), act(client, project, large, annotator)
    for few, many in zip(*shapes, strict=True):
        assert abs(few[0] - many[0]) < 2048, (few, many)
        assert few[1] == many[1], (few, many)
        # Under the 10 KB target; the queries are constant but above the target of 10 (the
        # closing note of issue 10 says where they go: session, user, membership, transcript,
        # the form's tag and passage, the one-project check, the write and its event, then
        # the passage with its two prefetches, the list item, its successor, counts, progress).
        assert many[0] < 10_000 and many[1] <= 25, many


ITEM = re.compile(r'<li id="panel-item-(\d+)">')
CURSOR = re.compile(r'hx-get="[^"]*panel_after=([-\d.]+)')


def test_the_panel_shows_a_page_and_loads_the_next_by_cursor(client, project, annotator, big):
    fill(project, big, PAGE * 2 + 7, [annotator])
    client.force_login(annotator)
    url = reverse("annotations:workspace", args=[project.slug, big.pk])
    page = client.get(url)
    assert len(ITEM.findall(page.text)) == PAGE
    assert f'<span id="panel-count" class="count">{PAGE * 2 + 7}</span>' in page.text
    seen = set(ITEM.findall(page.text))
    # Someone adds an annotation before the cursor meanwhile: the next page neither repeats
    # an item nor skips one.
    first = Annotation.objects.order_by("passage__position").first()
    Annotation.objects.create_by(
        project.membership_of(annotator), passage=first.passage, tag=first.tag, quote="x"
    )
    text = page.text
    while cursor := CURSOR.search(text):
        more = client.get(url, {"panel_after": cursor[1]}, headers=HTMX)
        text = more.text
        assert "<html" not in text and "side-panel" not in text
        items = ITEM.findall(text)
        assert not seen & set(items)
        seen |= set(items)
    assert 'id="panel-end"' in text
    assert len(seen) == PAGE * 2 + 7


def test_an_action_inserts_the_new_item_before_its_successor(client, project, annotator, big):
    fill(project, big, 30, [annotator])
    client.force_login(annotator)
    passages = list(big.passages.speech())
    create_url = reverse("annotations:annotation_create", args=[project.slug, big.pk])
    claim = project.tags.get(name="Claim")
    response = client.post(create_url, {"tag": claim.pk, "passage": passages[0].pk}, headers=HTMX)
    new = Annotation.objects.latest("pk")
    successor = (
        Annotation.objects.filter(passage=passages[0], start__isnull=False)
        .order_by("start", "pk")
        .first()
    )
    assert f'<li id="panel-item-{new.pk}" hx-swap-oob="delete">' in response.text
    assert f'hx-swap-oob="beforebegin:#panel-item-{successor.pk}"' in response.text
    assert '<span id="panel-count" class="count" hx-swap-oob="true">31</span>' in response.text
    # At the very end of the list it goes before the end marker (present once all is loaded).
    last = passages[-1]
    response = client.post(
        create_url, {"tag": claim.pk, "passage": last.pk, "start": 0, "end": 3}, headers=HTMX
    )
    assert 'hx-swap-oob="beforebegin:#panel-end"' in response.text


def test_a_filtered_panel_leaves_out_what_does_not_match(client, project, annotator, big):
    client.force_login(annotator)
    create_url = reverse("annotations:annotation_create", args=[project.slug, big.pk])
    commitment, claim = project.tags.get(name="Commitment"), project.tags.get(name="Claim")
    passage = big.passages.speech().first()
    data = {"tag": claim.pk, "passage": passage.pk, "panel_tag": commitment.pk}
    response = client.post(create_url, data, headers=HTMX)
    new = Annotation.objects.get()
    assert f'<li id="panel-item-{new.pk}" hx-swap-oob="delete">' in response.text
    assert "beforebegin" not in response.text  # filtered out: not inserted
