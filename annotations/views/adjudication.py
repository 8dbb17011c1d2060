"""The adjudication view: one transcript's annotators side by side, decided into the gold layer.

Admin views (wrapped in `admin.site.admin_view` by `admin_gold.GoldAnnotationAdmin.get_urls`),
scoped like every view through `membership_or_404(role=CURATOR)`: staff who do not curate the
project get a 404 (or a 403 if they only annotate in it). The page reads a fixed number of
queries whatever the transcript's length; each click posts to a small view that calls one
gold verb and answers with the passage's row (`#row-<id>`) and the counters, out of band.
A stale click (another curator was faster) is a 409 with the row as it is now.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from transcripts.models import Passage

from .. import adjudication as data
from ..access import membership_or_404, transcript_or_404
from ..gold_forms import GoldForm, initial_from
from ..models import GoldAnnotation, GoldConflict, Membership, StaleAnnotation, StaleGold
from ..models.gold import Adjudication

TEMPLATE = "admin/annotations/adjudicate.html"


def curation(request, slug: str, transcript_id: int):
    membership = membership_or_404(request, slug, role=Membership.Role.CURATOR)
    return membership, transcript_or_404(membership, transcript_id)


def board_url(project, transcript, page=None, anchor=None, anonymise=False) -> str:
    url = reverse("admin:annotations_adjudicate", args=[project.slug, transcript.pk])
    query = "&".join(
        part
        for part in (f"page={page}" if page else "", "anonymise=1" if anonymise else "")
        if part
    )
    return url + (f"?{query}" if query else "") + (f"#row-{anchor}" if anchor else "")


def progress(adjudication: Adjudication) -> dict:
    """The counters kept on the adjudication (no count over the transcript per request)."""
    annotated, still_open = adjudication.annotated_count, adjudication.open_count
    return {"annotated": annotated, "open": still_open, "decided": annotated - still_open}


def base_context(request, membership, transcript, adjudication, *, page=True) -> dict:
    """What the board's templates read; `page=False` for a row alone (no admin chrome)."""
    project = membership.project
    who = data.coders_of(adjudication)
    anonymise = request.GET.get("anonymise") == "1" or request.POST.get("anonymise") == "1"
    labels = data.coder_labels([name for _, name in who], anonymise=anonymise)
    return {
        **(admin_context(request) if page else {}),
        "project": project,
        "transcript": transcript,
        "coders": [
            {"id": user, "label": label} for (user, _), label in zip(who, labels, strict=True)
        ],
        "coder_ids": [user for user, _ in who],
        "label_of": {user: label for (user, _), label in zip(who, labels, strict=True)},
        "anonymise": anonymise,
        # Each click's URL is this plus its route (admin_gold.get_urls): a string join per
        # button, not a URL reversal (eight per annotation made a page's rendering crawl).
        "board_base": board_url(project, transcript),
        "progress": progress(adjudication),
    }


def admin_context(request) -> dict:
    from django.contrib import admin

    return {**admin.site.each_context(request), "opts": GoldAnnotation._meta}


@vary_on_headers("HX-Request")
def adjudicate(request: HttpRequest, slug: str, transcript_id: int) -> HttpResponse:
    membership, transcript = curation(request, slug, transcript_id)
    project = membership.project
    adjudication = data.opened(project, transcript.pk, by=request.user)
    context = base_context(request, membership, transcript, adjudication)
    page = Paginator(data.positions(transcript), data.PAGE_SIZE).get_page(request.GET.get("page"))
    first, last = (page.object_list[0], page.object_list[-1]) if page.object_list else (0, 0)
    passages = transcript.passages.filter(position__gte=first, position__lte=last)
    passages = passages.select_related("turn__speaker").defer("turn__text").order_by("position")
    rows = data.page_rows(project, transcript.pk, list(passages), context["coder_ids"])
    for row in rows:
        label(row, context["label_of"])
    after = before = None
    if adjudication.open_count:  # when all is decided, no search for the next open passage
        open_passages = data.open_passages(project, transcript.pk).order_by("position")
        after = open_passages.filter(position__gt=last).values_list("position", "pk").first()
        before = (
            open_passages.filter(position__lt=first)
            .order_by("-position")
            .values_list("position", "pk")
            .first()
        )
    context |= {
        "adjudication": adjudication,
        "page": page,
        "rows": rows,
        "next_open": after
        and board_url(
            project, transcript, after[0] // data.PAGE_SIZE + 1, after[1], context["anonymise"]
        ),
        "previous_open": before
        and board_url(
            project, transcript, before[0] // data.PAGE_SIZE + 1, before[1], context["anonymise"]
        ),
        "title": f"Adjudicate “{transcript.title}”",
    }
    return TemplateResponse(request, TEMPLATE, context)


