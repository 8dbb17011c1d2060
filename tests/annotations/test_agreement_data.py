"""The agreement query layer: a project's annotations as units x coders, on the real database.

The sample transcript has six passages: 0 "Well, good afternoon.", 1 "We're making progress on
our agendas.", 2 "Thank you very much.", 3 "(Laughter.)" (a stage direction, not a unit),
4 "We disagree on Georgia.", 5 "Madam Secretary, what about the U.S. position on Iran?".
"""

import pytest
from django.utils import timezone

from annotations.agreement import Span, krippendorff_alpha, report_json
from annotations.agreement_data import agreement_inputs, project_agreement
from tests.factories import (
    AnnotationFactory,
    ProgressFactory,
    ProjectFactory,
    TranscriptWithTurnsFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def passages(transcript):
    return list(transcript.passages.order_by("position"))


@pytest.fixture
def coders(project, transcript):
    ann, bob, cy = (UserFactory(username=name) for name in ("ann", "bob", "cy"))
    for user in (ann, bob):  # cy tagged but never marked the transcript done
        ProgressFactory(project=project, transcript=transcript, user=user, done_at=timezone.now())
    ProgressFactory(project=project, transcript=transcript, user=cy)
    return ann, bob, cy


@pytest.fixture
def tagged(project, passages, coders):
    ann, bob, cy = coders
    claim, disagreement = (project.tags.get(name=n) for n in ("Claim", "Disagreement"))
    p = passages
    ann_claim = AnnotationFactory(passage=p[1], tag=claim, annotator=ann)
    AnnotationFactory(passage=p[4], tag=claim, annotator=ann, start=3, end=11)
    AnnotationFactory(passage=p[3], tag=claim, annotator=ann)  # stage direction: not a unit
    AnnotationFactory(
        passage=p[4], tag=disagreement, annotator=ann, target=ann_claim, target_passage=p[1]
    )
    AnnotationFactory(passage=p[1], tag=claim, annotator=bob, start=0, end=len(p[1].text))
    AnnotationFactory(passage=p[5], tag=claim, annotator=bob)
    AnnotationFactory(
        passage=p[4], tag=disagreement, annotator=bob, start=0, end=10, target_passage=p[1]
    )
    AnnotationFactory(passage=p[0], tag=claim, annotator=cy)
    return project


def test_inputs_units_are_spoken_passages_and_coders_marked_done(tagged, transcript, passages):
    inputs = agreement_inputs(tagged)
    assert inputs.units == [(transcript.pk, p.pk) for p in passages if p.kind == "speech"]
    assert len(inputs.units) == 5
    assert inputs.coded == {transcript.pk: frozenset({"ann", "bob"})}
    assert inputs.tags == {"Claim": False, "Commitment": False, "Disagreement": True}
    whole = Span(passages[1].pk, 0, len(passages[1].text))
    assert ("Claim", "ann", transcript.pk, whole) in inputs.annotations
    assert ("Claim", "bob", transcript.pk, whole) in inputs.annotations  # the same span
    assert all(span.passage != passages[3].pk for *_, span in inputs.annotations)
    link = next(row[3] for row in inputs.annotations if row[:2] == ("Disagreement", "ann"))
    assert link == Span(passages[4].pk, 0, len(passages[4].text), passages[1].pk, 0, whole.end)


def test_figures_match_a_hand_computation(tagged):
    report = project_agreement(tagged)
    claim = report.tags["Claim"]
    # Units p0 p1 p2 p4 p5 -> ann 0 1 0 1 0, bob 0 1 0 0 1.
    # kappa: p_o = 3/5, p_e = .4^2 + .6^2 = .52, (0.6 - 0.52) / 0.48 = 1/6.
    # alpha: n = 10, o_01 = 2, n_0 = 6, n_1 = 4: 1 - 9 * 4 / (2 * 6 * 4) = 0.25.
    assert claim.coders == ["ann", "bob"]
    assert claim.alpha.value == pytest.approx(0.25)
    assert claim.alpha.units == 5
    (pair,) = claim.pairs
    assert pair.kappa.value == pytest.approx(1 / 6)
    assert pair.kappa.units == 5
    assert (pair.a_count, pair.b_count) == (2, 2)
    assert pair.f1_exact.value == pytest.approx(0.5)  # p1: whole passage = the full span
    assert pair.f1_overlap.value == pytest.approx(0.5)
    disagreement = report.tags["Disagreement"]
    assert disagreement.alpha.value == pytest.approx(1)
    assert disagreement.pairs[0].link_overlap.value == 1  # same source passage and target
    assert disagreement.pairs[0].link_exact.value == 0  # a claim vs the passage itself
    commitment = report.tags["Commitment"]
    assert commitment.alpha.value is None
    assert "no variation" in commitment.alpha.reason


def test_all_annotators_counts_everyone_who_tagged(tagged, transcript):
    inputs = agreement_inputs(tagged, all_annotators=True)
    assert inputs.coded == {transcript.pk: frozenset({"ann", "bob", "cy"})}
    claim = project_agreement(tagged, all_annotators=True).tags["Claim"]
    assert claim.coders == ["ann", "bob", "cy"]
    rows = [(0, 0, 1), (1, 1, 0), (0, 0, 0), (1, 0, 0), (0, 1, 0)]
    assert claim.alpha == krippendorff_alpha(rows)


def test_project_figures_pool_transcripts_with_absent_coders_missing(tagged, coders, transcript):
    ann, bob, cy = coders
    second = TranscriptWithTurnsFactory()
    tagged.transcripts.add(second)
    ProgressFactory(project=tagged, transcript=second, user=cy, done_at=timezone.now())
    ProgressFactory(project=tagged, transcript=second, user=ann, done_at=timezone.now())
    first_passage = second.passages.order_by("position").first()
    AnnotationFactory(passage=first_passage, tag=tagged.tags.get(name="Claim"), annotator=cy)
    report = project_agreement(tagged)
    claim = report.tags["Claim"]
    assert claim.coders == ["ann", "bob", "cy"]
    assert claim.units == 10
    kappas = {(p.a, p.b): p.kappa.units for p in claim.pairs}
    assert kappas == {("ann", "bob"): 5, ("ann", "cy"): 5, ("bob", "cy"): 0}
    bob_cy = claim.pairs[2]
    assert bob_cy.kappa.value is None
    assert bob_cy.f1_exact.value is None  # never coded the same transcript
    assert set(report.transcripts) == {transcript.pk, second.pk}
    assert report.transcripts[second.pk]["Claim"].coders == ["ann", "cy"]
    only_second = project_agreement(tagged, transcript_id=second.pk, tag="Claim")
    assert set(only_second.tags) == {"Claim"}
    assert only_second.tags["Claim"].coders == ["ann", "cy"]
    assert only_second.tags["Claim"].units == 5


def test_other_projects_annotations_do_not_count(tagged, transcript, coders, passages):
    ann = coders[0]
    other = ProjectFactory()
    other.transcripts.add(transcript)
    AnnotationFactory(passage=passages[2], tag=other.tags.get(name="Claim"), annotator=ann)
    claim = project_agreement(tagged).tags["Claim"]
    assert claim.alpha.value == pytest.approx(0.25)


def test_json_of_a_small_project(tagged, transcript):
    data = report_json(project_agreement(tagged), project=tagged.slug)
    claim = data["tags"]["Claim"]
    assert claim["alpha"] == 0.25
    assert claim["pairs"] == [
        {
            "a": "ann",
            "b": "bob",
            "kappa": 0.1667,
            "units": 5,
            "f1_exact": 0.5,
            "f1_overlap": 0.5,
            "a_count": 2,
            "b_count": 2,
        }
    ]
    assert data["tags"]["Commitment"]["alpha"] is None
    assert data["transcripts"][str(transcript.pk)]["tags"]["Claim"] == claim


def test_a_project_without_coders_gives_undefined_figures(project, transcript):
    report = project_agreement(project)
    assert report.tags["Claim"].alpha.reason == "fewer than two coders"
    assert report.tags["Claim"].units == 0


def add_annotations(project, transcript, users, per_user):
    claim = project.tags.get(name="Claim")
    speech = list(transcript.passages.filter(kind="speech"))
    for user in users:
        for i in range(per_user):
            # A different span each round: an exact copy is refused by a unique constraint.
            start = i // len(speech)
            AnnotationFactory(
                passage=speech[i % len(speech)],
                tag=claim,
                annotator=user,
                start=start,
                end=start + 3,
            )


def test_query_count_does_not_grow_with_annotations(
    tagged, coders, transcript, django_assert_num_queries, django_assert_max_num_queries
):
    with django_assert_num_queries(4):
        small = agreement_inputs(tagged)
    add_annotations(tagged, transcript, coders, per_user=20)
    more = TranscriptWithTurnsFactory()
    tagged.transcripts.add(more)
    for user in coders:
        ProgressFactory(project=tagged, transcript=more, user=user, done_at=timezone.now())
    add_annotations(tagged, more, coders, per_user=20)
    with django_assert_max_num_queries(4):
        large = agreement_inputs(tagged)
    with django_assert_max_num_queries(4):
        project_agreement(tagged, all_annotators=True)
    assert len(large.annotations) > 10 * len(small.annotations)
