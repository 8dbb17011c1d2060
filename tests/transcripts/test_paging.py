"""Admin lists of big tables: an unfiltered list's count is PostgreSQL's estimate, never a
COUNT(*) of the table; filtered lists, small tables and SQLite count exactly."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from transcripts import paging
from transcripts.models import Passage

from ..factories import TranscriptWithTurnsFactory

pytestmark = pytest.mark.django_db


def count(queryset) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        counted = paging.EstimatedCountPaginator(queryset, 10).count
    return counted, [q["sql"] for q in queries.captured_queries]


def test_small_tables_and_filtered_lists_count_exactly():
    transcript = TranscriptWithTurnsFactory()
    exact = Passage.objects.filter(transcript=transcript).count()
    assert count(Passage.objects.filter(transcript=transcript))[0] == exact
    assert count(Passage.objects.all())[0] == Passage.objects.count()  # under ESTIMATE_FROM


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the estimate is PostgreSQL's")
def test_an_unfiltered_big_list_takes_the_estimate(monkeypatch):
    TranscriptWithTurnsFactory()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE transcripts_passage")
    monkeypatch.setattr(paging, "ESTIMATE_FROM", 0)  # as if the table were big
    counted, sql = count(Passage.objects.select_related("transcript"))
    assert counted == paging.estimated_rows(Passage.objects.all()) >= 0
    assert not any("COUNT(" in q for q in sql)
    filtered, sql = count(Passage.objects.filter(kind="speech"))
    assert any("COUNT(" in q for q in sql)
    assert filtered == Passage.objects.filter(kind="speech").count()


def test_sqlite_has_no_estimate():
    if connection.vendor == "postgresql":
        pytest.skip("SQLite's case")
    assert paging.estimated_rows(Passage.objects.all()) is None
