"""A tagged transcript: a claim, a disagreement answering it, awkward text in the cells."""

from datetime import UTC, datetime

from annotations.models import Annotation, GoldAnnotation

from ..factories import AnnotationFactory

AWKWARD_NOTE = 'Says "no", then, later,\nsays yes'
FORMULA_NOTE = '=HYPERLINK("http://evil.example","click")'


def tag_transcript(transcript, *, annotator, curator) -> tuple[Annotation, Annotation]:
    """The annotator's claim (a span, fixed timestamps) and the curator's answer, in gold."""
    tags = {tag.name: tag for tag in transcript.projects.get().tags.all()}
    claim = AnnotationFactory(
        passage=transcript.passages.get(position=1),  # "We're making progress on our agendas."
        tag=tags["Claim"],
        annotator=annotator,
        start=6,
        end=21,
        note=AWKWARD_NOTE,
        attributes={"type": "factual"},
        status=Annotation.Status.SUBMITTED,
    )
    # auto_now would overwrite timestamps given to save(), so set them with an update.
    Annotation.objects.filter(pk=claim.pk).update(
        created_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        updated_at=datetime(2026, 1, 2, 3, 4, 6, tzinfo=UTC),
    )
    claim.refresh_from_db()
    disagreement = AnnotationFactory(
        passage=transcript.passages.get(position=4),  # "We disagree on Georgia."
        tag=tags["Disagreement"],
        annotator=curator,
        target=claim,
        target_passage=claim.passage,
        note=FORMULA_NOTE,
        attributes={"kind": "denial"},
        status=Annotation.Status.SUBMITTED,
    )
    # The curator's answer is in the gold layer (and so accepted): what the gold exports show.
    GoldAnnotation.objects.accept(
        disagreement,
        by=curator,
        expected_version=disagreement.version,
        project=tags["Claim"].project,
    )
    disagreement.refresh_from_db()
    return claim, disagreement
