from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe

from ..access import membership_or_404
from ..export import FORMATS, filename, select
from ..forms import ExportForm
from ..models import Annotation


@require_safe
@login_required
def project_export(request: HttpRequest, slug: str) -> HttpResponse:
    """The export form; submitted (a GET, so a download link can be shared) it streams the file."""
    membership = membership_or_404(request, slug)
    project = membership.project
    form = ExportForm(request.GET if "format" in request.GET else None, membership=membership)
    if form.is_valid():
        fmt = form.cleaned_data["format"]
        dataset = select(project, form.selection(), membership)
        chunks = dataset.chunks(fmt, excel=form.cleaned_data["excel"])
        response = StreamingHttpResponse(chunks, content_type=FORMATS[fmt][1])
        name = filename(project.slug, fmt, gold=form.cleaned_data["gold_only"])
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    context = {
        "project": project,
        "form": form,
        "visible": visible_count(membership),
        "blind_annotator": not membership.sees_all_annotations(),
    }
    return TemplateResponse(
        request, "annotations/project_export.html", context, status=400 if form.errors else 200
    )


def visible_count(membership) -> int:
    """How many annotations the member may export: `visible_to`, spelled on the tag ids.

    Joining the tags to filter by project made PostgreSQL read the whole annotation table
    (0.94 s at 1.1M annotations); the project's few tag ids use the tag index (0.09 s)."""
    tags = [tag.pk for tag in membership.project.tag_list()]
    annotations = Annotation.objects.filter(tag_id__in=tags)
    if not membership.sees_all_annotations():
        annotations = annotations.filter(annotator=membership.user_id)
    return annotations.count()
