import threading
from pathlib import Path

import pytest
from django.db import connection, connections

from transcripts.models import Transcript

from ..factories import ProjectFactory

SEED = Path(__file__).resolve().parents[2] / "demo" / "clinton-lavrov-2009-05-07.txt"


@pytest.mark.django_db(transaction=True)
def test_the_same_file_imported_twice_at_once_lands_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locks and a connection per thread")
    project = ProjectFactory()
    data, start, results, errors = SEED.read_bytes(), threading.Barrier(2), [], []

    def run():
        try:
            start.wait()
            results.append(project.import_transcript(data).created)
        except Exception as error:  # reported below: a thread's exception would be lost
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == [False, True]
    assert project.transcripts.count() == 1 == Transcript.objects.count()
