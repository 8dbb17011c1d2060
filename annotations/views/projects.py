from django.contrib.auth.decorators import login_required
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe

from transcripts.models import Passage, count_of

from ..access import membership_or_404
from ..adjudication import progress_counts
from ..models import Assignment, Progress, Project


@require_safe
@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    links = Project.transcripts.through.objects.all()
    mine = Assignment.objects.filter(user_id=request.user.pk)
    projects = Project.objects.for_user(request.user).annotate(
        transcript_count=count_of(links, outer="project"),
        my_assignments=count_of(mine, outer="project"),
        my_done=count_of(mine.done(), outer="project"),
    )
    return TemplateResponse(request, "annotations/project_list.html", {"projects": projects})


@require_safe
@login_required
def project_detail(request: HttpRequest, slug: str) -> HttpResponse:
    membership = membership_or_404(request, slug)
    project = membership.project
    # My count is the stored counter (models/counters.py), not a count of my annotations.
    mine = Progress.objects.filter(project=project, user=request.user, transcript=OuterRef("pk"))
    transcripts = project.transcripts.listing().annotate(
        my_annotation_count=Coalesce(Subquery(mine.values("annotation_count")[:1]), 0),
        passage_count=count_of(Passage.objects.filter(kind=Passage.Kind.SPEECH)),
    )
    if membership.can_curate:  # adjudicated / open passages per transcript, as last counted
        counts, behind = progress_counts(project)
        transcripts = transcripts.annotate(**counts).annotate(**behind)
    assigned = assignment_status(project)
    transcripts = list(transcripts)
    my_work = []
    for transcript in transcripts:
        transcript.assigned = assigned.get(transcript.pk, [])
        for entry in transcript.assigned:
            if entry["user_id"] == request.user.pk:
                my_work.append({**entry, "transcript": transcript})
        if membership.can_curate and transcript.curation_annotated is not None:
            transcript.curation_decided = transcript.curation_annotated - transcript.curation_open
    context = {
        "project": project,
        "transcripts": transcripts,
        "my_work": my_work,
        "tags": project.tags.all(),
        "role": membership.role,
        "can_import": membership.can_curate,
        "can_adjudicate": membership.can_curate and request.user.is_staff,
    }
    return TemplateResponse(request, "annotations/project_detail.html", context)


def assignment_status(project) -> dict[int, list[dict]]:
    """Per transcript, who it is assigned to, how far they are and (dynamic work) when it is
    released if left alone: two queries in all, whatever the number of transcripts."""
    progress = {
        (p.transcript_id, p.user_id): p
        for p in Progress.objects.filter(project=project).only(
            "transcript_id", "user_id", "seen_passages", "done_at"
        )
    }
    status: dict[int, list[dict]] = {}
    rows = (
        project.assignments.with_touched()
        .select_related("user")
        # project_id too: the related manager sets .project on each row from it.
        .only("project_id", "transcript_id", "user__username", "dynamic", "assigned_at")
    )
    for assignment in rows.order_by("transcript_id", "user__username"):
        touched = assignment.touched
        record = progress.get((assignment.transcript_id, assignment.user_id))
        state = "not started"
        if record is not None and record.done_at:
            state = "done"
        elif record is not None and record.seen_passages:
            state = "in progress"
        seen = record.seen_passages if record else 0
        entry = {
            "user": assignment.user.username,
            "user_id": assignment.user_id,
            "state": state,
            "seen": seen,
            "release_at": None if state == "done" else assignment.release_due(project, touched),
        }
        status.setdefault(assignment.transcript_id, []).append(entry)
    return status
