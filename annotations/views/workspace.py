"""The annotation workspace page: turns in chunks, side panel, progress, and the tag colours.

`workspace_context()` is shared with views/annotating.py: every POST there answers with the
same partials this page is built from (out-of-band swaps), so the two never drift apart.
"""

from dataclasses import dataclass
from functools import cached_property, partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q, Subquery
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from transcripts.models import Passage, Transcript

from .. import seen
from ..access import membership_or_404, transcript_or_404
from ..forms import whole_number
from ..models import Annotation, Membership, Progress
from ..undo import latest_event_id
from .figures import Figures, SubqueryCount, stored_count
from .panel import Key, Panel


def load_workspace(request: HttpRequest, slug: str, transcript_id: int):
    membership = membership_or_404(request, slug)
    return membership, transcript_or_404(membership, transcript_id)


@dataclass(frozen=True)
class Filters:
    speaker: int | None = None
    tag: int | None = None
    untagged: bool = False
    panel_speaker: int | None = None
    panel_tag: int | None = None

    @classmethod
    def from_query(cls, query) -> "Filters":
        return cls(
            speaker=whole_number(query.get("speaker")),
            tag=whole_number(query.get("tag")),
            untagged=query.get("untagged") == "1",
            panel_speaker=whole_number(query.get("panel_speaker")),
            panel_tag=whole_number(query.get("panel_tag")),
        )

    @property
    def active(self) -> bool:
        return bool(self.speaker or self.tag or self.untagged)


def visible_annotations(membership: Membership, transcript):
    return Annotation.objects.visible_to(membership).filter(passage__transcript=transcript)


def display_passages(membership: Membership):
    """Passages with what their partial shows: annotations on them and those answering them."""
    visible = Annotation.objects.visible_to(membership)
    return Passage.objects.prefetch_related(
        Prefetch(
            "annotations",
            queryset=visible.select_related(
                "tag", "annotator", "target__tag", "target_passage__turn__speaker"
            ),
            to_attr="shown",
        ),
        Prefetch(
            "answered_by",
            queryset=visible.select_related("tag", "annotator", "passage__turn__speaker"),
            to_attr="disputes",
        ),
    )


# The first screen renders this many passages; the rest load as they scroll in. Passages, not
# turns: a transcript of few long turns (17 turns, 442 passages) made one chunk of 148 KB.
CHUNK_PASSAGES = 80


@dataclass
class Chunk:
    """Passages from position `start` on, grouped by turn, evaluated only if a template asks.

    A long turn may be cut between chunks: its rest opens the next chunk as a turn marked
    `continued` (same speaker, no id of its own, so the page has one `turn-ID`)."""

    membership: Membership
    transcript: Transcript
    filters: Filters
    start: int = 0

    @cached_property
    def _rows(self) -> list:
        filters, visible = self.filters, visible_annotations(self.membership, self.transcript)
        passages = display_passages(self.membership).filter(
            transcript_id=self.transcript.pk, position__gte=self.start
        )
        if filters.tag:
            passages = passages.filter(pk__in=visible.filter(tag_id=filters.tag).values("passage"))
        if filters.untagged:
            # Untagged by me: in an open project a colleague's tag is no reason to skip it.
            mine = visible.filter(annotator_id=self.membership.user_id)
            passages = passages.filter(kind=Passage.Kind.SPEECH).exclude(
                pk__in=mine.values("passage")
            )
        if filters.speaker:
            passages = passages.filter(turn__speaker_id=filters.speaker)
        # By position alone: the model's order joins the transcript to sort by its date.
        passages = passages.select_related("turn__speaker").order_by("position")
        return list(passages[: CHUNK_PASSAGES + 1])  # one more: is there a next chunk?

    @cached_property
    def turns(self) -> list:
        """The chunk's turns, each with `chunk_passages` (its passages in this chunk)."""
        turns = []
        for passage in self._rows[:CHUNK_PASSAGES]:
            if not turns or turns[-1].pk != passage.turn_id:
                turn = passage.turn
                turn.chunk_passages, turn.continued = [], False
                turns.append(turn)
            turns[-1].chunk_passages.append(passage)
        if turns and self.start:
            first = turns[0]
            first.continued = Passage.objects.filter(
                turn_id=first.pk, position__lt=self.start
            ).exists()
        return turns

    @property
    def next_start(self) -> int | None:
        return self._rows[CHUNK_PASSAGES].position if len(self._rows) > CHUNK_PASSAGES else None


class ProgressSummary:
    """My progress in this transcript: read from the answer's one query of figures."""

    def __init__(self, membership: Membership, transcript: Transcript, figures: Figures):
        self.figures = figures
        passages = Passage.objects.filter(transcript_id=transcript.pk)
        record = Progress.objects.filter(
            project=membership.project, transcript_id=transcript.pk, user_id=membership.user_id
        ).order_by("pk")[:1]
        figures.ask(
            progress_total=SubqueryCount(passages.filter(kind=Passage.Kind.SPEECH)),
            progress_tagged=stored_count(membership, transcript, "tagged_passages"),
            progress_seen=Subquery(record.values("seen_passages")),
            progress_done_at=Subquery(record.values("done_at")),
        )

    @property
    def counts(self) -> dict:
        return {"total": self.figures["progress_total"], "tagged": self.figures["progress_tagged"]}

    @property
    def seen_passages(self) -> int:
        return self.figures["progress_seen"] or 0

    @property
    def seen(self) -> int:
        return min(self.seen_passages, self.counts["total"])

    @property
    def done(self) -> bool:
        return self.figures["progress_done_at"] is not None


