"""The structure editor: curators and owners fix speakers, turns and passages of a transcript.

One URL: GET shows a window of turns with their tools (`?from=<turn>`; `?passage=<id>` opens
one passage's tools, as a fragment for htmx); POST makes one edit (`action=` names it) through
`annotations.structure` and answers htmx with the editor fragment, redrawn from the database,
and the messages. Annotators never reach it (403), outsiders get a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from transcripts.models import Passage, Turn, count_of
from transcripts.structure import StructureError

from .. import structure
from ..access import membership_or_404, transcript_or_404
from ..forms import whole_number
from ..models import Annotation, Membership, StructureChange

TEMPLATE = "annotations/structure_editor.html"
WINDOW = 20  # turns a page shows; every edit redraws the same window
HISTORY = 8


def _number(data, name: str) -> int | None:
    return whole_number(data.get(name))


ACTIONS = {
    "rename_speaker": lambda m, t, d: structure.rename_speaker(
        m, t, _number(d, "speaker"), d.get("name", "")
    ),
    "merge_speakers": lambda m, t, d: structure.merge_speakers(
        m, t, _number(d, "speaker"), _number(d, "into")
    ),
    "reassign_turn": lambda m, t, d: structure.reassign_turn(
        m, t, _number(d, "turn"), d.get("speaker_name", "")
    ),
    "merge_turn": lambda m, t, d: structure.merge_turn(m, t, _number(d, "turn")),
    "reassign_passage": lambda m, t, d: structure.reassign_passage(
        m, t, _number(d, "passage"), d.get("speaker_name", "")
    ),
    "split_turn": lambda m, t, d: structure.split_turn(m, t, _number(d, "passage")),
    "split_passage": lambda m, t, d: structure.split_passage(
        m, t, _number(d, "passage"), _number(d, "at") or 0
    ),
    "merge_passage": lambda m, t, d: structure.merge_passage(m, t, _number(d, "passage")),
    "mark_stage": lambda m, t, d: structure.mark_passage(
        m, t, _number(d, "passage"), Passage.Kind.STAGE
    ),
    "mark_speech": lambda m, t, d: structure.mark_passage(
        m, t, _number(d, "passage"), Passage.Kind.SPEECH
    ),
    "undo": lambda m, t, d: structure.undo_last(m, t),
}


def editor_context(membership: Membership, transcript, start: int, opened: int | None) -> dict:
    tagged = count_of(Annotation.objects.all(), outer="passage")
    passages = Passage.objects.annotate(tagged=tagged).order_by("position")
    turns = (
        transcript.turns.select_related("speaker")
        .filter(position__gte=start)
        .prefetch_related(Prefetch("passages", queryset=passages))
    )
    speakers = transcript.speakers.annotate(turn_count=count_of(Turn.objects.all(), "speaker"))
    changes = StructureChange.objects.of(transcript).select_related("user", "project")
    total = transcript.turns.count()
    args = [membership.project.slug, transcript.pk]
    return {
        "project": membership.project,
        "membership": membership,
        "transcript": transcript,
        "turns": turns[:WINDOW],
        "start": start,
        "total_turns": total,
        "previous_start": max(start - WINDOW, 0) if start else None,
        "next_start": start + WINDOW if start + WINDOW < total else None,
        "speakers": speakers,
        "history": changes[:HISTORY],
        "can_undo": changes.standing().exists(),
        "opened": opened,
        "editor_url": reverse("annotations:structure_editor", args=args),
        "workspace_url": reverse("annotations:workspace", args=args),
    }


@require_http_methods(["GET", "POST"])
@login_required
@vary_on_headers("HX-Request")
def structure_editor(request: HttpRequest, slug: str, transcript_id: int) -> HttpResponse:
    membership = membership_or_404(request, slug, role=Membership.Role.CURATOR)
    transcript = transcript_or_404(membership, transcript_id)
    data = request.POST if request.method == "POST" else request.GET
    start = _number(data, "from") or 0
    if request.method == "POST":
        return _edit(request, membership, transcript, start)
    opened = _number(request.GET, "passage")
    context = editor_context(membership, transcript, start, opened)
    template = TEMPLATE
    if request.htmx and not request.htmx.history_restore_request:
        if opened:
            context["passage"] = transcript.passages.filter(pk=opened).first()
            template += "#passage-tools" if context["passage"] else "#structure"
        else:
            template += "#structure"
    return TemplateResponse(request, template, context)


def _edit(request: HttpRequest, membership, transcript, start: int) -> HttpResponse:
    edit = ACTIONS.get(request.POST.get("action", ""))
    status = 200
    if edit is None:
        messages.error(request, "Unknown structure edit.")
        status = 400
    else:
        try:
            outcome = edit(membership, transcript, request.POST)
        except StructureError as refusal:
            messages.error(request, f"Not changed: {refusal}".replace("Not changed: Not", "Not"))
            status = 422
        else:
            messages.success(request, outcome.message)
            for note in outcome.notes:
                messages.warning(request, note)
    if not request.htmx:  # no JS: post/redirect/get, the messages on the page
        url = reverse("annotations:structure_editor", args=[membership.project.slug, transcript.pk])
        return redirect(f"{url}?from={start}" if start else url)
    context = editor_context(membership, transcript, start, None)
    response = TemplateResponse(request, f"{TEMPLATE}#edit-answer", context, status=status)
    return trigger_client_event(response, "structure-changed") if status == 200 else response
