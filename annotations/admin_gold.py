"""The gold layer in the admin: its list and history, and the adjudication view's URLs.

Gold items are written in the adjudication view only (through the gold verbs), so the admin's
own forms show them read-only; removing one here goes through `GoldAnnotation.remove` too.
The URLs are this ModelAdmin's, under /admin/annotations/goldannotation/adjudicate/…, each
wrapped in `admin_site.admin_view` (staff login, no caching, the admin's CSRF handling).
"""

from django.contrib import admin, messages
from django.db.models import Exists, OuterRef
from django.http import StreamingHttpResponse
from django.urls import path, reverse
from django.utils.html import format_html

from .admin.history import ReadOnly
from .export import FORMATS, Dataset
from .models import GoldAnnotation, GoldConflict, GoldEvent, GoldSource, StaleAnnotation
from .views import adjudication


class GoldColumn:
    """For the annotation changelist: a "gold" column (one `Exists`, whatever the page size)
    and an "add to gold" action through the gold verb (one gold item per agreed item)."""

    def get_queryset(self, request):
        at = GoldSource.objects.filter(annotation=OuterRef("pk"), version=OuterRef("version"))
        return super().get_queryset(request).annotate(in_gold=Exists(at))

    @admin.display(description="gold", boolean=True, ordering="in_gold")
    def in_gold_column(self, obj):
        return getattr(obj, "in_gold", None)

    @admin.action(description="Add selected to gold", permissions=["change"])
    def add_to_gold(self, request, queryset):
        added, refused = 0, []
        for annotation in queryset.select_related("tag__project", "target"):
            try:
                GoldAnnotation.objects.accept(
                    annotation,
                    by=request.user,
                    expected_version=annotation.version,
                    project=annotation.tag.project,
                )
                added += 1
            except (StaleAnnotation, GoldConflict) as error:
                refused.append(f"{annotation}: {error}")
        self.message_user(request, f"Added {added} annotation{'s' * (added != 1)} to gold.")
        for reason in refused:
            self.message_user(request, f"Not added: {reason}", messages.ERROR)


@admin.register(GoldAnnotation)
class GoldAnnotationAdmin(admin.ModelAdmin):
    ordering = ["-pk"]  # the model's (passage, …) order sorts the whole layer before a page
    list_display = ["__str__", "tag", "project", "origin", "curator", "version", "updated_at"]
    list_filter = ["origin", "project", "tag"]
    list_select_related = ["tag", "project", "curator"]
    search_fields = ["quote", "note"]
    readonly_fields = ["adjudicate_link"]
    actions = ["export_selected_csv"]

    def get_urls(self):
        # The board's template joins these routes to the board's URL (`board_base`).
        board = "adjudicate/<slug:slug>/<int:transcript_id>/"
        urls = [
            path(f"{board}{route}", self.admin_site.admin_view(view), name=name)
            for route, view, name in (
                ("", adjudication.adjudicate, "annotations_adjudicate"),
                (
                    "accept/<int:annotation_id>/",
                    adjudication.accept,
                    "annotations_adjudicate_accept",
                ),
                (
                    "reject/<int:passage_id>/",
                    adjudication.reject,
                    "annotations_adjudicate_reject",
                ),
                (
                    "passage/<int:passage_id>/gold/",
                    adjudication.gold_edit,
                    "annotations_adjudicate_gold_new",
                ),
                (
                    "passage/<int:passage_id>/gold/<int:gold_id>/",
                    adjudication.gold_edit,
                    "annotations_adjudicate_gold_change",
                ),
                (
                    "gold/<int:gold_id>/remove/",
                    adjudication.gold_remove,
                    "annotations_adjudicate_gold_remove",
                ),
                ("auto-merge/", adjudication.auto_merge, "annotations_adjudicate_auto_merge"),
            )
        ]
        return urls + super().get_urls()

    def has_add_permission(self, request):
        return False  # written in the adjudication view, through the gold verbs

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        obj.remove(request.user)

    def delete_queryset(self, request, queryset):
        for gold in queryset:
            gold.remove(request.user)

    @admin.action(description="Export selected gold items to CSV", permissions=["view"])
    def export_selected_csv(self, request, queryset):
        # The gold CSV of the export page and command (one row per item, with its sources).
        chunks = Dataset.of_gold(queryset).chunks("csv")
        response = StreamingHttpResponse(chunks, FORMATS["csv"][1])
        response["Content-Disposition"] = 'attachment; filename="gold.csv"'
        return response

    @admin.display(description="Adjudication")
    def adjudicate_link(self, obj):
        transcript_id = obj.passage.transcript_id
        url = reverse("admin:annotations_adjudicate", args=[obj.project.slug, transcript_id])
        return format_html(
            '<a href="{}#row-{}">Open in the adjudication view</a>', url, obj.passage_id
        )


@admin.register(GoldEvent)
class GoldEventAdmin(ReadOnly, admin.ModelAdmin):
    """The gold layer's history; read-only, as a history must be."""

    list_display = ["created_at", "user", "action", "subject", "project"]
    list_filter = ["action", "project"]
    list_select_related = ["user", "project"]