def touched_passages(membership: Membership, transcript, ids, known=()) -> list:
    """The passages an action touched, as their partial shows them: two queries at most.

    `known` are passages the request has loaded already (the form's, the annotation's own):
    they are not fetched again. Their annotations and the annotations answering them come in
    one query, shared out here, rather than a prefetch each.
    """
    ids = {pk for pk in ids if pk}
    known = {p.pk: p for p in known if p is not None and p.pk in ids}
    rest = Passage.objects.filter(transcript=transcript, pk__in=ids - set(known))
    passages = sorted(
        [p for p in known.values() if p.transcript_id == transcript.pk]
        + (list(rest.select_related("turn__speaker")) if ids - set(known) else []),
        key=lambda p: p.position,
    )
    if not passages:
        return []
    found = [p.pk for p in passages]
    related = (
        Annotation.objects.visible_to(membership)
        .filter(Q(passage_id__in=found) | Q(target_passage_id__in=found))
        .select_related(
            "tag",
            "annotator",
            "target__tag",
            "passage__turn__speaker",
            "target_passage__turn__speaker",
        )  # fmt: skip
        .order_by("passage", "start", "pk")
    )
    for passage in passages:
        passage.shown, passage.disputes = [], []
    by_pk = {p.pk: p for p in passages}
    for annotation in related:
        if annotation.passage_id in by_pk:
            by_pk[annotation.passage_id].shown.append(annotation)
        if annotation.target_passage_id in by_pk:
            by_pk[annotation.target_passage_id].disputes.append(annotation)
    return passages


def workspace_context(request: HttpRequest, membership: Membership, transcript, **extra) -> dict:
    query = request.POST if request.method == "POST" else request.GET
    filters = Filters.from_query(query)
    project = membership.project
    figures = Figures(project)
    panel = Panel(membership, transcript, filters, Key.parse(query.get("panel_after")), figures)
    return {
        "project": project,
        "membership": membership,
        "transcript": transcript,
        "tags": project.tag_list,
        "speakers": transcript.speakers.all(),
        "filters": filters,
        "chunk": Chunk(membership, transcript, filters, whole_number(query.get("from")) or 0),
        "panel": panel,  # a page of the list, evaluated only if a template asks
        "progress": ProgressSummary(membership, transcript, figures),
        "names": annotator_names(membership),
        "workspace_url": reverse("annotations:workspace", args=[project.slug, transcript.pk]),
        "selected": None,
        # Called only if a template asks: the full page's undo form, not every fragment.
        "page_events": partial(latest_event_id, membership, transcript),
        **extra,
    }


def annotator_names(membership: Membership) -> dict[int, str] | None:
    """None (show usernames), or user id -> “Annotator n” when the project anonymises; the
    viewer keeps their own name. One query, only when anonymising."""
    project = membership.project
    if not project.anonymise:
        return None
    names = project.pseudonyms()
    names[membership.user_id] = str(membership.user)
    return names


@require_safe
@login_required
@vary_on_headers("HX-Request")
def workspace(request: HttpRequest, slug: str, transcript_id: int) -> HttpResponse:
    membership, transcript = load_workspace(request, slug, transcript_id)
    template = "annotations/workspace.html"
    if request.htmx and not request.htmx.history_restore_request:
        if "panel_after" in request.GET:
            template += "#panel-page"
        elif "from" in request.GET:
            template += "#turn-chunk"
        elif request.htmx.target in {"side-panel", "details"}:  # details: closed, empty
            template += "#" + request.htmx.target
        else:
            template += "#turn-list"
    return TemplateResponse(request, template, workspace_context(request, membership, transcript))


@require_POST
@login_required
def progress_update(request: HttpRequest, slug: str, transcript_id: int) -> HttpResponse:
    """`seen=3-10,12` records the passage positions shown on screen (progress.js sends them);
    `done=1`/`done=0` marks the transcript done (submitting the drafts) or reopens it."""
    membership, transcript = load_workspace(request, slug, transcript_id)
    progress, _ = Progress.objects.get_or_create(
        project=membership.project, transcript=transcript, user=request.user
    )
    try:
        shown = seen.parse_ranges(request.POST.get("seen", ""))
    except seen.BadReport as refusal:
        return HttpResponseBadRequest(f"Seen passages not recorded: {refusal}.")
    if shown:
        progress.record_seen(shown)
    if request.POST.get("done") == "1":
        count = progress.mark_done()
        messages.success(request, f"Done: {count} annotation{'s' * (count != 1)} submitted.")
    elif request.POST.get("done") == "0":
        try:
            count = progress.reopen()
            messages.info(
                request, f"Reopened: {count} annotation{'s' * (count != 1)} back to draft."
            )
        except Progress.Reviewed as refusal:
            messages.error(request, str(refusal))
    if not request.htmx:
        return redirect("annotations:workspace", slug=slug, transcript_id=transcript.pk)
    context = workspace_context(request, membership, transcript)
    # A seen report answers with the figures alone: replacing the whole #progress would drop a
    # "Mark as done" click queued behind it (htmx skips requests from detached elements).
    partial = "progress-answer" if "done" in request.POST else "progress-figures"
    return TemplateResponse(request, f"annotations/workspace.html#{partial}", context)


@require_safe
@login_required
def tag_styles(request: HttpRequest, slug: str) -> HttpResponse:
    """Tag colours as CSS classes: a stylesheet, so templates need no inline style attributes."""
    project = membership_or_404(request, slug).project
    rules = [
        f".tag-{tag.pk} {{ --tag-colour: {tag.colour}; }}"
        for tag in project.tags.only("pk", "colour")
    ]
    response = HttpResponse("\n".join(rules) + "\n", content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "private, no-cache"
    return response
