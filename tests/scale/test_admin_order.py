"""Admin lists page through an index: a list's ORDER BY never follows a foreign key into the
transcript's own order (date, title), which joined and sorted every row before the first page
(5 s for the annotation list at a million annotations)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

LISTS = {
    "/admin/annotations/annotation/": "annotations_annotation",
    "/admin/transcripts/passage/": "transcripts_passage",
    "/admin/transcripts/turn/": "transcripts_turn",
    "/admin/transcripts/speaker/": "transcripts_speaker",
}


@pytest.mark.parametrize("url", list(LISTS))
def test_a_list_is_not_sorted_through_the_transcripts_order(admin_client, large, url):
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(url)
    assert response.status_code == 200
    listed = f'FROM "{LISTS[url]}"'
    pages = [q["sql"] for q in queries.captured_queries if listed in q["sql"]]
    ordered = [sql.rsplit("ORDER BY", 1)[1] for sql in pages if "ORDER BY" in sql]
    assert ordered, "the list's page query was not found"
    for order in ordered:
        assert "transcripts_transcript" not in order, order
