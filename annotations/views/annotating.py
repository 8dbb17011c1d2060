"""Workspace actions: create, edit, delete an annotation, and undo.

Each answers an htmx request with the fragments that changed (passages, side panel, progress,
details, messages) as out-of-band swaps from workspace.html#changes, and anything else with
post/redirect/get. Refusals are 4xx with the reason in the page's messages; nothing is saved.
"""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from transcripts.models import Passage

from .. import undo as history
from ..access import membership_or_404, transcript_or_404
from ..forms import AnnotationCreateForm, AnnotationEditForm
from ..models import Annotation, DuplicateAnnotation, Membership, StaleAnnotation, new_request_id
from .workspace import touched_passages, whole_number, workspace_context


def changes(
    request,
    membership,
    transcript,
    passage_ids,
    annotation_ids=(),
    *,
    status=200,
    known=(),
    **extra,
):
    """The fragments an action changed, as one htmx response of out-of-band swaps: the
    passages touched, each touched item of the list, the counts. Its size does not grow
    with the number of annotations in the transcript, nor its queries: the touched passages
    (`known` ones not read again) and their annotations, then one query of figures."""
    context = workspace_context(request, membership, transcript, **extra)
    context["changed"] = touched_passages(membership, transcript, passage_ids, known)
    context["panel_changes"] = context["panel"].changes(annotation_ids, context["changed"])
    response = TemplateResponse(
        request, "annotations/workspace.html#changes", context, status=status
    )
    if status == 200:
        trigger_client_event(response, "annotations-changed")
    return response


def refuse(request, membership, transcript, reasons, *, status=400, annotation=None, **extra):
    """A 4xx whose reasons land in the page's messages; without htmx, back to the page."""
    for reason in reasons:
        messages.error(request, reason)
    if not request.htmx:
        return back_to(transcript, membership, annotation)
    response = changes(request, membership, transcript, [], status=status, **extra)
    response["Parley-Refusal"] = "1"  # workspace.js: swap it, never treat it as a crash
    return response


def load_annotation(request, slug: str, annotation_id: int) -> tuple[Membership, Annotation]:
    membership = membership_or_404(request, slug)
    annotation = get_object_or_404(
        Annotation.objects.visible_to(membership)
        .select_related(
            "tag",
            "annotator",
            "passage__transcript",
            "passage__turn__speaker",
            "target_passage__turn__speaker",
            "target",
        )
        .defer("passage__transcript__original_text"),  # megabytes, and no fragment shows it
        pk=annotation_id,
    )
    return membership, annotation


def can_edit(membership: Membership, annotation: Annotation) -> bool:
    return annotation.annotator_id == membership.user_id or membership.can_curate


def back_to(transcript, membership, annotation=None):
    if annotation is not None:
        return redirect("annotations:annotation_detail", membership.project.slug, annotation.pk)
    return redirect("annotations:workspace", membership.project.slug, transcript.pk)


CLIPPED_NOTE = (
    "Your selection ran into the next passage: it was clipped to the passage where it starts."
)


@require_POST
@login_required
def annotation_create(request: HttpRequest, slug: str, transcript_id: int) -> HttpResponse:
    membership = membership_or_404(request, slug)
    # The passage tagged, with its transcript, in one query; the transcript alone if not found.
    passage = passage_to_tag(membership, transcript_id, request.POST.get("passage"))
    if passage is not None:
        transcript = passage.transcript
    else:
        transcript = transcript_or_404(membership, transcript_id)
    form = AnnotationCreateForm(
        request.POST, membership=membership, transcript=transcript, passage=passage
    )
    if not form.is_valid():
        reasons = [e for errors in form.errors.values() for e in errors]
        return refuse(request, membership, transcript, reasons)
    try:
        annotation = Annotation.objects.create_by(
            membership,
            request_id=new_request_id(request.POST.get("request_id")),
            **form.annotation_fields(),
        )
    except DuplicateAnnotation as duplicate:
        # A second press of the same key says so; it neither adds a copy nor removes the first.
        reason = f"{duplicate} You have tagged exactly this already; nothing was added."
        return refuse(request, membership, transcript, [reason], status=409)
    if request.POST.get("clipped"):
        # Said by the server, so the note survives the swap of the page's messages.
        messages.warning(request, CLIPPED_NOTE)
    if not request.htmx:
        messages.success(request, f"Tagged as {annotation.tag.name}.")
        return back_to(transcript, membership)
    touched = [annotation.passage_id, annotation.target_passage_id]
    known = [form.cleaned_data["passage"], form.cleaned_data["target_passage"]]
    return changes(request, membership, transcript, touched, [annotation.pk], known=known)


