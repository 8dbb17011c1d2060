"""Span and link matching, and the per-tag report built from plain rows (no DB)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotations.agreement import (
    Inputs,
    Span,
    build_report,
    cohen_kappa,
    krippendorff_alpha,
    link_f1,
    report_json,
    span_f1,
    tag_figures,
)
from annotations.agreement.spans import exact_matches, overlap, overlap_matches, targets_match

# --- Spans -------------------------------------------------------------------------------


def test_overlap_counts_shared_characters_on_one_passage():
    assert overlap(Span(1, 0, 10), Span(1, 5, 20)) == 5
    assert overlap(Span(1, 0, 5), Span(1, 5, 9)) == 0  # touching is not sharing
    assert overlap(Span(1, 0, 10), Span(2, 0, 10)) == 0


def test_exact_matches_are_one_to_one():
    a = [Span(1, 0, 5), Span(1, 0, 5), Span(2, 3, 8)]
    b = [Span(1, 0, 5), Span(2, 3, 9)]
    assert exact_matches(a, b) == 1


def test_overlap_matches_greedy_by_largest_overlap():
    # b's long span overlaps both of a's; it goes to the larger overlap, and a's other span
    # then takes b's short one: two matches, not one.
    a = [Span(1, 0, 4), Span(1, 10, 30)]
    b = [Span(1, 2, 25), Span(1, 0, 3)]
    assert overlap_matches(a, b) == 2


def test_span_f1_exact_and_overlap():
    a = [Span(1, 0, 10), Span(2, 0, 40)]
    b = [Span(1, 0, 10), Span(2, 5, 20), Span(3, 0, 8)]
    exact = span_f1(a, b, exact=True)
    assert exact.value == pytest.approx(2 * 1 / 5)
    assert exact.units == 5
    assert span_f1(a, b, exact=False).value == pytest.approx(2 * 2 / 5)


def test_span_f1_of_nothing_is_undefined():
    f1 = span_f1([], [], exact=False)
    assert f1.value is None
    assert "neither" in f1.reason


def test_span_f1_when_only_one_annotated_is_zero():
    assert span_f1([Span(1, 0, 4)], [], exact=True).value == 0


def test_targets_match_same_passage_or_overlapping_annotations():
    on_passage = Span(1, 0, 5, target_passage=7)
    on_claim = Span(1, 0, 5, target_passage=7, target_start=0, target_end=10)
    on_nearby_claim = Span(1, 0, 5, target_passage=7, target_start=8, target_end=20)
    on_far_claim = Span(1, 0, 5, target_passage=7, target_start=12, target_end=20)
    assert targets_match(on_passage, on_claim, exact=False)
    assert targets_match(on_claim, on_nearby_claim, exact=False)
    assert not targets_match(on_claim, on_far_claim, exact=False)
    assert not targets_match(on_passage, on_claim, exact=True)
    assert not targets_match(on_passage, Span(1, 0, 5, target_passage=8), exact=False)


def test_link_f1_needs_sources_and_targets_to_match():
    a = [
        Span(1, 0, 5, target_passage=7, target_start=0, target_end=10),
        Span(2, 0, 5, target_passage=7),
        Span(3, 0, 5),  # no target: not a link
    ]
    b = [
        Span(1, 2, 5, target_passage=7, target_start=4, target_end=12),  # overlaps both ends
        Span(2, 0, 5, target_passage=8),  # same source, other target
    ]
    overlap_f1 = link_f1(a, b, exact=False)
    assert overlap_f1.value == pytest.approx(2 * 1 / 4)
    assert overlap_f1.units == 4
    assert link_f1(a, b, exact=True).value == 0
    assert link_f1(a[:1], a[:1], exact=True).value == 1


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 30), st.integers(1, 10)), max_size=12))
def test_a_layer_agrees_with_itself(rows):
    spans = [Span(p, start, start + length) for p, start, length in rows]
    for exact in (True, False):
        f1 = span_f1(spans, list(reversed(spans)), exact=exact)
        assert f1.value is None if not spans else f1.value == 1


@given(
    st.lists(st.tuples(st.integers(0, 2), st.integers(0, 20), st.integers(1, 8)), max_size=8),
    st.lists(st.tuples(st.integers(0, 2), st.integers(0, 20), st.integers(1, 8)), max_size=8),
)
def test_span_f1_is_symmetric_and_exact_never_beats_overlap(left, right):
    a = [Span(p, s, s + n) for p, s, n in left]
    b = [Span(p, s, s + n) for p, s, n in right]
    assert span_f1(a, b, exact=False) == span_f1(b, a, exact=False)
    assert exact_matches(a, b) == exact_matches(b, a) <= overlap_matches(a, b)


# --- Report ------------------------------------------------------------------------------

# Two transcripts: 10 has passages 1-4, 20 has passages 5-6. ann and bob coded 10; ann, bob
# and cy coded 20. Claim: ann marks 1, 2, 5; bob marks 1, 3, 5; cy marks 5, 6.
INPUTS = Inputs(
    units=[(10, 1), (10, 2), (10, 3), (10, 4), (20, 5), (20, 6)],
    coded={10: frozenset({"ann", "bob"}), 20: frozenset({"ann", "bob", "cy"})},
    tags={"Claim": False, "Disagreement": True},
    annotations=[
        ("Claim", "ann", 10, Span(1, 0, 20)),
        ("Claim", "ann", 10, Span(2, 0, 9)),
        ("Claim", "ann", 20, Span(5, 0, 30)),
        ("Claim", "bob", 10, Span(1, 0, 20)),
        ("Claim", "bob", 10, Span(3, 4, 9)),
        ("Claim", "bob", 20, Span(5, 10, 30)),
        ("Claim", "cy", 20, Span(5, 0, 30)),
        ("Claim", "cy", 20, Span(6, 0, 12)),
        ("Claim", "cy", 10, Span(2, 0, 9)),  # cy did not code transcript 10: ignored
        ("Claim", "ann", 10, Span(99, 0, 9)),  # not a unit (a stage direction): ignored
        ("Disagreement", "ann", 20, Span(6, 0, 12, target_passage=5)),
        ("Disagreement", "bob", 20, Span(6, 0, 12, target_passage=5, target_start=0, target_end=4)),
    ],
)


def test_tag_figures_by_hand():
    claim = tag_figures(INPUTS, "Claim")
    assert claim.coders == ["ann", "bob", "cy"]
    assert claim.units == 6
    rows = [(1, 1, None), (1, 0, None), (0, 1, None), (0, 0, None), (1, 1, 1), (0, 0, 1)]
    assert claim.alpha == krippendorff_alpha(rows)
    ann_bob, ann_cy, bob_cy = claim.pairs
    assert (ann_bob.a, ann_bob.b) == ("ann", "bob")
    assert ann_bob.kappa == cohen_kappa([(1, 1), (1, 0), (0, 1), (0, 0), (1, 1), (0, 0)])
    assert ann_bob.kappa.units == 6
    assert (ann_bob.a_count, ann_bob.b_count) == (3, 3)
    assert ann_bob.f1_exact.value == pytest.approx(2 * 1 / 6)  # passage 1 only
    assert ann_bob.f1_overlap.value == pytest.approx(2 * 2 / 6)  # and passage 5
    assert ann_cy.kappa.units == 2  # only transcript 20 is shared
    assert (ann_cy.a_count, ann_cy.b_count) == (1, 2)
    assert ann_cy.f1_exact.value == pytest.approx(2 * 1 / 3)
    assert bob_cy.kappa.value == 0  # bob 1,0 vs cy 1,1: chance level
    assert claim.mean_kappa.units == 10
    assert not claim.links
    assert ann_bob.link_exact is None


def test_link_figures_for_tags_with_targets():
    disagreement = tag_figures(INPUTS, "Disagreement")
    assert disagreement.links
    ann_bob = disagreement.pairs[0]
    assert (ann_bob.a_links, ann_bob.b_links) == (1, 1)
    assert ann_bob.link_overlap.value == 1  # a passage and an annotation on it
    assert ann_bob.link_exact.value == 0
    assert ann_bob.kappa.value == 1  # both marked passage 6, and nothing else
    assert disagreement.alpha.defined
    untouched = build_report(INPUTS).transcripts[10]["Disagreement"]
    assert untouched.pairs[0].kappa.reason == "no variation: both coders used a single category"
    assert untouched.alpha.value is None


def test_one_coder_gives_undefined_figures_not_one():
    lonely = Inputs(
        units=[(1, 1), (1, 2)],
        coded={1: frozenset({"ann"})},
        tags={"Claim": False},
        annotations=[("Claim", "ann", 1, Span(1, 0, 4))],
    )
    claim = tag_figures(lonely, "Claim")
    assert claim.alpha.value is None
    assert claim.alpha.reason == "fewer than two coders"
    assert claim.pairs == []
    assert claim.mean_kappa.value is None


def test_report_per_transcript_treats_other_transcripts_as_absent():
    report = build_report(INPUTS)
    assert set(report.tags) == {"Claim", "Disagreement"}
    assert set(report.transcripts) == {10, 20}
    first = report.transcripts[10]["Claim"]
    assert first.coders == ["ann", "bob"]
    assert first.units == 4
    assert first.pairs[0].kappa == cohen_kappa([(1, 1), (1, 0), (0, 1), (0, 0)])
    assert build_report(INPUTS, tags=["Claim"]).tags.keys() == {"Claim"}


def test_report_json_contract():
    data = report_json(build_report(INPUTS), project="clinton-lavrov")
    assert data["project"] == "clinton-lavrov"
    claim = data["tags"]["Claim"]
    assert set(claim) == {"units", "coders", "alpha", "pairs", "links"}
    assert claim["coders"] == ["ann", "bob", "cy"]
    assert claim["alpha"] == round(tag_figures(INPUTS, "Claim").alpha.value, 4)
    assert claim["pairs"][0] == {
        "a": "ann",
        "b": "bob",
        "kappa": round(cohen_kappa([(1, 1), (1, 0), (0, 1), (0, 0), (1, 1), (0, 0)]).value, 4),
        "units": 6,
        "f1_exact": 0.3333,
        "f1_overlap": 0.6667,
        "a_count": 3,
        "b_count": 3,
    }
    assert claim["links"] is None
    links = data["tags"]["Disagreement"]["links"]["pairs"][0]
    assert links == {
        "a": "ann",
        "b": "bob",
        "f1_exact": 0.0,
        "f1_overlap": 1.0,
        "a_count": 1,
        "b_count": 1,
    }
    assert data["transcripts"]["10"]["tags"]["Disagreement"]["pairs"][0]["kappa"] is None
    assert set(data["transcripts"]) == {"10", "20"}
    assert data["transcripts"]["10"]["tags"]["Claim"]["units"] == 4
    assert "transcripts" not in data["transcripts"]["10"]


def test_report_refuses_an_unknown_tag():
    with pytest.raises(ValueError, match="no such tag: Claims"):
        build_report(INPUTS, tags=["Claims"])
