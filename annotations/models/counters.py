"""Stored counts on Progress: each annotator's annotations, and passages tagged, per transcript.

Every workspace answer shows them (the progress bar's "tagged", the list's count). Counted
afresh they cost a scan of the transcript's annotations on every tag action (~0.4 s at 20,000
annotations); stored, they are one row's read. The write layer (annotation.py) keeps them in
the same transaction as each write:

- one annotation written or removed: `count_one()`, a single UPDATE by one (the "passages
  tagged" part asks whether the annotator has another annotation on that passage: one index
  probe inside the same statement);
- many at once (bulk_create, bulk_update, update, delete of a queryset; importers, the
  structure editor, COPY-built fixtures): `recount()` of the (project, transcript, annotator)
  keys they touched: one grouped COUNT per transcript and one upsert.

`recount()` with no keys rebuilds every row (the migration, `manage.py recount_progress`).
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Case, Count, Exists, F, Value, When

Key = tuple[int, int, int]  # (project, transcript, annotator)
KEY_FIELDS = ("tag__project_id", "passage__transcript_id", "annotator_id")
COUNTERS = ["annotation_count", "tagged_passages"]


def keys_of(annotations) -> set[Key]:
    """The (project, transcript, annotator) keys of these annotations: one query."""
    return set(annotations.order_by().values_list(*KEY_FIELDS).distinct())


def counted(annotations, keys: Iterable[Key]) -> dict[Key, tuple[int, int]]:
    """Fresh counts (annotations, distinct passages) for each key: a query per transcript."""
    places = defaultdict(set)
    for project, transcript, user in keys:
        places[(project, transcript)].add(user)
    found = dict.fromkeys(keys, (0, 0))
    for (project, transcript), users in places.items():
        rows = (
            annotations.filter(
                tag__project_id=project, passage__transcript_id=transcript, annotator_id__in=users
            )
            .order_by()
            .values("annotator_id")
            .annotate(n=Count("pk"), passages=Count("passage_id", distinct=True))
        )
        for row in rows:
            found[(project, transcript, row["annotator_id"])] = (row["n"], row["passages"])
    return found


def recount(keys: Iterable[Key] | None = None, *, annotation_model=None, progress_model=None):
    """Set the counters of these keys (None: of every annotator in every transcript) to a fresh
    count, creating the Progress rows that do not exist yet. The models may be a migration's."""
    annotation_model = annotation_model or _models()[0]
    progress_model = progress_model or _models()[1]
    annotations = annotation_model._base_manager.all()
    if keys is None:  # everything: one grouped query, and every other row back to zero
        rows = annotations.order_by().values(*KEY_FIELDS)
        rows = rows.annotate(n=Count("pk"), passages=Count("passage_id", distinct=True))
        found = {tuple(r[f] for f in KEY_FIELDS): (r["n"], r["passages"]) for r in rows}
        progress_model.objects.update(annotation_count=0, tagged_passages=0)
    else:
        found = counted(annotations, set(keys))
    if not found:
        return
    progress_model.objects.bulk_create(
        [
            progress_model(
                project_id=project,
                transcript_id=transcript,
                user_id=user,
                annotation_count=n,
                tagged_passages=passages,
            )
            for (project, transcript, user), (n, passages) in found.items()
        ],
        update_conflicts=True,
        unique_fields=["project", "transcript", "user"],
        update_fields=COUNTERS,
        batch_size=1000,
    )


def count_one(annotation, key: Key, delta: int) -> None:
    """Add `delta` (1 or -1) for one annotation just written at, or removed from, `key`.

    Called after the write, inside its transaction: "another of this annotator's annotations
    on the passage?" then decides whether the passage count moves too."""
    Annotation, Progress = _models()
    project, transcript, user = key
    others = Annotation._base_manager.filter(
        annotator_id=user, passage_id=annotation.passage_id, tag__project_id=project
    ).exclude(pk=annotation.pk)
    row = Progress.objects.filter(project_id=project, transcript_id=transcript, user_id=user)
    change = {
        "annotation_count": F("annotation_count") + delta,
        "tagged_passages": F("tagged_passages")
        + Case(When(Exists(others), then=Value(0)), default=Value(delta)),
    }
    if row.update(**change):
        return
    # The annotator's first write here: a row counted afresh (the write included). A request
    # that created it meanwhile wins the insert; then this write is added to its count.
    (n, passages) = counted(Annotation._base_manager.all(), [key])[key]
    try:
        with transaction.atomic():
            Progress.objects.create(
                project_id=project,
                transcript_id=transcript,
                user_id=user,
                annotation_count=n,
                tagged_passages=passages,
            )
    except IntegrityError:
        row.update(**change)


def _models():
    from .annotation import Annotation
    from .projects import Progress

    return Annotation, Progress
