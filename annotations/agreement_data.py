"""The thin query layer under agreement: a project's rows as `annotations.agreement.Inputs`.

Four flat `.values_list()` queries whatever the size of the project (tags, spoken passages,
who marked what done, the annotations), no model instances and no aggregation; the maths in
`annotations.agreement` does the rest. Coders are named by username: a page that anonymises
("Annotator 1, 2, ...") relabels the figures, it does not change them.
"""

from collections import defaultdict

from django.db.models.functions import Length

from transcripts.models import Passage

from .agreement import Inputs, Report, Span, build_report
from .models import Annotation, Progress, Project, Tag


def agreement_inputs(
    project: Project, *, transcript_id: int | None = None, all_annotators: bool = False
) -> Inputs:
    """The units, coders and annotations of `project` (or of one of its transcripts).

    Units are the spoken passages (stage directions are not). The coders of a transcript are
    the users who marked it done in this project, or with `all_annotators` everyone with at
    least one annotation on it in the project. Every status counts: agreement is about the
    independent layers as the annotators left them, before and apart from curation.
    """
    tags = dict(Tag.objects.filter(project=project).values_list("name", "needs_target"))
    passages = Passage.objects.filter(transcript__projects=project, kind=Passage.Kind.SPEECH)
    annotations = Annotation.objects.in_project(project)
    progress = Progress.objects.filter(project=project, done_at__isnull=False)
    if transcript_id is not None:
        passages = passages.filter(transcript_id=transcript_id)
        annotations = annotations.filter(passage__transcript_id=transcript_id)
        progress = progress.filter(transcript_id=transcript_id)
    units = list(passages.order_by("transcript_id", "position").values_list("transcript_id", "pk"))
    rows = annotations.order_by().values_list(
        "tag__name",
        "annotator__username",
        "passage__transcript_id",
        "passage_id",
        "passage__kind",
        "start",
        "end",
        Length("passage__text"),
        "target_passage_id",
        "target_id",
        "target__start",
        "target__end",
        Length("target_passage__text"),
    )
    coded: dict[int, set[str]] = defaultdict(set)
    if not all_annotators:
        for transcript, username in progress.values_list("transcript_id", "user__username"):
            coded[transcript].add(username)
    spans = []
    for tag, username, transcript, passage, kind, start, end, length, *target in rows:
        if all_annotators:
            coded[transcript].add(username)  # any annotation counts, stage directions too
        if kind == Passage.Kind.SPEECH:
            spans.append((tag, username, transcript, span(passage, start, end, length, *target)))
    return Inputs(
        units=units,
        coded={transcript: frozenset(who) for transcript, who in coded.items()},
        tags=tags,
        annotations=spans,
    )


def span(
    passage: int,
    start: int | None,
    end: int | None,
    length: int,
    target_passage: int | None,
    target: int | None,
    target_start: int | None,
    target_end: int | None,
    target_length: int | None,
) -> Span:
    """One annotation row as a Span: a whole-passage annotation spans the passage's text."""
    if start is None:
        start, end = 0, length
    if target is not None and target_start is None:
        target_start, target_end = 0, target_length  # the answered annotation is whole-passage
    return Span(passage, start, end, target_passage, target_start, target_end)


def project_agreement(
    project: Project,
    *,
    transcript_id: int | None = None,
    tag: str | None = None,
    all_annotators: bool = False,
) -> Report:
    """Figures per tag (all tags, or just `tag`) for the project and each of its transcripts."""
    inputs = agreement_inputs(project, transcript_id=transcript_id, all_annotators=all_annotators)
    return build_report(inputs, tags=None if tag is None else [tag])
