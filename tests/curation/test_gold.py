"""The gold layer's verbs: accept (one item per agreed item), write, change, remove, reject,
the automatic merge and its undo, and stale writes refused."""

import pytest
from django.db import IntegrityError

from annotations import adjudication
from annotations.models import (
    Annotation,
    GoldAnnotation,
    GoldConflict,
    GoldEvent,
    GoldSource,
    StaleAnnotation,
    StaleGold,
)
from annotations.models.gold import Adjudication

from .conftest import tag

pytestmark = pytest.mark.django_db


def accept(annotation, curator, project):
    annotation.refresh_from_db()
    return GoldAnnotation.objects.accept(
        annotation, by=curator, expected_version=annotation.version, project=project
    )


def test_accepting_one_copy_takes_every_annotators_copy_as_a_source(project, curator, layers):
    first, second = layers["agreed"]
    gold = accept(first, curator, project)
    assert GoldAnnotation.objects.count() == 1
    sources = GoldSource.objects.filter(gold=gold)
    assert {s.annotation_id for s in sources} == {first.pk, second.pk}
    for source in sources:  # the version recorded is the annotation's version now
        assert source.version == Annotation.objects.get(pk=source.annotation_id).version
    assert set(
        Annotation.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)
    ) == {"accepted"}
    assert gold.origin == GoldAnnotation.Origin.ACCEPTED
    assert GoldEvent.objects.filter(subject=gold.pk, action="merge").exists()


def test_accepting_the_second_copy_later_joins_the_same_gold_item(
    project, curator, layers, coders, passages, tags
):
    first, _ = layers["agreed"]
    gold = accept(first, curator, project)
    third = tag(coders[1], passages[1], tags["Claim"])  # a different item: its own gold
    assert accept(third, curator, project).pk != gold.pk
    assert GoldAnnotation.objects.count() == 2


def test_one_gold_item_per_item_is_a_database_rule(project, curator, layers):
    gold = accept(layers["agreed"][0], curator, project)
    with pytest.raises(IntegrityError):
        GoldAnnotation.objects.create(
            project=project,
            passage=gold.passage,
            tag=gold.tag,
            quote=gold.quote,
            origin="written",
            curator=curator,
        )


def test_a_stale_accept_is_refused(project, curator, layers):
    annotation = layers["span"]
    with pytest.raises(StaleAnnotation):
        GoldAnnotation.objects.accept(
            annotation, by=curator, expected_version=annotation.version + 1, project=project
        )
    assert not GoldAnnotation.objects.exists()


def test_two_curators_one_click_each_the_second_gets_stale(project, curator, owner, layers):
    annotation = layers["span"]
    seen = annotation.version  # both curators loaded the page at this version
    GoldAnnotation.objects.accept(annotation, by=curator, expected_version=seen, project=project)
    with pytest.raises(StaleAnnotation) as refused:
        GoldAnnotation.objects.reject_items(
            Annotation.objects.filter(pk=annotation.pk), by=owner, seen={annotation.pk: seen}
        )
    assert str(curator) in str(refused.value)
    annotation.refresh_from_db()
    assert annotation.status == "accepted"


def test_written_gold_recomputes_the_quote_and_checks_the_span(project, curator, passages, tags):
    passage = passages[0]
    gold = GoldAnnotation.objects.write(
        by=curator,
        project=project,
        passage=passage,
        tag=tags["Claim"],
        start=0,
        end=4,
        quote="something else entirely",
    )
    assert gold.quote == passage.text[0:4]
    with pytest.raises(GoldConflict, match="outside the passage"):
        GoldAnnotation.objects.write(
            by=curator, project=project, passage=passage, tag=tags["Claim"], start=0, end=999
        )
    with pytest.raises(GoldConflict, match="already in gold"):
        GoldAnnotation.objects.write(
            by=curator, project=project, passage=passage, tag=tags["Claim"], start=0, end=4
        )


