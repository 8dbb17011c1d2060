"""“Seen” counts the passages shown on screen: ranges of positions, merged on the server."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from annotations.models import Progress
from annotations.seen import BadReport, count, merge_ranges, parse_ranges, subtract

from ..conftest import HTMX
from ..factories import TranscriptWithTurnsFactory


def test_parse_ranges():
    assert parse_ranges("3-10, 12,,0") == [(3, 10), (12, 12), (0, 0)]
    assert parse_ranges("") == []


@pytest.mark.parametrize("bad", ["a", "3-", "-3", "5-2", "1-2-3", "9" * 30, "1," * 1500, "１"])
def test_bad_reports_say_what_is_wrong(bad):
    with pytest.raises(BadReport):
        parse_ranges(bad)


def test_merge_joins_touching_and_overlapping_ranges():
    assert merge_ranges([[0, 4], [10, 12]], [(5, 6), (11, 20), (30, 30)]) == [
        [0, 6],
        [10, 20],
        [30, 30],
    ]


def test_subtract_keeps_only_what_is_new():
    assert subtract([(0, 10)], [[2, 3], [6, 6]]) == [[0, 1], [4, 5], [7, 10]]
    assert subtract([(2, 3)], [[0, 10]]) == []


ranges = st.lists(
    st.tuples(st.integers(0, 60), st.integers(0, 8)).map(lambda t: (t[0], t[0] + t[1]))
)


@given(ranges, ranges)
def test_merge_is_the_union_and_subtract_the_difference(a, b):
    def positions(rs):
        return {p for first, last in rs for p in range(first, last + 1)}

    merged = merge_ranges(a, b)
    assert positions(merged) == positions(a) | positions(b)
    assert count(merged) == len(positions(merged))
    assert all(
        x[1] + 1 < y[0] for x, y in zip(merged, merged[1:], strict=False)
    )  # compact: no two touch
    assert positions(subtract(b, a)) == positions(b) - positions(a)


@pytest.mark.django_db
def test_record_seen_counts_spoken_passages_once(project, transcript, annotator):
    progress = Progress.objects.create(project=project, transcript=transcript, user=annotator)
    kinds = dict(transcript.passages.values_list("position", "kind"))
    last = max(kinds)
    progress.record_seen([(0, last)])
    assert progress.seen_passages == sum(kind == "speech" for kind in kinds.values())
    assert progress.seen_ranges == [[0, last]]
    progress.record_seen([(0, 1)])  # seen again
    progress.refresh_from_db()
    assert progress.seen_passages == sum(kind == "speech" for kind in kinds.values())


@pytest.mark.django_db
def test_seen_is_what_was_shown_not_the_furthest_position(client, project, annotator):
    long = TranscriptWithTurnsFactory()
    project.transcripts.add(long)
    speech = list(long.passages.speech().values_list("position", flat=True))
    url = reverse("annotations:progress_update", args=[project.slug, long.pk])
    client.force_login(annotator)
    client.post(url, {"seen": f"{speech[-1]}"}, headers=HTMX)  # jumped to the end: one seen
    progress = Progress.objects.get(user=annotator)
    assert progress.seen_passages == 1
    assert progress.seen_ranges == [[speech[-1], speech[-1]]]


@pytest.mark.django_db
def test_a_bad_report_is_a_400_and_records_nothing(client, project, transcript, annotator):
    url = reverse("annotations:progress_update", args=[project.slug, transcript.pk])
    client.force_login(annotator)
    response = client.post(url, {"seen": "3-1"}, headers=HTMX)
    assert response.status_code == 400 and b"not a range" in response.content
    assert not Progress.objects.filter(seen_passages__gt=0).exists()


@pytest.mark.django_db
def test_a_report_costs_a_few_queries_however_long_the_transcript(
    client, project, transcript, annotator, django_assert_max_num_queries
):
    url = reverse("annotations:progress_update", args=[project.slug, transcript.pk])
    client.force_login(annotator)
    client.post(url, {"seen": "0"}, headers=HTMX)
    with django_assert_max_num_queries(16):
        client.post(url, {"seen": "1-3"}, headers=HTMX)
