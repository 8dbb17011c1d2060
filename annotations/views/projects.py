from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from ..models import Project


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    projects = Project.objects.for_user(request.user).annotate(
        transcript_count=Count("transcripts", distinct=True)
    )
    return TemplateResponse(request, "annotations/project_list.html", {"projects": projects})


@login_required
def project_detail(request: HttpRequest, slug: str) -> HttpResponse:
    project = get_object_or_404(Project.objects.for_user(request.user), slug=slug)
    mine = Q(
        passages__annotations__annotator=request.user,
        passages__annotations__tag__project=project,
    )
    transcripts = project.transcripts.annotate(
        turn_count=Count("turns", distinct=True),
        speaker_count=Count("speakers", distinct=True),
        my_annotation_count=Count("passages__annotations", filter=mine, distinct=True),
    )
    context = {
        "project": project,
        "transcripts": transcripts,
        "tags": project.tags.all(),
        "role": project.role_of(request.user),
        # for_user() found the project through this membership, so it exists.
        "can_import": project.memberships.get(user=request.user).can_curate,
    }
    return TemplateResponse(request, "annotations/project_detail.html", context)
