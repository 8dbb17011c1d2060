"""A tagged transcript: a claim, a disagreement answering it, awkward text in the cells."""

from datetime import UTC, datetime

import pytest

from annotations.models import Annotation

from ..factories import AnnotationFactory

AWKWARD_NOTE = 'Says "no", then, later,\nsays yes'
FORMULA_NOTE = '=HYPERLINK("http://evil.example","click")'


def passage(transcript, index):
    return transcript.passages.get(position=index)


@pytest.fixture
def tags(project):
    return {tag.name: tag for tag in project.tags.all()}


@pytest.fixture
def claim(transcript, tags, annotator):
    return AnnotationFactory(
        passage=passage(transcript, 1),  # "We're making progress on our agendas."
        tag=tags["Claim"],
        annotator=annotator,
        start=6,
        end=21,
        note=AWKWARD_NOTE,
        attributes={"type": "factual"},
        status=Annotation.Status.SUBMITTED,
    )


@pytest.fixture
def disagreement(transcript, tags, curator, claim):
    return AnnotationFactory(
        passage=passage(transcript, 4),  # "We disagree on Georgia."
        tag=tags["Disagreement"],
        annotator=curator,
        target=claim,
        target_passage=claim.passage,
        note=FORMULA_NOTE,
        attributes={"kind": "denial"},
        status=Annotation.Status.ACCEPTED,
    )


@pytest.fixture
def tagged(claim, disagreement):
    """Both annotations, with fixed timestamps (auto_now would overwrite them on save)."""
    Annotation.objects.filter(pk=claim.pk).update(
        created_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        updated_at=datetime(2026, 1, 2, 3, 4, 6, tzinfo=UTC),
    )
    return [claim, disagreement]
