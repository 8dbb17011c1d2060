"""The pages of the URL sweep on a built project: who asks, which URL, with which headers.

Shared by the guards in this package and by bench/bench_pages.py, so both fetch the same pages.
"""

from dataclasses import dataclass, field

from django.urls import reverse

from annotations.models import Annotation

HTMX = {"HX-Request": "true"}
ADMIN_CHANGELISTS = [
    "transcripts_transcript",
    "transcripts_speaker",
    "transcripts_turn",
    "transcripts_passage",
    "annotations_project",
    "annotations_membership",
    "annotations_tag",
    "annotations_annotation",
    "annotations_progress",
    "annotations_annotationevent",
]
# List pages: they show many transcripts or annotations, so they must never read original_text.
LIST_PAGES = [
    "project list",
    "project page",
    "export page",
    "admin transcripts_transcript",
    "admin annotations_annotation",
]


@dataclass(frozen=True)
class Page:
    name: str
    persona: str  # "annotator", "owner" or "admin" (a superuser)
    url: str
    headers: dict = field(default_factory=dict)


def sweep(large, transcript=None) -> list[Page]:
    """Every page of the sweep for `transcript` (default: the project's first) of `large`."""
    project, transcript = large.project, transcript or large.transcript
    slug, pk = project.slug, transcript.pk
    workspace = reverse("annotations:workspace", args=[slug, pk])
    middle = transcript.passages.count() // 2  # chunks start at a passage position
    annotation = (
        Annotation.objects.filter(annotator=large.annotators[0], passage__transcript=transcript)
        .order_by("passage__position")
        .only("pk")[100]
    )
    detail = reverse("annotations:annotation_detail", args=[slug, annotation.pk])
    pages = [
        Page("project list", "annotator", reverse("annotations:project_list")),
        Page("project page", "owner", reverse("annotations:project_detail", args=[slug])),
        Page("workspace", "annotator", workspace),
        Page("workspace turn list (htmx)", "annotator", workspace, HTMX),
        Page("workspace chunk (htmx)", "annotator", f"{workspace}?from={middle}", HTMX),
        Page(
            "workspace side panel (htmx)",
            "annotator",
            workspace,
            {**HTMX, "HX-Target": "side-panel"},
        ),
        Page("details panel (htmx)", "annotator", detail, {**HTMX, "HX-Target": "details"}),
        Page("details page", "annotator", detail),
        Page("members page", "owner", reverse("annotations:member_list", args=[slug])),
        Page("export page", "owner", reverse("annotations:project_export", args=[slug])),
        Page("import page", "owner", reverse("annotations:transcript_import", args=[slug])),
        Page("transcript page", "annotator", reverse("transcripts:detail", args=[pk])),
        Page("tag styles", "annotator", reverse("annotations:tag_styles", args=[slug])),
        Page("admin index", "admin", reverse("admin:index")),
    ]
    pages += [
        Page(f"admin {name}", "admin", reverse(f"admin:{name}_changelist"))
        for name in ADMIN_CHANGELISTS
    ]
    pages.append(
        Page(
            "admin annotation change",
            "admin",
            reverse("admin:annotations_annotation_change", args=[annotation.pk]),
        )
    )
    return pages


def user_for(large, persona: str, admin=None):
    return {"annotator": large.annotators[0], "owner": large.owner, "admin": admin}[persona]
