from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe

from transcripts.models import count_of

from ..access import membership_or_404
from ..models import Annotation, Project


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
    context = {
        "project": project,
        "transcripts": transcripts,
        "tags": project.tags.all(),
        "role": membership.role,
        "can_import": membership.can_curate,
    }
    return TemplateResponse(request, "annotations/project_detail.html", context)
