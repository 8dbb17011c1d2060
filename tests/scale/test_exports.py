"""Streaming exports never hold all rows: read in chunks, memory below the size of the file.

Through the export view on the large project (20,000 annotations), for every format: no query
is materialised whole (QuerySet._fetch_all never returns more than one fetch's worth), the
response streams, and the Python heap's peak stays under a third of what holding the rows the
export reads (annotation records, or passage records for the wide CSV) in one list takes.
"""

import tracemalloc

import pytest
from django.db.models.query import QuerySet
from django.urls import reverse

from annotations.export import CHUNK_SIZE, FORMATS, Selection, select

pytestmark = pytest.mark.django_db


@pytest.fixture
def fetched_sizes(monkeypatch):
    sizes = []
    original = QuerySet._fetch_all

    def recording(self):
        original(self)
        sizes.append(len(self._result_cache))

    monkeypatch.setattr(QuerySet, "_fetch_all", recording)
    return sizes


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_export_streams_without_a_list_of_all_rows(client, large, fetched_sizes, fmt):
    client.force_login(large.owner)
    url = reverse("annotations:project_export", args=[large.project.slug])
    response = client.get(url, {"format": fmt, "transcripts": [large.transcript.pk]})
    assert response.status_code == 200
    assert response.streaming
    tracemalloc.start()
    try:
        written = rows = 0
        for chunk in response.streaming_content:
            written += len(chunk)
            rows += chunk.count(b"\n")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert rows >= (20_000 if fmt != "wide-csv" else large.transcript.passages.count())
    assert max(fetched_sizes, default=0) <= CHUNK_SIZE
    held = heap_holding_all_rows(large, fmt)
    assert peak < held / 3, f"peak {peak / 2**20:.1f} MB; all rows held: {held / 2**20:.1f} MB"


def heap_holding_all_rows(large, fmt) -> int:
    """What a list of every row the export reads costs: the shape streaming must avoid."""
    dataset = select(large.project, Selection(transcripts=(large.transcript.pk,)))
    tracemalloc.start()
    try:
        held = list(dataset.passage_records() if fmt == "wide-csv" else dataset.records())
        size = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert held
    return size
