from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe

from .models import Transcript


@require_safe
@login_required
def transcript_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Read-only view of a transcript, for anyone in a project that covers it."""
    transcript = get_object_or_404(Transcript.objects.visible_to(request.user), pk=pk)
    context = {"transcript": transcript, "turns": transcript.turns.with_passages()}
    return TemplateResponse(request, "transcripts/transcript_detail.html", context)
