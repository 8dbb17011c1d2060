"""The adjudication view on the large project (2,000 turns, 3 annotators, 20,000 annotations):
the same few queries on any page, before and after the automatic merge, and per click."""

import pytest
from django.urls import reverse

from annotations.models import GoldAnnotation
from tests.conftest import HTMX

pytestmark = pytest.mark.django_db
QUERIES = 20  # fixed: session, user, membership, counts, one page's rows, gold and sources


@pytest.fixture
def board(large):
    return reverse("admin:annotations_adjudicate", args=[large.project.slug, large.transcript.pk])


@pytest.fixture
def curator(large):
    large.curator.is_staff = True
    large.curator.save(update_fields=["is_staff"])
    return large.curator


def test_opening_merges_agreed_items_then_every_page_is_a_fixed_number_of_queries(
    client, large, board, curator, django_assert_max_num_queries
):
    client.force_login(curator)
    assert client.get(board).status_code == 200  # the first opening merges
    merged = GoldAnnotation.objects.filter(project=large.project, origin="merged").count()
    assert merged > 100
    for page in (1, 2, 300):
        with django_assert_max_num_queries(QUERIES):
            response = client.get(board, {"page": page})
        assert response.status_code == 200
        assert len(response.content) < 400_000
    assert GoldAnnotation.objects.filter(project=large.project).count() == merged  # idempotent


def test_a_click_on_the_large_transcript_is_a_fixed_number_of_queries(
    client, large, board, curator, django_assert_max_num_queries
):
    from annotations.adjudication import curated, open_passages

    client.force_login(curator)
    client.get(board)
    passage = open_passages(large.project, large.transcript.pk).order_by("position").first()
    annotation = (
        curated(large.project, large.transcript.pk)
        .filter(passage=passage)
        .exclude(status="rejected")
        .first()
    )
    accept = reverse(
        "admin:annotations_adjudicate_accept",
        args=[large.project.slug, large.transcript.pk, annotation.pk],
    )
    with django_assert_max_num_queries(45):
        response = client.post(accept, {"version": annotation.version}, headers=HTMX)
    assert response.status_code == 200
    assert b"<html" not in response.content