def passage_to_tag(membership, transcript_id: int, passage_id) -> Passage | None:
    """The passage `passage_id` of this transcript of the member's project, with its turn,
    speaker and transcript (not its source text), or None."""
    if not (pk := whole_number(passage_id)):
        return None
    passages = Passage.objects.filter(
        pk=pk, transcript_id=transcript_id, transcript__projects=membership.project
    )
    passages = passages.select_related("turn__speaker", "transcript")
    return passages.defer("transcript__original_text").first()


def details_context(membership, annotation, form=None, *, data=None, tag=None, **extra) -> dict:
    """What the details panel shows: the saved annotation, or what the user just sent."""
    tag = tag or annotation.tag
    if data is None:
        note, values = annotation.note, annotation.attributes
        target = {"annotation": annotation.target_id, "passage": annotation.target_passage_id}
    else:
        note = data.get("note", "")
        values = {key[5:]: value for key, value in data.items() if key.startswith("attr-")}
        target = {"annotation": data.get("target"), "passage": data.get("target_passage")}
    errors = form.attribute_errors if form is not None else {}
    fields = [
        {
            "name": spec["name"],
            "label": spec.get("label") or spec["name"],
            "choices": spec.get("choices"),
            "value": values.get(spec["name"], ""),
            "error": errors.get(spec["name"]),
        }
        for spec in tag.attribute_schema
    ]
    return {
        "selected": annotation,
        "can_edit": can_edit(membership, annotation),
        # Said before saving: an annotator's edit sends reviewed work back (Annotation.edited_by).
        "back_to_review": can_edit(membership, annotation)
        and not membership.can_curate
        and annotation.status in {Annotation.Status.ACCEPTED, Annotation.Status.REJECTED},
        "form": form,
        "detail_tag": tag,
        "detail_note": note,
        "detail_target": target,
        "attribute_fields": fields,
        **extra,
    }


@require_http_methods(["GET", "POST"])
@login_required
@vary_on_headers("HX-Request")
def annotation_detail(request: HttpRequest, slug: str, annotation_id: int) -> HttpResponse:
    """GET: the details panel (or the workspace with it open); POST: save its form."""
    membership, annotation = load_annotation(request, slug, annotation_id)
    transcript = annotation.passage.transcript
    if request.method == "POST":
        return annotation_update(request, membership, annotation)
    extra = details_context(membership, annotation)
    if tag_id := whole_number(request.GET.get("tag")):
        # The tag select re-renders the form with that tag's attributes, keeping what was typed.
        tag = membership.project.tags.filter(pk=tag_id).first()
        extra = details_context(membership, annotation, data=request.GET, tag=tag)
    template = "annotations/workspace.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#details"
    context = workspace_context(request, membership, transcript, **extra)
    return TemplateResponse(request, template, context)


