"""`manage.py agreement`: the JSON contract on a small project computed by hand, csv and table.

The sample transcript's passages: 0 "Well, good afternoon.", 1 "We're making progress on our
agendas.", 2 "Thank you very much.", 3 "(Laughter.)" (stage: not a unit), 4 "We disagree on
Georgia.", 5 "Madam Secretary, what about the U.S. position on Iran?".
"""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from ..factories import AnnotationFactory, ProgressFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tagged(project, transcript):
    p = list(transcript.passages.order_by("position"))
    ann, bob, cy = (UserFactory(username=name) for name in ("ann", "bob", "cy"))
    for user in (ann, bob):
        ProgressFactory(project=project, transcript=transcript, user=user, done_at=timezone.now())
    claim, disagreement = (project.tags.get(name=n) for n in ("Claim", "Disagreement"))
    answered = AnnotationFactory(passage=p[1], tag=claim, annotator=ann)
    AnnotationFactory(passage=p[4], tag=claim, annotator=ann, start=3, end=11)
    AnnotationFactory(passage=p[1], tag=claim, annotator=bob, start=0, end=len(p[1].text))
    AnnotationFactory(passage=p[5], tag=claim, annotator=bob)
    AnnotationFactory(
        passage=p[4], tag=disagreement, annotator=ann, target=answered, target_passage=p[1]
    )
    AnnotationFactory(
        passage=p[4], tag=disagreement, annotator=bob, start=0, end=10, target_passage=p[1]
    )
    AnnotationFactory(passage=p[0], tag=claim, annotator=cy)  # cy never marked it done
    return project


def run(*args) -> str:
    out = io.StringIO()
    call_command("agreement", *args, stdout=out)
    return out.getvalue()


def test_json_matches_a_hand_computation(tagged, transcript):
    data = json.loads(run("--project", tagged.slug))
    assert data["project"] == tagged.slug
    assert set(data["tags"]) == {"Claim", "Commitment", "Disagreement"}
    # Claim, units p0 p1 p2 p4 p5: ann 0 1 0 1 0, bob 0 1 0 0 1.
    # kappa: p_o = 3/5, p_e = .4*.4 + .6*.6 = .52 -> .08/.48 = 1/6.
    # alpha: 10 values, o_01 = 2 (each way), n_0 = 6, n_1 = 4 -> 1 - 9*4/(2*6*4) = .25.
    # Spans: ann {p1 whole, p4 3-11}, bob {p1 0-end (= whole), p5 whole}: 1 match of 2 + 2.
    claim = data["tags"]["Claim"]
    assert (claim["units"], claim["coders"], claim["alpha"], claim["links"]) == (
        5,
        ["ann", "bob"],
        0.25,
        None,
    )
    (pair,) = claim["pairs"]
    assert (pair["a"], pair["b"], pair["kappa"], pair["units"]) == ("ann", "bob", 0.1667, 5)
    assert (pair["f1_exact"], pair["f1_overlap"]) == (0.5, 0.5)
    assert (pair["a_count"], pair["b_count"], len(pair)) == (2, 2, 8)  # exactly the contract
    # Disagreement: both on p4 only -> kappa and alpha 1; ann's whole p4 vs bob's 0-10: not
    # exact, overlapping. Links: both answer p1 -> an overlap match, no exact one.
    disagreement = data["tags"]["Disagreement"]
    assert (disagreement["alpha"], disagreement["pairs"][0]["kappa"]) == (1.0, 1.0)
    assert disagreement["pairs"][0]["f1_exact"] == 0.0
    assert disagreement["pairs"][0]["f1_overlap"] == 1.0
    link = disagreement["links"]["pairs"][0]
    assert (link["f1_exact"], link["f1_overlap"], link["a_count"], link["b_count"]) == (
        0.0,
        1.0,
        1,
        1,
    )
    # Commitment: nobody used it -> every figure undefined, null, never 0 or 1.
    commitment = data["tags"]["Commitment"]
    assert commitment["alpha"] is None
    assert commitment["pairs"][0]["kappa"] is None
    assert commitment["pairs"][0]["f1_exact"] is None
    # One transcript: its figures are the project's, under its id, without "transcripts".
    part = data["transcripts"][str(transcript.pk)]
    assert part["tags"] == data["tags"] and "transcripts" not in part


def test_all_annotators_counts_who_did_not_mark_done(tagged):
    data = json.loads(run("--project", tagged.slug, "--all-annotators", "--tag", "Claim"))
    assert list(data["tags"]) == ["Claim"]
    assert data["tags"]["Claim"]["coders"] == ["ann", "bob", "cy"]
    assert len(data["tags"]["Claim"]["pairs"]) == 3


def test_transcript_filter(tagged, transcript):
    data = json.loads(run("--project", tagged.slug, "--transcript", str(transcript.pk)))
    assert list(data["transcripts"]) == [str(transcript.pk)]


def test_csv_and_table_carry_the_same_figures(tagged):
    rows = list(csv.DictReader(io.StringIO(run("--project", tagged.slug, "--format", "csv"))))
    claim = next(r for r in rows if r["tag"] == "Claim" and r["transcript"] == "")
    assert (claim["alpha"], claim["kappa"], claim["a"], claim["b"]) == (
        "0.25",
        "0.1667",
        "ann",
        "bob",
    )
    commitment = next(r for r in rows if r["tag"] == "Commitment")
    assert commitment["kappa"] == ""  # undefined: empty, not 0
    table = run("--project", tagged.slug, "--format", "table", "--tag", "Claim")
    assert "0.1667" in table and "alpha" in table.splitlines()[0]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--project", "nope"], "No project 'nope'"),
        (["--tag", "Nonsense"], "has no tag 'Nonsense' (tags: Claim, Commitment, Disagreement)"),
        (["--transcript", "999999"], "has no transcript 999999"),
    ],
)
def test_unknown_names_are_a_clear_error(tagged, args, message):
    if args[0] != "--project":
        args = ["--project", tagged.slug, *args]
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run(*args)
