"""Import a transcript into a project: upload or paste → preview → confirm, on one URL."""

import logging
from collections import Counter

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import reswap, retarget

from transcripts.forms import TranscriptImportForm
from transcripts.importers import content_hash, parse, summary
from transcripts.parsing import ParseError

from .. import staging
from ..access import membership_or_404
from ..models import Membership, Project
from ..staging import StagedFile

logger = logging.getLogger(__name__)
TEMPLATE = "annotations/transcript_import.html"
PREVIEW_TURNS = 6
EXPIRED = (
    "this preview has expired or is not yours to import (a preview is kept for an hour). "
    "Choose the file again and preview it."
)
FAILED = (
    "the database refused the import, so nothing was saved. "
    "Try again; if it fails again, tell an administrator."
)


@require_http_methods(["GET", "POST"])
@login_required
@vary_on_headers("HX-Request")
def transcript_import(request: HttpRequest, slug: str) -> HttpResponse:
    project = membership_or_404(request, slug, role=Membership.Role.CURATOR).project
    form = TranscriptImportForm(request.POST or None, request.FILES or None)
    context = {
        "project": project,
        "form": form,
        "max_megabytes": settings.TRANSCRIPT_MAX_BYTES // 2**20,
    }
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "confirm" and form.cleaned_data["staged"]:
            context |= _import_staged(request, project, form)
        elif "uploads" in form.cleaned_data:
            context |= _preview_or_import_many(request, project, form)
        else:
            context |= _preview_or_import(request, project, form)
    result = context.get("result")
    if result and not request.htmx:  # no JS: post/redirect/get to the new transcript
        messages.success(request, f"Imported {result.summary}")
        return redirect("annotations:workspace", project.slug, result.transcript.pk)
    if "batch_results" in context and not request.htmx:
        for done in context["batch_results"]:
            messages.success(request, f"Imported {done.summary}")
        return redirect(project.get_absolute_url())
    # A file we cannot read is refused (422, the reason in the step); base.html swaps 4xx bodies.
    refused = form.errors or "error" in context or context.get("batch_failed")
    status = 422 if request.method == "POST" and refused else 200
    if context.get("failed"):
        status = 500  # our fault, not the file's; static/import.js still shows the message
    if request.method == "GET" or not request.htmx:
        if "parsed" in context:  # no JS: the chosen file is gone after this page, keep its text
            carried = {"text": context["parsed"].text, "filename": form.cleaned_data["filename"]}
            form.data = {**form.data.dict(), **carried}
        return TemplateResponse(request, TEMPLATE, context, status=status)
    response = TemplateResponse(request, f"{TEMPLATE}#import-step", context, status=status)
    # Done: the confirmation replaces the whole form rather than the step inside it.
    done = result or "batch_results" in context
    return reswap(retarget(response, "#import-form"), "outerHTML") if done else response


def _preview_or_import(request: HttpRequest, project: Project, form: TranscriptImportForm) -> dict:
    confirmed = request.POST.get("action") == "confirm"
    fields = ("filename", "format", "monologue_speaker", "speaker_pattern")
    options = {key: form.cleaned_data[key] for key in fields}
    fixes = form.line_fixes()
    try:
        parsed = parse(form.cleaned_data["data"], line_fixes=fixes, **options)
    except ParseError as error:
        return {"error": error, "offer_monologue": error.code == ParseError.NO_SPEAKERS}
    digest = content_hash(parsed.text)
    duplicate = project.transcripts.filter(content_hash=digest).first()
    if not confirmed or duplicate or form.cleaned_data["content_hash"] != digest:
        return _preview(request, project, form, StagedFile(options["filename"], parsed, digest))
    # A confirm without a preview (a script posting the file once): parsed here, imported now.
    return _import(request, project, form, StagedFile(options["filename"], parsed, digest))


def _preview(request, project, form, staged: StagedFile, changed: bool = False) -> dict:
    parsed = staged.parsed
    duplicate = project.transcripts.filter(content_hash=staged.digest).first()
    confirmed = request.POST.get("action") == "confirm"
    return {
        "parsed": parsed,
        "digest": staged.digest,
        "staged": None if duplicate else staging.stash(request.user, project, [staged]),
        "duplicate": duplicate,
        "changed": changed or (confirmed and not duplicate),
        "speakers": _speaker_rows(parsed, form),
        "title": form.cleaned_data["title"] or parsed.title,
        "date": form.cleaned_data["date"] or parsed.date,
        "first_turns": parsed.turns[:PREVIEW_TURNS],
        "passage_count": sum(len(turn.passages) for turn in parsed.turns),
        "unlabelled": _unlabelled_rows(parsed, form.line_fixes()),
    }


