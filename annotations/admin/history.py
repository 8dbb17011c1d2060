"""The history of an annotation, read from its AnnotationEvents: who did what to it, and when.

Every write (workspace, admin form, admin actions, undo, importers) records an event through the
one versioned write, so this is the whole story. `history_of()` reads it in two queries and
`describe()` turns each event's before/after snapshots into words a curator reads.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib import admin
from django.contrib.admin.models import LogEntry

from transcripts.paging import CountsCheaply

from ..models import AnnotationEvent, Tag

Action = AnnotationEvent.Action
SHOWN = 50  # events on the change page; the full list is the event changelist, filtered
REVIEWED = {"accepted", "rejected"}


@dataclass(frozen=True)
class HistoryRow:
    when: datetime
    who: str
    what: str  # created, changed, accepted, rejected, deleted, submitted…
    details: list[str]
    undone: bool


def _span(snapshot: dict) -> str:
    start, end = snapshot.get("start"), snapshot.get("end")
    return "whole passage" if start is None else f"{start}–{end}"


def _short(value, limit: int = 60) -> str:
    text = str(value or "") or "—"
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _tag(tags: dict[int, Tag], pk) -> str:
    return tags[pk].name if pk in tags else f"#{pk}"  # a tag deleted since


def describe(event, tags: dict[int, Tag]) -> tuple[str, list[str]]:
    """(verb, what changed) for one event; `tags` by id, for names and attribute labels."""
    before, after = event.before or {}, event.after or {}
    if event.action == Action.CREATE:
        tag = _tag(tags, after.get("tag_id"))
        return "created", [f"{tag} on {_span(after)}", f"status {after.get('status')}"]
    if event.action == Action.DELETE:
        return "deleted", [f"was {before.get('status')}, version {before.get('version')}"]
    status = after.get("status")
    moved = before.get("status") != status
    if event.action == Action.REVIEW or (moved and status in REVIEWED):
        verb = status
    elif moved and event.action == Action.UPDATE and status == "submitted":
        verb = "submitted"
    else:
        verb = "changed" if event.action == Action.UPDATE else event.get_action_display().lower()
    details = []
    if before.get("tag_id") != after.get("tag_id"):
        old, new = _tag(tags, before.get("tag_id")), _tag(tags, after.get("tag_id"))
        details.append(f"tag {old} → {new}")
    if _span(before) != _span(after):
        details.append(f"span {_span(before)} → {_span(after)}")
    if moved:
        details.append(f"status {before.get('status')} → {status}")
    if before.get("note") != after.get("note"):
        details.append(f"note {_short(before.get('note'))} → {_short(after.get('note'))}")
    if before.get("target_id") != after.get("target_id") or before.get(
        "target_passage_id"
    ) != after.get("target_passage_id"):
        target = after.get("target_id")
        details.append(f"target → {'annotation ' + str(target) if target else 'none'}")
    details += _attribute_changes(before, after, tags.get(after.get("tag_id")))
    return verb, details


def _attribute_changes(before: dict, after: dict, tag: Tag | None) -> list[str]:
    old, new = before.get("attributes") or {}, after.get("attributes") or {}
    labels = {s["name"]: s.get("label", s["name"]) for s in (tag.attribute_schema if tag else [])}
    return [
        f"{labels.get(name, name)} {_short(old.get(name))} → {_short(new.get(name))}"
        for name in sorted(set(old) | set(new))
        if old.get(name) != new.get(name)
    ]


def history_of(annotation_id: int) -> tuple[list[HistoryRow], int]:
    """The latest events about the annotation (newest first), and how many there are in all."""
    events = list(
        AnnotationEvent.objects.about(annotation_id)
        .select_related("user")
        .order_by("-pk")[: SHOWN + 1]
    )
    tag_ids = {
        snap.get("tag_id") for e in events for snap in (e.before, e.after) if snap is not None
    }
    tags = {tag.pk: tag for tag in Tag.objects.filter(pk__in=tag_ids - {None})}
    rows = []
    for event in events[:SHOWN]:
        what, details = describe(event, tags)
        rows.append(HistoryRow(event.created_at, str(event.user), what, details, event.undone))
    return rows, len(events)


class ReadOnly:
    # Read-only: a history that can be edited is not one.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AnnotationEvent)
class AnnotationEventAdmin(CountsCheaply, ReadOnly, admin.ModelAdmin):
    """Every change to every annotation (`?subject=ID`: one annotation's, deleted ones too)."""

    list_display = ["created_at", "user", "action", "subject", "annotation", "project", "undone"]
    list_filter = ["action", "project"]
    list_select_related = ["user", "project", "annotation"]


@admin.register(LogEntry)
class LogEntryAdmin(ReadOnly, admin.ModelAdmin):
    """The history: who added, changed or deleted what (deletions say how many annotations)."""

    list_display = ["action_time", "user", "content_type", "object_repr", "action_flag"]
    list_filter = ["action_flag", "content_type"]
    list_select_related = ["user", "content_type"]
    search_fields = ["object_repr", "change_message"]

    def get_queryset(self, request):
        # Entries name projects and transcripts: staff who are not superusers see their own.
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(user=request.user)