def row_response(
    request,
    membership,
    transcript,
    passage,
    *,
    status=200,
    message="",
    extra=None,
    adjudication=None,
) -> HttpResponse:
    adjudication = adjudication or adjudication_of(membership, transcript)
    context = base_context(request, membership, transcript, adjudication, page=False)
    (row,) = data.page_rows(membership.project, transcript.pk, [passage], context["coder_ids"])
    label(row, context["label_of"])
    context |= {"row": row, "message": message, "failed": status >= 400, "oob": True}
    context |= extra or {}
    if not request.htmx:  # no-JS fallback: the message, then the board at this passage
        (messages.error if status >= 400 else messages.success)(request, message or "Saved.")
        page = passage.position // data.PAGE_SIZE + 1
        return redirect(
            board_url(membership.project, transcript, page, passage.pk, context["anonymise"])
        )
    return TemplateResponse(request, f"{TEMPLATE}#row-update", context, status=status)


def adjudication_of(membership, transcript) -> Adjudication:
    """The transcript's adjudication as it stands (its counters), never merging: a refused
    click on a board nobody opened yet leaves no trace."""
    project = membership.project
    found = Adjudication.objects.filter(project=project, transcript=transcript).first()
    if found is not None and found.counted_through is not None:
        return found
    found = found or Adjudication(project=project, transcript=transcript)
    data.recount(found, data.latest_event(project, transcript.pk), save=found.pk is not None)
    return found


def not_saved(request, membership, transcript, passage, refused: Exception) -> HttpResponse:
    """The 409 of a stale click: another curator was faster; the row as it is now."""
    message = f"Not saved: {refused} The row shows it as it is now."
    return row_response(request, membership, transcript, passage, status=409, message=message)


def decide(request, membership, transcript, passage, decision, *, refused, message):
    """Run one gold verb (`decision()`), the counters kept true; answer with the row.

    `message` is the answer's text, or a function of what the verb returned.
    """
    try:
        with data.counting(
            membership.project, transcript.pk, passage.pk, by=request.user
        ) as adjudication:
            result = decision()
    except refused as error:
        return not_saved(request, membership, transcript, passage, error)
    text = message(result) if callable(message) else message
    return row_response(
        request, membership, transcript, passage, message=text, adjudication=adjudication
    )


def label(row, label_of: dict) -> None:
    for gold in row.gold:
        gold.source_labels = [
            label_of.get(user, "a former annotator") for user in gold.source_annotators
        ]


def passage_of(transcript, passage_id) -> Passage:
    return get_object_or_404(
        transcript.passages.select_related("turn__speaker", "transcript"), pk=passage_id
    )


def seen_version(request) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


@require_POST
def accept(request: HttpRequest, slug: str, transcript_id: int, annotation_id: int) -> HttpResponse:
    membership, transcript = curation(request, slug, transcript_id)
    annotation = get_object_or_404(
        data.curated(membership.project, transcript.pk).select_related("target"), pk=annotation_id
    )
    passage = passage_of(transcript, annotation.passage_id)
    return decide(
        request,
        membership,
        transcript,
        passage,
        lambda: GoldAnnotation.objects.accept(
            annotation,
            by=request.user,
            expected_version=seen_version(request),
            project=membership.project,
        ),
        refused=(StaleAnnotation, GoldConflict),
        message="Accepted into gold.",
    )


