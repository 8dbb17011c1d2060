"""The owner's delete pages: they show what will go, ask for confirmation, record the deletion."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from ..access import membership_or_404
from ..deletion import delete_with_annotations, summarise
from ..models import Membership, Project


def owned_project(request: HttpRequest, slug: str) -> Project:
    # Non-members get a 404 (existence does not leak); members who are not owners a 403.
    return membership_or_404(request, slug, role=Membership.Role.OWNER).project


@require_http_methods(["GET", "POST"])
def project_delete(request: HttpRequest, slug: str) -> HttpResponse:
    project = owned_project(request, slug)
    summary, error = summarise(project), ""
    if request.method == "POST":
        if request.POST.get("confirm", "").strip() == project.slug:
            delete_with_annotations(project, by=request.user)
            messages.success(request, f"Deleted project “{project.name}”: {summary.describe()}.")
            return redirect("annotations:project_list")
        error = f"Type the project's short name, {project.slug}, to confirm."
    context = {"project": project, "summary": summary, "error": error}
    return TemplateResponse(
        request, "annotations/project_confirm_delete.html", context, status=400 if error else 200
    )


@require_http_methods(["GET", "POST"])
def transcript_delete(request: HttpRequest, slug: str, transcript_id: int) -> HttpResponse:
    project = owned_project(request, slug)
    transcript = get_object_or_404(project.transcripts, pk=transcript_id)
    owned = Project.objects.owned_by(request.user)
    # A transcript shared with a project this user does not own is not theirs to delete.
    shared_with = transcript.projects.exclude(pk__in=owned).count()
    summary, error, status = summarise(transcript), "", 200
    if request.method == "POST":
        if shared_with:
            error, status = "This transcript is used by other projects; it was not deleted.", 409
        elif request.POST.get("confirm") == "yes":
            delete_with_annotations(transcript, by=request.user)
            messages.success(
                request, f"Deleted transcript “{transcript.title}”: {summary.describe()}."
            )
            return redirect(project)
        else:
            error, status = "Tick the box to confirm the deletion.", 400
    context = {
        "project": project,
        "transcript": transcript,
        "summary": summary,
        "shared_with": shared_with,
        "error": error,
    }
    return TemplateResponse(
        request, "annotations/transcript_confirm_delete.html", context, status=status
    )