def test_change_is_versioned_and_recorded(project, curator, owner, passages, tags):
    gold = GoldAnnotation.objects.write(
        by=curator, project=project, passage=passages[0], tag=tags["Claim"]
    )
    changed = gold.apply_change(owner, 1, start=5, end=9, attributes={"type": "policy"})
    assert (changed.version, changed.quote) == (2, passages[0].text[5:9])
    with pytest.raises(StaleGold) as refused:
        gold.apply_change(curator, 1, note="late")
    assert "changed by" in str(refused.value) and str(owner) in str(refused.value)
    assert list(GoldEvent.objects.filter(subject=gold.pk).values_list("action", flat=True)) == [
        "update",
        "create",
    ]


def test_removing_gold_opens_its_sources_again(project, curator, layers):
    first, second = layers["agreed"]
    gold = accept(first, curator, project)
    gold.remove(curator, gold.version)
    assert not GoldAnnotation.objects.exists()
    assert set(
        Annotation.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)
    ) == {"submitted"}
    assert GoldEvent.objects.filter(subject=gold.pk, action="delete").exists()


def test_an_annotators_edit_after_acceptance_reopens_the_item(project, curator, layers, transcript):
    first, _ = layers["agreed"]
    accept(first, curator, project)
    assert (
        not adjudication.open_passages(project, transcript.pk).filter(pk=first.passage_id).exists()
    )
    first.refresh_from_db()
    first.apply_change(first.annotator, first.version, note="changed my mind")
    assert adjudication.open_passages(project, transcript.pk).filter(pk=first.passage_id).exists()


def test_auto_merge_takes_agreed_items_once_and_leaves_disagreements(
    project, curator, layers, transcript
):
    adjudication.opened(project, transcript.pk, by=curator)
    gold = GoldAnnotation.objects.get()
    assert gold.origin == GoldAnnotation.Origin.MERGED
    assert gold.passage_id == layers["agreed"][0].passage_id
    assert GoldSource.objects.filter(gold=gold).count() == 2
    adjudication.opened(project, transcript.pk, by=curator)  # reopening: nothing new
    assert GoldAnnotation.objects.count() == 1
    still_open = adjudication.open_passages(project, transcript.pk)
    assert list(still_open.values_list("pk", flat=True)) == [layers["span"].passage_id]


def test_undoing_one_merge_is_not_redone_on_reopening(project, curator, layers, transcript):
    adjudication.opened(project, transcript.pk, by=curator)
    gold = GoldAnnotation.objects.get()
    adjudication.unmerge(gold, by=curator, expected_version=gold.version)
    layers["span"].refresh_from_db()
    layers["span"].apply_change(curator, layers["span"].version, note="a later event")
    adjudication.opened(project, transcript.pk, by=curator)
    assert not GoldAnnotation.objects.exists()


def test_undo_auto_merge_and_merge_again(project, curator, layers, transcript):
    record = adjudication.opened(project, transcript.pk, by=curator)
    assert adjudication.undo_merge(record, by=curator) == 1
    assert not GoldAnnotation.objects.exists()
    record.refresh_from_db()
    assert record.auto_merge is False
    adjudication.opened(project, transcript.pk, by=curator)
    assert not GoldAnnotation.objects.exists()
    assert adjudication.restart_merge(record, by=curator) == 1


def test_one_annotator_is_not_an_agreement(project, curator, annotator, passages, tags, transcript):
    tag(annotator, passages[0], tags["Claim"])
    adjudication.opened(project, transcript.pk, by=curator)
    assert not GoldAnnotation.objects.exists()


def test_drafts_are_not_adjudicated(project, curator, coders, passages, tags, transcript):
    for user in coders:
        tag(user, passages[0], tags["Claim"], status="draft")
    adjudication.opened(project, transcript.pk, by=curator)
    assert not GoldAnnotation.objects.exists()
    assert Adjudication.objects.get().merged_through == 0


def test_agreed_links_merge_after_their_targets(
    project, curator, coders, passages, tags, transcript
):
    for user in coders:
        claim = tag(user, passages[0], tags["Claim"])
        tag(user, passages[2], tags["Disagreement"], target=claim, target_passage=passages[0])
    adjudication.opened(project, transcript.pk, by=curator)
    claim_gold = GoldAnnotation.objects.get(tag=tags["Claim"])
    link = GoldAnnotation.objects.get(tag=tags["Disagreement"])
    assert link.target == claim_gold and link.target_passage == passages[0]
