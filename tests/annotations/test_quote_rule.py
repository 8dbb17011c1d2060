"""The quote rule in the model: `passage_text[start:end] == quote`, whatever the caller says.

Each write path — save(), create_by(), apply_change(), bulk_create(), bulk_update() — sets the
quote from the passage and the offsets; update() cannot set a quote at all; offsets beyond the
passage are refused. So no path (admin, importer, API, shell) stores a quote that lies.
"""

import pytest
from django.db import IntegrityError, transaction

from annotations.models import Annotation, SpanOutsidePassage, quote_of, span_problem

from ..factories import AnnotationFactory, PassageFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db
LIE = "something else entirely"


@pytest.fixture
def placed():
    passage, tag = PassageFactory(), TagFactory()
    tag.project.transcripts.add(passage.transcript)
    return passage, tag, UserFactory()


def test_a_typed_quote_over_offsets_4_to_9_cannot_be_saved(placed):
    passage, tag, user = placed
    annotation = Annotation(passage=passage, tag=tag, annotator=user, start=4, end=9, quote=LIE)
    annotation.save()
    stored = Annotation.objects.values_list("quote", flat=True).get(pk=annotation.pk)
    assert stored == passage.text[4:9] != LIE
    assert annotation.quote == passage.text[4:9]


def test_a_whole_passage_annotation_quotes_the_whole_passage(placed):
    passage, tag, user = placed
    annotation = Annotation.objects.create(passage=passage, tag=tag, annotator=user, quote=LIE)
    assert Annotation.objects.get(pk=annotation.pk).quote == passage.text


def test_the_versioned_write_recomputes_the_quote(placed):
    passage, tag, user = placed
    annotation = AnnotationFactory(passage=passage, tag=tag, annotator=user)
    annotation.apply_change(user, 1, start=4, end=9, quote=LIE)
    annotation.refresh_from_db()
    assert (annotation.quote, annotation.version) == (passage.text[4:9], 2)
    annotation.apply_change(user, 2, quote=LIE)  # the quote alone: still the text's
    annotation.refresh_from_db()
    assert annotation.quote == passage.text[4:9]


def test_a_save_of_only_the_offsets_updates_the_quote_too(placed):
    passage, tag, user = placed
    annotation = AnnotationFactory(passage=passage, tag=tag, annotator=user)
    annotation.start, annotation.end = 0, 3
    annotation.save(update_fields=["start", "end"])
    assert Annotation.objects.get(pk=annotation.pk).quote == passage.text[0:3]


def test_bulk_writes_recompute_the_quote(placed):
    passage, tag, user = placed
    [made] = Annotation.objects.bulk_create(
        [Annotation(passage_id=passage.pk, tag=tag, annotator=user, start=4, end=9, quote=LIE)]
    )
    made = Annotation.objects.get()
    assert made.quote == passage.text[4:9]
    made.start, made.end, made.quote = 0, 2, LIE
    Annotation.objects.bulk_update([made], ["start", "end"])
    assert Annotation.objects.get().quote == passage.text[0:2]


def test_update_cannot_set_a_quote_or_offsets(placed):
    passage, tag, user = placed
    annotation = AnnotationFactory(passage=passage, tag=tag, annotator=user)
    for values in ({"quote": LIE}, {"start": 4, "end": 9}):
        with pytest.raises(SpanOutsidePassage, match="follows from each annotation"):
            Annotation.objects.filter(pk=annotation.pk).update(**values)
    assert Annotation.objects.get().quote == passage.text


@pytest.mark.parametrize("span", [(0, 10_000), (9_998, 9_999)])
def test_offsets_beyond_the_passage_are_refused(placed, span):
    passage, tag, user = placed
    with pytest.raises(SpanOutsidePassage, match="outside the passage"):
        Annotation.objects.create(
            passage=passage, tag=tag, annotator=user, start=span[0], end=span[1]
        )
    with pytest.raises(SpanOutsidePassage):
        Annotation.objects.bulk_create(
            [Annotation(passage=passage, tag=tag, annotator=user, start=span[0], end=span[1])]
        )
    assert not Annotation.objects.exists()


def test_a_disordered_span_is_still_the_databases_to_refuse(placed):
    passage, tag, user = placed
    with pytest.raises(IntegrityError), transaction.atomic():
        Annotation.objects.create(passage=passage, tag=tag, annotator=user, start=6, end=2)


def test_clean_names_the_span_problem(placed):
    passage, tag, user = placed
    annotation = Annotation(passage=passage, tag=tag, annotator=user, start=0, end=10_000)
    with pytest.raises(SpanOutsidePassage) as refused:
        annotation.clean()
    assert "outside the passage" in str(refused.value.message_dict["start"])


def test_the_pure_rule():
    assert quote_of("We disagree on Georgia.", 3, 11) == "disagree"
    assert quote_of("We disagree.", None, None) == "We disagree."
    assert span_problem("abc", 0, 3) is None
    assert span_problem("abc", 0, 4) == "The span 0–4 is outside the passage (0–3 characters)."
    assert span_problem("abc", 1, None) == "A span needs both a start and an end."
