"""The large project is what the guards assume: its size, its links, and no exact copies."""

import pytest
from django.db.models import Count, Q

from annotations.models import Annotation

pytestmark = pytest.mark.django_db


def test_large_project_has_the_size_the_issue_names(large):
    transcript = large.transcript
    assert transcript.turns.count() == 2000
    assert Annotation.objects.in_project(large.project).count() == 20_000
    annotators = Annotation.objects.in_project(large.project).values("annotator").distinct()
    assert annotators.count() == 3


def test_large_project_has_no_exact_copies(large):
    copies = (
        Annotation.objects.in_project(large.project)
        .values("annotator", "passage", "tag", "start", "end", "target", "target_passage")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert not copies.exists()


def test_large_project_has_spans_and_disagreement_links(large):
    counts = Annotation.objects.in_project(large.project).aggregate(
        spans=Count("pk", filter=Q(start__isnull=False)),
        linked=Count("pk", filter=Q(target__isnull=False)),
        passage_only=Count("pk", filter=Q(target__isnull=True, target_passage__isnull=False)),
        unlinked_disagreements=Count(
            "pk", filter=Q(tag__needs_target=True, target_passage__isnull=True)
        ),
    )
    assert 4000 < counts["spans"] < 10_000
    assert counts["linked"] > 1000
    assert counts["passage_only"] > 0
    assert counts["unlinked_disagreements"] == 0


def test_large_project_quotes_are_the_passage_text(large):
    for annotation in Annotation.objects.in_project(large.project).select_related("passage")[:500]:
        text = annotation.passage.text
        expected = text if annotation.start is None else text[annotation.start : annotation.end]
        assert annotation.quote == expected
