"""Concurrency through the workspace's own views, on PostgreSQL with one connection per thread.

The model-level tests (test_concurrency.py) prove the verbs; these prove what people hit: two
browsers saving the same annotation, and a room of annotators tagging at once.
"""

import threading
from functools import partial

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from annotations.models import Annotation, AnnotationEvent, Membership

from ..conftest import HTMX
from ..factories import AnnotationFactory, UserFactory
from .test_concurrency import run_threads

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs concurrent connections: runs in the PostgreSQL pass of .ci/run",
    ),
    pytest.mark.django_db(transaction=True),
]


def race(url, data, *people) -> dict:
    """Each (user, note) posts `data` with its note at the same moment; the answers by note."""
    start, answers = threading.Barrier(len(people)), {}

    def save(user, note):
        client = Client()
        client.force_login(user)
        start.wait(10)
        answers[note] = client.post(url, {**data, "note": note}, headers=HTMX)

    run_threads(*[partial(save, user, note) for user, note in people])
    return answers


def test_two_people_save_the_same_annotation_one_is_told(project, transcript, annotator, curator):
    tag = project.tags.get(name="Claim")
    for round_ in range(5):
        span = (None, None) if round_ < 3 else (0, round_)  # never an exact copy of an earlier
        annotation = AnnotationFactory(
            passage=transcript.passages.speech()[round_ % 3],
            tag=tag,
            annotator=annotator,
            start=span[0],
            end=span[1],
        )
        url = reverse("annotations:annotation_detail", args=[project.slug, annotation.pk])
        data = {"version": 1, "tag": tag.pk}
        answers = race(url, data, (annotator, "mine"), (curator, "theirs"))
        statuses = sorted(response.status_code for response in answers.values())
        assert statuses == [200, 409], statuses
        loser = next(n for n, r in answers.items() if r.status_code == 409)
        assert "saved this annotation meanwhile" in answers[loser].text
        fresh = Annotation.objects.get(pk=annotation.pk)
        assert fresh.version == 2 and fresh.note != loser  # the winner's note, saved once
        assert AnnotationEvent.objects.filter(annotation=annotation, action="update").count() == 1


def test_a_room_of_annotators_tagging_at_once(project, transcript):
    tag = project.tags.get(name="Commitment")
    passages = list(transcript.passages.speech())
    people = [UserFactory() for _ in range(6)]
    for person in people:
        Membership.objects.create(project=project, user=person)
    url = reverse("annotations:annotation_create", args=[project.slug, transcript.pk])
    each = 12

    def tag_away(person):
        client = Client()
        client.force_login(person)
        for n in range(each):
            passage = passages[n % len(passages)]
            start = n // len(passages)
            data = {"passage": passage.pk, "tag": tag.pk, "start": start, "end": start + 4}
            response = client.post(url, data, headers=HTMX)
            assert response.status_code == 200, response.content[:300]

    run_threads(*[partial(tag_away, person) for person in people])
    rows = list(Annotation.objects.values_list("annotator", "passage", "start", "end", "quote"))
    assert len(rows) == len(people) * each and len(set(rows)) == len(rows)
    texts = dict(transcript.passages.values_list("pk", "text"))
    assert all(texts[p][s:e] == q for _, p, s, e, q in rows)
    assert AnnotationEvent.objects.filter(action="create").count() == len(rows)


def test_a_create_retried_at_the_same_moment_is_saved_once(project, transcript, annotator):
    # A client whose connection dropped sends the create again while the first is still in
    # flight: both carry the same request id, so exactly one row, and both are answered 200.
    url = reverse("annotations:annotation_create", args=[project.slug, transcript.pk])
    tag = project.tags.get(name="Claim")
    for n, passage in enumerate(transcript.passages.speech()):
        data = {
            "passage": passage.pk,
            "tag": tag.pk,
            "request_id": f"{n:08d}-0000-4000-8000-{n:012d}",
        }
        answers = race(url, data, (annotator, "first"), (annotator, "retry"))
        assert sorted(r.status_code for r in answers.values()) == [200, 200]
        assert Annotation.objects.filter(passage=passage).count() == 1
    assert AnnotationEvent.objects.filter(action="create").count() == Annotation.objects.count()


def test_the_same_key_pressed_in_two_tabs_at_once_makes_one_annotation(
    project, transcript, annotator
):
    url = reverse("annotations:annotation_create", args=[project.slug, transcript.pk])
    passage, tag = transcript.passages.speech().first(), project.tags.get(name="Claim")
    answers = race(url, {"passage": passage.pk, "tag": tag.pk}, (annotator, "a"), (annotator, "b"))
    assert sorted(r.status_code for r in answers.values()) == [200, 409]
    assert Annotation.objects.count() == 1
