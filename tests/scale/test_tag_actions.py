"""Tag create / change / delete / undo on the large project: small answers, few queries.

Issue 10 targets: at most 10 queries and under 10 KB per action, whatever the size of the
transcript. Counted here: every statement but SAVEPOINT / RELEASE, which only the test's own
transaction adds (a request outside it opens a real transaction, whose BEGIN and COMMIT are not
statements Django executes).

create: session, user, membership, the passage with its transcript, the tags, the write, its
count (Progress's stored counters), its event, the touched passages' annotations, one query of
figures (progress, the list's count, each item's successor: all read from stored counters or
indexed lookups). change: the annotation instead of the passage, its lock instead of the
count. delete: its lock (with whether gold cites it), the event, one DELETE (no collector:
nothing else is nulled or deleted unless something refers to it), the count. undo of a create:
the locked event with its transcript, the locked annotation, DELETE, count, event update. Undo
of a delete: 11 — the event, the tags and the passage to re-create it with, INSERT, count,
event update.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations.models import Annotation
from tests.large import build_large_project

from .budget import guarded
from .pages import HTMX

pytestmark = pytest.mark.django_db

MAX_QUERIES = {"create": 10, "change": 10, "delete": 10, "undo": 10, "undo a delete": 11}
MAX_BYTES = 10 * 1024


def untagged_passage(large, annotator):
    mine = Annotation.objects.filter(annotator=annotator).values("passage")
    return large.transcript.passages.speech().exclude(pk__in=mine).order_by("position")[500]


def own_annotation(large, annotator):
    mine = Annotation.objects.filter(annotator=annotator, passage__transcript=large.transcript)
    return mine.exclude(tag__needs_target=True).order_by("passage__position")[300]


def post(client, url, data):
    with guarded(), CaptureQueriesContext(connection) as captured:
        response = client.post(url, data, headers=HTMX)
    statements = [q["sql"] for q in captured.captured_queries]
    return response, [sql for sql in statements if not TRANSACTION.match(sql)]


TRANSACTION = re.compile(r"(RELEASE )?SAVEPOINT ")


def assert_small(response, queries, action):
    assert response.status_code == 200
    assert len(queries) <= MAX_QUERIES[action], f"{len(queries)} queries:\n" + "\n".join(queries)
    assert len(response.content) <= MAX_BYTES, f"{len(response.content) / 1024:.0f} KB"


def create(client, large):
    annotator = large.annotators[0]
    client.force_login(annotator)
    passage = untagged_passage(large, annotator)
    tag = large.project.tags.first()
    url = reverse("annotations:annotation_create", args=[large.project.slug, large.transcript.pk])
    return post(client, url, {"passage": passage.pk, "tag": tag.pk})


def test_tag_create_answers_small(client, large):
    assert_small(*create(client, large), "create")


def test_tag_change_answers_small(client, large):
    annotation = own_annotation(large, large.annotators[0])
    client.force_login(large.annotators[0])
    url = reverse("annotations:annotation_detail", args=[large.project.slug, annotation.pk])
    other = large.project.tags.exclude(pk=annotation.tag_id).filter(needs_target=False).first()
    data = {"version": annotation.version, "tag": other.pk, "note": "changed in a guard"}
    assert_small(*post(client, url, data), "change")


def test_tag_delete_answers_small(client, large):
    annotation = own_annotation(large, large.annotators[0])
    client.force_login(large.annotators[0])
    url = reverse("annotations:annotation_delete", args=[large.project.slug, annotation.pk])
    assert_small(*post(client, url, {"version": annotation.version}), "delete")


def test_undo_answers_small(client, large):
    response, _ = create(client, large)
    assert response.status_code == 200
    url = reverse("annotations:undo", args=[large.project.slug, large.transcript.pk])
    assert_small(*post(client, url, {}), "undo")


def test_undo_of_a_delete_answers_small(client, large):
    annotation = own_annotation(large, large.annotators[0])
    client.force_login(large.annotators[0])
    url = reverse("annotations:annotation_delete", args=[large.project.slug, annotation.pk])
    assert_small(*post(client, url, {"version": annotation.version}), "delete")
    url = reverse("annotations:undo", args=[large.project.slug, large.transcript.pk])
    assert_small(*post(client, url, {}), "undo a delete")
    assert Annotation.objects.filter(pk=annotation.pk).exists()


def act(client, built, action):
    """One action by the first annotator on `built`: (response, queries)."""
    annotator, slug, transcript = built.annotators[0], built.project.slug, built.transcript
    client.force_login(annotator)
    mine = Annotation.objects.filter(annotator=annotator, passage__transcript=transcript)
    if action in {"create", "undo"}:
        tagged = Annotation.objects.filter(annotator=annotator).values("passage")
        passage = transcript.passages.speech().exclude(pk__in=tagged).order_by("position").first()
        url = reverse("annotations:annotation_create", args=[slug, transcript.pk])
        tag = built.project.tags.filter(needs_target=False).order_by("pk").first()
        answer = post(client, url, {"passage": passage.pk, "tag": tag.pk})
        if action == "create":
            return answer
        return post(client, reverse("annotations:undo", args=[slug, transcript.pk]), {})
    # One nobody answers and of a tag without a target, as most are.
    annotation = mine.filter(tag__needs_target=False, answered_by__isnull=True, note="")
    annotation = annotation.order_by("passage__position").first()
    if action == "delete":
        url = reverse("annotations:annotation_delete", args=[slug, annotation.pk])
        return post(client, url, {"version": annotation.version})
    other = built.project.tags.exclude(pk=annotation.tag_id).filter(needs_target=False).first()
    url = reverse("annotations:annotation_detail", args=[slug, annotation.pk])
    return post(client, url, {"version": annotation.version, "tag": other.pk, "note": "b"})


@pytest.mark.parametrize("action", ["create", "change", "delete", "undo"])
def test_answers_are_the_same_size_at_10_and_at_20000_annotations(client, large, action):
    """The shape of issue 10: neither the bytes nor the queries grow with the transcript."""
    small = build_large_project(slug="small", turns=10, annotations=10)
    big, big_queries = act(client, large, action)
    little, little_queries = act(client, small, action)
    assert big.status_code == little.status_code == 200
    assert abs(len(big.content) - len(little.content)) < 2 * 1024
    assert len(big_queries) == len(little_queries) <= MAX_QUERIES[action], "\n".join(big_queries)
