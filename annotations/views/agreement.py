"""The Agreement page: honest figures per tag, pooled and per transcript, for curators."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe

from ..access import membership_or_404
from ..agreement_data import project_agreement
from ..forms import whole_number
from ..models import Membership


def pseudonyms(project, coders) -> dict:
    """“Annotator 1, 2, …” as in the workspace (the order people joined the project); a coder
    who has left since is numbered after the members, in username order."""
    names = project.pseudonyms(key="user__username")
    for coder in sorted(set(coders) - set(names), key=str):
        names[coder] = f"Annotator {len(names) + 1}"
    return names


@require_safe
@login_required
def project_agreement_view(request: HttpRequest, slug: str) -> HttpResponse:
    # Pairwise figures name the coders: curators and owners only, as for every layer.
    project = membership_or_404(request, slug, role=Membership.Role.CURATOR).project
    everyone = request.GET.get("coders") == "all"
    tags = list(project.tags.values_list("name", flat=True))
    titles = dict(project.transcripts.values_list("pk", "title"))
    # A filter naming no tag or transcript of this project (an old link) shows them all.
    tag = request.GET.get("tag") if request.GET.get("tag") in tags else None
    transcript_id = whole_number(request.GET.get("transcript"))
    transcript_id = transcript_id if transcript_id in titles else None
    report = project_agreement(
        project, transcript_id=transcript_id, tag=tag, all_annotators=everyone
    )
    coders = {c for figures in report.tags.values() for c in figures.coders}
    anonymised = request.GET.get("anonymise", "1" if project.anonymise else "0") == "1"
    names = pseudonyms(project, coders) if anonymised else {c: c for c in coders}
    context = {
        "project": project,
        "report": report,
        "names": names,
        "everyone": everyone,
        "anonymised": anonymised,
        "tags": tags,
        "tag": tag,
        "titles": titles,
        "transcript_id": transcript_id,
        "transcripts": [
            (titles.get(pk, pk), figures) for pk, figures in report.transcripts.items()
        ],
    }
    return TemplateResponse(request, "annotations/project_agreement.html", context)
