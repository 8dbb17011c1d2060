"""Nothing lost when people work at once: versioned saves, many writers, no lost updates.

The model-level tests run everywhere; the ones with real concurrent connections need
PostgreSQL (SQLite serialises every writer on one file lock, so there is no race to lose).
"""

import threading
import time
from functools import partial

import pytest
from django.db import connection, connections, transaction

from annotations.models import Annotation

from ..factories import AnnotationFactory, TranscriptWithTurnsFactory, UserFactory

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs concurrent connections: runs in the PostgreSQL pass of .ci/run",
)


@pytest.fixture
def annotation(project, transcript, annotator):
    return AnnotationFactory(
        passage=transcript.passages.speech().first(), tag=project.tags.first(), annotator=annotator
    )


def copy(annotation):
    return Annotation.objects.get(pk=annotation.pk)


@pytest.mark.django_db
def test_a_stale_save_is_refused_with_the_current_version(annotation):
    mine, theirs = copy(annotation), copy(annotation)
    theirs.apply_change(theirs.annotator, 1, note="theirs")
    assert theirs.version == 2

    with pytest.raises(Annotation.Stale) as stale:
        mine.apply_change(mine.annotator, 1, note="mine")
    assert stale.value.current.note == "theirs" and stale.value.current.version == 2
    assert f"changed by {annotation.annotator}" in str(stale.value)
    assert copy(annotation).note == "theirs"


@pytest.mark.django_db
def test_only_the_named_fields_are_written(annotation):
    mine = copy(annotation)
    mine.quote = "not saved"
    mine.apply_change(mine.annotator, 1, note="new note")
    fresh = copy(annotation)
    assert (fresh.note, fresh.quote, fresh.version) == ("new note", annotation.quote, 2)
    assert fresh.updated_at == mine.updated_at


@pytest.mark.django_db
def test_a_stale_delete_is_refused(annotation):
    Annotation.objects.filter(pk=annotation.pk).accept(by=UserFactory())  # version 2
    with pytest.raises(Annotation.Stale):
        copy(annotation).remove(annotation.annotator, 1)
    copy(annotation).remove(annotation.annotator, 2)
    assert not Annotation.objects.filter(pk=annotation.pk).exists()
    with pytest.raises(Annotation.Stale) as gone:
        annotation.remove(annotation.annotator, 2)
    assert gone.value.current is None and "deleted" in str(gone.value)


def run_threads(*targets):
    """Run each target in its own thread, so each has its own database connection."""
    errors: list[BaseException] = []

    def wrapped(target):
        try:
            target()
        except BaseException as error:  # reported by the test thread
            errors.append(error)
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=wrapped, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_connections_second_writer_waits_then_is_refused(annotation):
    first_wrote, release = threading.Event(), threading.Event()
    outcome = {}

    def first():
        with transaction.atomic():
            mine = copy(annotation)
            mine.apply_change(mine.annotator, 1, note="first")
            first_wrote.set()
            release.wait(10)  # hold the row lock while the second writer tries

    def second():
        first_wrote.wait(10)
        theirs = copy(annotation)  # READ COMMITTED: still sees version 1
        assert theirs.version == 1
        started = time.monotonic()
        try:
            theirs.apply_change(theirs.annotator, 1, note="second")
        except Annotation.Stale as stale:
            outcome["stale"] = stale
        outcome["waited"] = time.monotonic() - started

    def releaser():
        first_wrote.wait(10)
        time.sleep(0.5)
        release.set()

    run_threads(first, second, releaser)
    assert outcome["waited"] >= 0.4  # it really waited for the first connection's lock
    assert outcome["stale"].current.note == "first" and outcome["stale"].current.version == 2
    assert copy(annotation).note == "first"


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_many_annotators_tagging_at_once(project):
    transcript = TranscriptWithTurnsFactory()
    project.transcripts.add(transcript)
    passages = list(transcript.passages.speech())
    tag = project.tags.first()
    annotators = [UserFactory() for _ in range(8)]
    per_annotator = 30

    def tag_everything(index):
        for n in range(per_annotator):
            passage = passages[n % len(passages)]
            start = n // len(passages)
            Annotation.objects.create(
                passage=passage,
                tag=tag,
                annotator=annotators[index],
                start=start,
                end=start + 3,
                quote=passage.text[start : start + 3],
            )

    run_threads(*[partial(tag_everything, i) for i in range(len(annotators))])
    rows = list(Annotation.objects.values_list("annotator", "passage", "start", "end", "quote"))
    assert len(rows) == len(annotators) * per_annotator  # every one written
    assert len(set(rows)) == len(rows)  # none twice
    texts = dict(transcript.passages.values_list("pk", "text"))
    assert all(0 <= s < e <= len(texts[p]) and texts[p][s:e] == q for _, p, s, e, q in rows)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_edits_of_one_annotation_lose_nothing(annotation):
    """Eight people append to the same note, retrying on conflict: every edit survives."""
    edits_each = 10

    def edit(index):
        for n in range(edits_each):
            while True:
                current = copy(annotation)
                note = current.note + f"[{index}.{n}]"
                try:
                    current.apply_change(current.annotator, current.version, note=note)
                    break
                except Annotation.Stale:
                    continue  # re-read and re-apply, as the UI asks the person to

    run_threads(*[partial(edit, i) for i in range(8)])
    final = copy(annotation)
    assert final.version == 1 + 8 * edits_each
    assert all(f"[{i}.{n}]" in final.note for i in range(8) for n in range(edits_each))
