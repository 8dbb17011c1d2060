from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from ..models import Project


@login_required
def workspace(request: HttpRequest, slug: str, transcript_id: int) -> HttpResponse:
    project = get_object_or_404(Project.objects.for_user(request.user), slug=slug)
    transcript = get_object_or_404(project.transcripts, pk=transcript_id)
    context = {
        "project": project,
        "transcript": transcript,
        "turns": transcript.turns.with_passages(),
        "tags": project.tags.all(),
    }
    return TemplateResponse(request, "annotations/workspace.html", context)
