"""The board's counters live on the Adjudication row: every decision keeps them true without
counting the transcript, and annotators' work arriving in between makes them recount."""

import pytest
from django.urls import reverse

from annotations import adjudication
from annotations.models import Adjudication, GoldAnnotation
from tests.conftest import HTMX

from .conftest import tag

pytestmark = pytest.mark.django_db


def counters(project, transcript) -> tuple[int, int]:
    stored = Adjudication.objects.get(project=project, transcript=transcript)
    return stored.annotated_count, stored.open_count


def counted(project, transcript) -> tuple[int, int]:
    states = adjudication.passage_states(project, transcript.pk)
    return states["annotated"], states["open"]


def post(client, name, project, transcript, *args, **data):
    url = reverse(f"admin:annotations_adjudicate_{name}", args=[project.slug, transcript.pk, *args])
    response = client.post(url, data, headers=HTMX)
    assert response.status_code in (200, 409), response.content[:300]
    return response


def test_every_click_keeps_the_stored_counters_equal_to_a_recount(
    client, staff_curator, layers, board_url, project, transcript
):
    client.force_login(staff_curator)
    client.get(board_url)
    assert counters(project, transcript) == counted(project, transcript) == (2, 1)
    span, whole = layers["span"], layers["whole"]
    span.refresh_from_db()
    post(client, "accept", project, transcript, span.pk, version=span.version)
    assert counters(project, transcript) == counted(project, transcript) == (2, 1)  # whole open
    whole.refresh_from_db()
    seen = f"{whole.pk}:{whole.version}"
    post(client, "reject", project, transcript, whole.passage_id, seen=seen)
    assert counters(project, transcript) == counted(project, transcript) == (2, 0)
    gold = GoldAnnotation.objects.get(passage=span.passage_id)
    post(client, "gold_remove", project, transcript, gold.pk, version=gold.version)
    assert counters(project, transcript) == counted(project, transcript) == (2, 1)
    stale = post(client, "accept", project, transcript, span.pk, version=span.version)
    assert stale.status_code == 409  # the removal bumped its version: the counters stand
    assert counters(project, transcript) == counted(project, transcript) == (2, 1)
    assert b'<strong class="open-count">1</strong>' in stale.content


@pytest.fixture
def meanwhile(
    client, staff_curator, layers, board_url, project, transcript, coders, passages, tags
):
    """The board opened and counted; then an annotator's new work on passage 5 (an event)."""
    client.force_login(staff_curator)
    client.get(board_url)
    assert counters(project, transcript) == (2, 1)
    new = tag(coders[0], passages[5], tags["Claim"])
    new.apply_change(new.annotator, new.version, note="a new passage annotated")


def test_annotators_work_since_the_last_count_is_counted_on_the_next_request(
    client, meanwhile, board_url, project, transcript
):
    assert counters(project, transcript) == (2, 1)  # not yet: nobody asked
    response = client.get(board_url)
    assert counters(project, transcript) == counted(project, transcript) == (3, 2)
    assert b'<strong class="open-count">2</strong>' in response.content


def test_a_click_after_annotators_work_recounts_instead_of_adding(
    client, meanwhile, layers, project, transcript
):
    whole = layers["whole"]
    whole.refresh_from_db()
    seen = f"{whole.pk}:{whole.version}"
    post(client, "reject", project, transcript, whole.passage_id, seen=seen)
    assert counters(project, transcript) == counted(project, transcript) == (3, 2)


def test_the_project_page_shows_the_board_s_counts_and_says_when_work_arrived_since(
    client, staff_curator, meanwhile, board_url, project, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12) as captured:
        body = client.get(project.get_absolute_url()).content.decode()
    assert "1 of 2 decided · 1 open" in body and "new work since last counted" in body
    # The transcripts' counts are the stored counters: their query reads no annotation.
    (listing,) = [q["sql"] for q in captured.captured_queries if "curation_annotated" in q["sql"]]
    assert '"annotations_annotation"' not in listing
    client.get(board_url)  # counts again
    body = client.get(project.get_absolute_url()).content.decode()
    assert "1 of 3 decided · 2 open" in body and "new work since" not in body


def test_a_transcript_never_opened_for_adjudication_says_so(client, staff_curator, layers, project):
    client.force_login(staff_curator)
    body = client.get(project.get_absolute_url()).content.decode()
    assert "not opened for adjudication" in body and "decided ·" not in body