def annotation_update(request, membership: Membership, annotation: Annotation) -> HttpResponse:
    transcript = annotation.passage.transcript
    refused = partial(refuse, request, membership, transcript, annotation=annotation)
    if not can_edit(membership, annotation):
        reason = "You can edit only your own annotations; ask a curator to change this one."
        return refused([reason], status=403, **details_context(membership, annotation))
    form = AnnotationEditForm(request.POST, membership=membership, annotation=annotation)
    if not form.is_valid():
        reasons = ["Not saved: " + e for errors in form.errors.values() for e in errors]
        tag = form.cleaned_data.get("tag")
        return refused(
            reasons, **details_context(membership, annotation, form, data=request.POST, tag=tag)
        )
    before = {annotation.passage_id, annotation.target_passage_id}
    loaded_before = [annotation.passage, annotation.target_passage]
    version = form.cleaned_data["version"]
    was = annotation.status
    try:
        annotation.apply_change(membership, version, **form.changes())
    except StaleAnnotation as stale:
        if stale.current is None:
            return refused([f"Not saved: {stale}"], status=409, clear_details=True)
        current = load_annotation(request, membership.project.slug, annotation.pk)[1]
        who = stale.changed_by or "someone else"
        if stale.changed_by == request.user:
            who = "you"  # in another tab or window
        reason = (
            f"Not saved: {who} saved this annotation meanwhile (it is now version "
            f"{current.version}, you edited version {version}). "
            "The current version is shown; make your change again."
        )
        # What they typed stays on screen beside the current version, to re-apply by hand.
        yours = details_context(
            membership, annotation, data=request.POST, tag=form.cleaned_data["tag"]
        )
        extra = details_context(membership, current, stale=True, yours=yours)
        return refused([reason], status=409, **extra)
    # apply_change updated `annotation` and its related objects in place: no re-read.
    if annotation.status != was:
        messages.warning(request, "Saved. A curator had reviewed it: it is back for review.")
    else:
        messages.success(request, "Saved.")
    if not request.htmx:
        return back_to(transcript, membership, annotation)
    touched = before | {annotation.target_passage_id}
    extra = details_context(membership, annotation)
    known = [annotation.passage, annotation.target_passage, *loaded_before]
    return changes(request, membership, transcript, touched, [annotation.pk], known=known, **extra)


@require_POST
@login_required
def annotation_delete(request: HttpRequest, slug: str, annotation_id: int) -> HttpResponse:
    membership, annotation = load_annotation(request, slug, annotation_id)
    transcript = annotation.passage.transcript
    if not can_edit(membership, annotation):
        reason = "You can delete only your own annotations."
        return refuse(request, membership, transcript, [reason], status=403, annotation=annotation)
    touched = {annotation.passage_id, annotation.target_passage_id}
    described = annotation.describe()
    try:
        touched |= annotation.remove(membership, whole_number(request.POST.get("version")))
    except StaleAnnotation as stale:
        return refuse(request, membership, transcript, [f"Not deleted: {stale}"], status=409)
    messages.info(request, f"Deleted the {described}. Press u to undo.")
    if not request.htmx:
        return back_to(transcript, membership)
    known = [annotation.passage, annotation.target_passage]
    return changes(
        request, membership, transcript, touched, [annotation.pk], known=known, clear_details=True
    )


@require_POST
@login_required
def undo(request: HttpRequest, slug: str, transcript_id: int) -> HttpResponse:
    membership = membership_or_404(request, slug)
    page_events = whole_number(request.POST.get("page_events"))
    return replay(request, membership, transcript_id, history.undo_last, page_events=page_events)


@require_POST
@login_required
def redo(request: HttpRequest, slug: str, transcript_id: int) -> HttpResponse:
    membership = membership_or_404(request, slug)
    return replay(request, membership, transcript_id, history.redo_last)


def replay(request, membership, transcript_id: int, verb, **options) -> HttpResponse:
    """Undo or redo; the transcript comes with the event replayed (or alone, on a refusal)."""
    try:
        outcome = verb(membership=membership, transcript=transcript_id, **options)
    except history.Refused as refusal:
        transcript = transcript_or_404(membership, transcript_id)
        return refuse(request, membership, transcript, [str(refusal)], status=409)
    transcript = outcome.transcript
    messages.info(request, outcome.message)
    if not request.htmx:
        return back_to(transcript, membership)
    touched, changed, known = outcome.touched, [outcome.event.subject], outcome.loaded
    return changes(
        request, membership, transcript, touched, changed, known=known, clear_details=True
    )
