"""The adjudication view on the large project (2,000 turns, 3 annotators, 20,000 annotations):
the same few queries on any page, before and after the automatic merge, and per click; and no
query that reads the whole transcript (a grouped count, a COUNT of its passages, an OFFSET) on
any request once the board is open: the counters live on the Adjudication row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations.adjudication import curated, open_passages, passage_states
from annotations.models import Adjudication, GoldAnnotation
from tests.conftest import HTMX

pytestmark = pytest.mark.django_db
QUERIES = 17  # session, user, membership, adjudication and its freshness, one page's rows…
CLICK_QUERIES = 40  # …plus the verb's locks and writes and the passage's state before/after
PAGE_BYTES = 200_000
CLICK_BYTES = 20_000  # one row and the counters
WHOLE_TRANSCRIPT = ("GROUP BY", "COUNT(*)", "OFFSET")  # a passage's own COUNT(id) is fine


@pytest.fixture
def board(large):
    return reverse("admin:annotations_adjudicate", args=[large.project.slug, large.transcript.pk])


@pytest.fixture
def curator(large):
    large.curator.is_staff = True
    large.curator.save(update_fields=["is_staff"])
    return large.curator


def small(captured) -> None:
    """No query of the request reads the whole transcript to count it."""
    for query in captured.captured_queries:
        sql = query["sql"].upper()
        assert not any(word in sql for word in WHOLE_TRANSCRIPT), sql


def test_opening_merges_agreed_items_then_every_page_is_a_fixed_number_of_queries(
    client, large, board, curator, django_assert_max_num_queries
):
    client.force_login(curator)
    assert client.get(board).status_code == 200  # the first opening merges
    merged = GoldAnnotation.objects.filter(project=large.project, origin="merged").count()
    assert merged > 100
    for page in (1, 2, 300, 604):
        with django_assert_max_num_queries(QUERIES), CaptureQueriesContext(connection) as seen:
            response = client.get(board, {"page": page})
        assert response.status_code == 200
        assert len(response.content) < PAGE_BYTES
        small(seen)
    assert GoldAnnotation.objects.filter(project=large.project).count() == merged  # idempotent


def click(client, request, django_assert_max_num_queries):
    with (
        django_assert_max_num_queries(CLICK_QUERIES),
        CaptureQueriesContext(connection) as seen,
    ):
        response = request()
    assert response.status_code == 200, response.content[:300]
    assert b"<html" not in response.content
    assert len(response.content) < CLICK_BYTES
    small(seen)
    return response


def test_every_click_on_the_large_transcript_is_a_fixed_number_of_small_queries(
    client, large, board, curator, django_assert_max_num_queries
):
    project, transcript = large.project, large.transcript
    client.force_login(curator)
    client.get(board)

    def url(name, *args):
        return reverse(
            f"admin:annotations_adjudicate_{name}", args=[project.slug, transcript.pk, *args]
        )

    def post(name, *args, **data):
        return lambda: client.post(url(name, *args), data, headers=HTMX)

    passages = list(open_passages(project, transcript.pk).order_by("position")[:3])
    work = curated(project, transcript.pk).exclude(status="rejected")
    first, second, third = (work.filter(passage=p).order_by("pk").first() for p in passages)
    click(client, post("accept", first.pk, version=first.version), django_assert_max_num_queries)
    seen = f"{second.pk}:{second.version}"
    click(client, post("reject", second.passage_id, seen=seen), django_assert_max_num_queries)
    own = {"tag": third.tag_id, "start": 0, "end": 1}
    click(client, post("gold_new", third.passage_id, **own), django_assert_max_num_queries)
    gold = GoldAnnotation.objects.get(project=project, source_rows__annotation=first)
    remove = post("gold_remove", gold.pk, version=gold.version)
    click(client, remove, django_assert_max_num_queries)
    form = lambda: client.get(url("gold_new", third.passage_id), headers=HTMX)  # noqa: E731
    click(client, form, django_assert_max_num_queries)
    stored = Adjudication.objects.get(project=project, transcript=transcript)
    states = passage_states(project, transcript.pk)
    assert (stored.annotated_count, stored.open_count) == (states["annotated"], states["open"])
    with django_assert_max_num_queries(QUERIES), CaptureQueriesContext(connection) as seen:
        response = client.get(board, {"page": 300})  # next disagreement: a page, as above
    small(seen)
    assert response.status_code == 200 and len(response.content) < PAGE_BYTES
