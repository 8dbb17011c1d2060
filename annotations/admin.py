from django.contrib import admin
from django.http import StreamingHttpResponse

from .export import FORMATS, Dataset
from .models import Annotation, AnnotationEvent, Membership, Progress, Project, Tag


class MembershipInline(admin.TabularInline):
    model = Membership
    autocomplete_fields = ["user"]
    extra = 0


class TagInline(admin.TabularInline):
    model = Tag
    fields = ["name", "shortcut", "colour", "needs_target", "position"]
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "blind", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["transcripts"]
    inlines = [MembershipInline, TagInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "project", "role"]
    list_filter = ["role", "project"]
    list_select_related = ["user", "project"]
    autocomplete_fields = ["user"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "project", "shortcut", "colour", "needs_target"]
    list_filter = ["project"]
    list_select_related = ["project"]


@admin.register(Annotation)
class AnnotationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "tag", "annotator", "status", "updated_at"]
    list_filter = ["status", "tag__project", "tag"]
    list_select_related = ["tag", "annotator"]
    search_fields = ["quote", "note"]
    raw_id_fields = ["passage", "target", "target_passage"]
    readonly_fields = ["created_at", "updated_at", "version"]
    actions = ["export_selected_csv"]

    @admin.action(description="Export selected to CSV", permissions=["view"])
    def export_selected_csv(self, request, queryset):
        # The long CSV of the export page and command: same columns, streamed.
        response = StreamingHttpResponse(Dataset.of(queryset).chunks("csv"), FORMATS["csv"][1])
        response["Content-Disposition"] = 'attachment; filename="annotations.csv"'
        return response


@admin.register(Progress)
class ProgressAdmin(admin.ModelAdmin):
    list_display = ["user", "project", "transcript", "seen_passages", "done_at"]
    list_select_related = ["user", "project", "transcript"]


@admin.register(AnnotationEvent)
class AnnotationEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "action", "annotation", "project", "undone"]
    list_filter = ["action", "project"]
    list_select_related = ["user", "project", "annotation"]