def _import_staged(request, project, form) -> dict:
    """The confirm of a preview: import what the preview parsed, never parse it again."""
    token = form.cleaned_data["staged"]
    try:
        files = staging.unstash(token, request.user, project)
    except staging.StagedImportGone:
        return {"error": EXPIRED}
    if len(files) == 1:
        context = _import(request, project, form, files[0])
    else:
        context = _import_many(request, project, files)
    if "result" in context or "batch_results" in context:
        staging.discard(token)
    return context


def _import(request, project, form, staged: StagedFile) -> dict:
    if project.transcripts.filter(content_hash=staged.digest).exists():
        return _preview(request, project, form, staged)  # someone imported it meanwhile
    try:
        result = project.import_transcript(
            b"",
            filename=staged.name,
            parsed=staged.parsed,
            title=form.cleaned_data["title"],
            date=form.cleaned_data["date"],
            speaker_names=form.speaker_names(staged.parsed.speaker_labels),
            imported_by=request.user,
        )
    except DatabaseError:
        logger.exception("import of %r failed; nothing was written", staged.name)
        return {"error": FAILED, "failed": True}
    return {"result": result}


def _preview_or_import_many(request: HttpRequest, project: Project, form) -> dict:
    """Several files: each previewed, then imported together (all or none) on confirm."""
    batch = []
    for name, data in form.cleaned_data["uploads"]:
        try:
            parsed = parse(data, filename=name, format=form.cleaned_data["format"])
        except ParseError as error:
            batch.append({"name": name, "error": error})
            continue
        digest = content_hash(parsed.text)
        duplicate = project.transcripts.filter(content_hash=digest).first()
        batch.append(
            {
                "name": name,
                "parsed": parsed,
                "digest": digest,
                "duplicate": duplicate,
                "summary": summary(parsed),
            }  # fmt: skip
        )
    failed = any("error" in item for item in batch)
    confirmed = request.POST.get("action") == "confirm"
    digests = [item.get("digest") for item in batch]
    if failed or not confirmed or request.POST.getlist("content_hash") != digests:
        token = None
        if not failed:
            staged = [StagedFile(item["name"], item["parsed"], item["digest"]) for item in batch]
            token = staging.stash(request.user, project, staged)
        return {
            "batch": batch,
            "batch_failed": failed,
            "changed": confirmed and not failed,
            "staged": token,
        }
    files = [StagedFile(item["name"], item["parsed"], item["digest"]) for item in batch]
    return _import_many(request, project, files)


def _import_many(request, project, files: list[StagedFile]) -> dict:
    existing = set(
        project.transcripts.filter(content_hash__in=[f.digest for f in files]).values_list(
            "content_hash", flat=True
        )
    )
    try:
        with transaction.atomic():  # confirmed together: a failure leaves none of them
            results = [
                project.import_transcript(
                    b"", filename=staged.name, parsed=staged.parsed, imported_by=request.user
                )
                for staged in files
                if staged.digest not in existing
            ]
    except DatabaseError:
        logger.exception("import of %d files failed; nothing was written", len(files))
        return {"error": FAILED, "failed": True}
    return {"batch_results": results}


def _speaker_rows(parsed, form: TranscriptImportForm) -> list[dict]:
    counts = Counter(turn.speaker_label for turn in parsed.turns)
    names = form.speaker_names(parsed.speaker_labels)
    return [
        {"index": index, "label": label, "turns": counts[label], "name": names[label]}
        for index, label in enumerate(parsed.speaker_labels)
    ]


def _unlabelled_rows(parsed, fixes: dict[int, str | None]) -> list[dict]:
    """Lines without a speaker label, and those the user already fixed, with the choice made."""
    rows = {row["line"]: {**row, "choice": ""} for row in parsed.metadata.get("unlabelled", [])}
    lines = parsed.text.splitlines() if fixes else []  # 300,000 strings for a 19 MB file
    for number, speaker in fixes.items():
        if 0 < number <= len(lines):
            choice = "drop" if speaker is None else f"to:{speaker}"
            rows[number] = {"line": number, "text": lines[number - 1][:300], "choice": choice}
    return [rows[number] for number in sorted(rows)]
