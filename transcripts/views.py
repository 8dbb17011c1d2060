from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe

from .models import Transcript

TURNS_PER_PAGE = 50


@require_safe
@login_required
def transcript_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Read-only view of a transcript, for anyone in a project that covers it."""
    visible = Transcript.objects.visible_to(request.user).defer("original_text")
    transcript = get_object_or_404(visible, pk=pk)
    # A page of turns at a time: a 5,000-turn hearing is megabytes in one page.
    page = Paginator(transcript.turns.with_passages(), TURNS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {"transcript": transcript, "turns": page.object_list, "page": page}
    return TemplateResponse(request, "transcripts/transcript_detail.html", context)
