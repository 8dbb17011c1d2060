from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe

from transcripts.models import count_of

from ..access import membership_or_404
from ..adjudication import progress_counts
from ..models import Annotation, Progress, Project


@require_safe
@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    links = Project.transcripts.through.objects.all()
    projects = Project.objects.for_user(request.user).annotate(
        transcript_count=count_of(links, outer="project")
    )
    return TemplateResponse(request, "annotations/project_list.html", {"projects": projects})


@require_safe
@login_required
def project_detail(request: HttpRequest, slug: str) -> HttpResponse:
    membership = membership_or_404(request, slug)
    project = membership.project
    mine = Annotation.objects.in_project(project).filter(annotator=request.user)
    transcripts = project.transcripts.listing().annotate(
        my_annotation_count=count_of(mine, outer="passage__transcript")
    )
    if membership.can_curate:  # adjudicated / open passages per transcript
        transcripts = transcripts.annotate(**progress_counts(project))
    assigned = assignment_status(project)
    transcripts = list(transcripts)
    for transcript in transcripts:
        transcript.assigned = assigned.get(transcript.pk, [])
        if membership.can_curate:
            transcript.curation_decided = transcript.curation_annotated - transcript.curation_open
    context = {
        "project": project,
        "transcripts": transcripts,
        "tags": project.tags.all(),
        "role": membership.role,
        "can_import": membership.can_curate,
        "can_adjudicate": membership.can_curate and request.user.is_staff,
    }
    return TemplateResponse(request, "annotations/project_detail.html", context)


def assignment_status(project) -> dict[int, list[dict]]:
    """Per transcript, who it is assigned to and how far they are: two queries in all."""
    progress = {
        (p.transcript_id, p.user_id): p
        for p in Progress.objects.filter(project=project).only(
            "transcript_id", "user_id", "seen_passages", "done_at"
        )
    }
    status: dict[int, list[dict]] = {}
    rows = project.assignments.select_related("user").only("transcript_id", "user__username")
    for assignment in rows.order_by("transcript_id", "user__username"):
        record = progress.get((assignment.transcript_id, assignment.user_id))
        state = "not started"
        if record is not None and record.done_at:
            state = "done"
        elif record is not None and record.seen_passages:
            state = "in progress"
        seen = record.seen_passages if record else 0
        entry = {"user": assignment.user.username, "state": state, "seen": seen}
        status.setdefault(assignment.transcript_id, []).append(entry)
    return status