@require_POST
def reject(request: HttpRequest, slug: str, transcript_id: int, passage_id: int) -> HttpResponse:
    """Reject the annotations posted as `seen` ("id:version"), all on one passage."""
    membership, transcript = curation(request, slug, transcript_id)
    passage = passage_of(transcript, passage_id)
    seen = {}
    for value in request.POST.getlist("seen"):
        pk, _, version = value.partition(":")
        if pk.isdigit() and version.isdigit() and len(pk) < 19 and len(version) < 10:
            seen[int(pk)] = int(version)
    on_passage = data.curated(membership.project, transcript.pk).filter(
        passage=passage, pk__in=list(seen)
    )
    seen = {pk: seen[pk] for pk in on_passage.values_list("pk", flat=True)}
    if not seen:
        return row_response(
            request, membership, transcript, passage, status=422, message="Nothing to reject here."
        )
    return decide(
        request,
        membership,
        transcript,
        passage,
        lambda: GoldAnnotation.objects.reject_items(on_passage, by=request.user, seen=seen),
        refused=StaleAnnotation,
        message=lambda count: f"Rejected {count}.",
    )


def gold_edit(
    request: HttpRequest, slug: str, transcript_id: int, passage_id: int, gold_id: int | None = None
) -> HttpResponse:
    """The write-own form (GET) and its save (POST): a new gold item, or a change to one."""
    membership, transcript = curation(request, slug, transcript_id)
    project = membership.project
    passage = passage_of(transcript, passage_id)
    gold = None
    if gold_id is not None:
        gold = get_object_or_404(
            GoldAnnotation.objects.filter(project=project, passage=passage), pk=gold_id
        )
    initial = initial_from(gold) if gold else {}
    copy_of = request.GET.get("from", "")
    if gold is None and copy_of.isdigit() and len(copy_of) < 19:
        source = data.curated(project, transcript.pk).filter(passage=passage, pk=copy_of).first()
        initial = initial_from(source) if source else {}
    form = GoldForm(
        request.POST or None, initial=initial, project=project, passage=passage, gold=gold
    )
    if request.method == "POST" and form.is_valid():
        try:
            if gold is None:
                GoldAnnotation.objects.write(by=request.user, project=project, **form.gold_fields())
            else:
                gold.apply_change(request.user, seen_version(request), **form.gold_fields())
        except StaleGold as refused:
            return not_saved(request, membership, transcript, passage, refused)
        except GoldConflict as refused:
            form.add_error(None, str(refused))
        else:  # a curator's own item decides no annotator's annotation: the counters stand
            return row_response(request, membership, transcript, passage, message="Saved in gold.")
    status = 422 if form.errors else 200
    if request.htmx:  # the row, with the form open in its gold column
        extra = {"form": form, "form_passage": passage, "gold": gold, "passage": passage}
        return row_response(request, membership, transcript, passage, status=status, extra=extra)
    adjudication = adjudication_of(membership, transcript)
    context = base_context(request, membership, transcript, adjudication) | {
        "form": form,
        "passage": passage,
        "gold": gold,
        "title": "Change a gold item" if gold else "Write a gold item",
    }
    return TemplateResponse(
        request, TEMPLATE.replace(".html", "_form.html"), context, status=status
    )


@require_POST
def gold_remove(request: HttpRequest, slug: str, transcript_id: int, gold_id: int) -> HttpResponse:
    """Take an item out of gold (for a merged one: undo the merge, and do not merge it again)."""
    membership, transcript = curation(request, slug, transcript_id)
    gold = get_object_or_404(
        GoldAnnotation.objects.in_transcript(membership.project, transcript.pk), pk=gold_id
    )
    passage = passage_of(transcript, gold.passage_id)
    return decide(
        request,
        membership,
        transcript,
        passage,
        lambda: data.unmerge(gold, by=request.user, expected_version=seen_version(request)),
        refused=StaleGold,
        message="Taken out of gold.",
    )


@require_POST
def auto_merge(request: HttpRequest, slug: str, transcript_id: int) -> HttpResponse:
    """Undo the automatic merge (and stop it), or turn it back on and merge now."""
    membership, transcript = curation(request, slug, transcript_id)
    adjudication = Adjudication.objects.get(project=membership.project, transcript=transcript)
    if request.POST.get("merge") == "on":
        count = data.restart_merge(adjudication, by=request.user)
        messages.success(
            request, f"Merged {count} item{'s' * (count != 1)} all annotators agree on."
        )
    else:
        count = data.undo_merge(adjudication, by=request.user)
        messages.success(
            request, f"Took {count} automatically merged item{'s' * (count != 1)} out of gold."
        )
    return redirect(
        board_url(membership.project, transcript, anonymise=request.POST.get("anonymise") == "1")
    )
