"""What is open in a transcript's adjudication and how much: the annotations up for it, their
coders, each passage's state, and the counters kept on the `Adjudication` row.

Counts over the whole transcript (`passage_states`, `coders`) run only in `recount`, when the
counters are behind the events; every other request reads the row (`coders_of`, the counts)
or one passage (`passage_state`).
"""

from django.db.models import Case, Count, Exists, Max, OuterRef, Q, Subquery, When

from transcripts.models import Passage

from .models import Annotation, AnnotationEvent, Membership
from .models.gold import Adjudication, GoldSource, undecided


def curated(project, transcript_id: int):
    """The annotations a curator adjudicates: the annotators' work, drafts left out."""
    annotations = Annotation.objects.in_project(project).filter(
        passage__transcript_id=transcript_id
    )
    return annotations.exclude(status=Annotation.Status.DRAFT)


def coders(project, transcript_id: int) -> list[tuple[int, str]]:
    """(user id, username) of everyone whose work is up for adjudication, by username.

    An `Exists` per project member, not a DISTINCT over every annotation of the transcript;
    still a pass over the transcript on PostgreSQL, so the board reads `coders_of()` instead.
    """
    work = curated(project, transcript_id).filter(annotator=OuterRef("user"))
    members = project.memberships.filter(Exists(work)).order_by("user__username")
    return list(members.values_list("user_id", "user__username"))


def coders_of(adjudication: Adjudication) -> list[tuple[int, str]]:
    """The coders as last counted (`recount`), by username: one small query."""
    members = Membership.objects.filter(
        project_id=adjudication.project_id, user_id__in=adjudication.coder_ids
    )
    return list(members.order_by("user__username").values_list("user_id", "user__username"))


def passage_states(project, transcript_id: int) -> dict:
    """{"annotated": passages with submitted work, "open": those with an undecided annotation}.

    One pass over the transcript's annotations, grouped by passage, instead of two counts.
    """
    pending = Case(
        When(Q(status=Annotation.Status.REJECTED) | Q(Exists(in_gold_now())), then=0), default=1
    )
    rows = curated(project, transcript_id).order_by().values("passage_id")
    states = rows.annotate(open=Max(pending)).values_list("open", flat=True)
    flags = list(states)
    return {"annotated": len(flags), "open": sum(flags)}


def open_passages(project, transcript_id: int):
    """Passages with an annotation no curator has decided (in gold at its version, or rejected)."""
    pending = undecided(curated(project, transcript_id)).filter(passage=OuterRef("pk"))
    return Passage.objects.filter(transcript_id=transcript_id).filter(Exists(pending))


def annotated_passages(project, transcript_id: int):
    work = curated(project, transcript_id).filter(passage=OuterRef("pk"))
    return Passage.objects.filter(transcript_id=transcript_id).filter(Exists(work))


def progress_counts(project) -> dict:
    """Per transcript, for `.annotate()`: passages with annotators' work and those still open,
    as the board last counted them, and whether annotators' work has arrived since.

    Read from the `Adjudication` row (None: never opened for adjudication), never counted here:
    counting every transcript's passages on each project page took 7-19 s at 1.1M annotations.
    """
    row = Adjudication.objects.filter(project=project, transcript=OuterRef("pk"))
    newer = AnnotationEvent.objects.filter(
        project=project, transcript=OuterRef("pk"), pk__gt=OuterRef("curation_counted_through")
    )
    return {
        "curation_annotated": Subquery(row.values("annotated_count")[:1]),
        "curation_open": Subquery(row.values("open_count")[:1]),
        "curation_counted_through": Subquery(row.values("counted_through")[:1]),
    }, {"curation_behind": Exists(newer)}


def latest_event(project, transcript_id: int) -> int:
    events = AnnotationEvent.objects.filter(project=project, transcript_id=transcript_id)
    return events.aggregate(last=Max("pk"))["last"] or 0


def recount(adjudication: Adjudication, through: int, *, save: bool = True) -> None:
    """The counters from scratch (one pass over the transcript), as of event `through`."""
    project, transcript_id = adjudication.project, adjudication.transcript_id
    states = passage_states(project, transcript_id)
    adjudication.annotated_count, adjudication.open_count = states["annotated"], states["open"]
    adjudication.coder_ids = [user for user, _ in coders(project, transcript_id)]
    adjudication.counted_through = through
    if save:
        adjudication.save(
            update_fields=["annotated_count", "open_count", "coder_ids", "counted_through"]
        )


def passage_state(project, transcript_id: int, passage_id: int) -> tuple[int, int]:
    """(has annotators' work, has an undecided annotation) of one passage, as 0 or 1: one query."""
    work = curated(project, transcript_id).filter(passage=passage_id)
    found = work.aggregate(
        annotated=Count("pk"),
        open=Count("pk", filter=~Q(status=Annotation.Status.REJECTED) & ~Exists(in_gold_now())),
    )
    return int(bool(found["annotated"])), int(bool(found["open"]))


def in_gold_now():
    return GoldSource.objects.filter(annotation=OuterRef("pk"), version=OuterRef("version"))
