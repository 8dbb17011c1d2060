from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import NestedObjects
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.db import router
from django.http import StreamingHttpResponse
from django.utils import timezone

from transcripts.admin import TranscriptAdmin as BaseTranscriptAdmin
from transcripts.admin import WithoutSourceText
from transcripts.models import Transcript

from .admin_gold import GoldColumn  # also registers the gold layer and the adjudication URLs
from .admin_scope import PROJECT_PATHS, ProjectScopedAdmin
from .deletion import annotations_held_by, delete_with_annotations
from .export import FORMATS, Dataset
from .models import (
    Annotation,
    AnnotationEvent,
    Membership,
    Progress,
    Project,
    StaleAnnotation,
    Tag,
)


class DeletesAnnotationsDeliberately:
    """Admin deletion of what holds annotations, instead of refusing it as "protected".

    The confirmation page lists the annotations that will go with the object; confirming deletes
    them first, then the object, in one transaction, and records counts in the history.
    """

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        held = [a for obj in objs for a in annotations_held_by(obj)]
        collector = NestedObjects(using=router.db_for_write(self.model))
        collector.collect(objs)
        held_pks = {a.pk for a in held}
        if all(isinstance(p, Annotation) and p.pk in held_pks for p in collector.protected):
            protected = []  # only our own annotations stood in the way: delete them too
        if held:
            deleted = [*deleted, [f"Annotation: {a} (by {a.annotator}, {a.status})" for a in held]]
            counts[Annotation._meta.verbose_name_plural] = len(held)
            if not request.user.has_perm("annotations.delete_annotation"):
                perms_needed.add(Annotation._meta.verbose_name)
        return deleted, counts, perms_needed, protected

    def log_deletions(self, request, queryset):
        pass  # delete_with_annotations() records each deletion, with what went with it

    def delete_model(self, request, obj):
        delete_with_annotations(obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            delete_with_annotations(obj, by=request.user)


class MembershipInline(admin.TabularInline):
    model = Membership
    autocomplete_fields = ["user"]
    extra = 0


class TagInline(admin.TabularInline):
    model = Tag
    fields = ["name", "shortcut", "colour", "needs_target", "position"]
    extra = 0


class ProjectAdminForm(forms.ModelForm):
    """The project's transcripts picked by title; the form's initial value is their ids.

    A ModelForm fills a many-to-many field's initial value with whole objects, so opening a
    project with a hundred long transcripts loaded a hundred source texts. Declared here, out of
    the model fields, the choices and the initial value are ids and titles only.
    """

    transcript_choices = forms.ModelMultipleChoiceField(
        queryset=Transcript.objects.defer("original_text"),
        required=False,
        label="Transcripts",
        widget=FilteredSelectMultiple("transcripts", is_stacked=False),
    )

    class Meta:
        model = Project
        fields = ["slug", "name", "description", "blind"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "transcript_choices" not in self.initial:
            self.initial["transcript_choices"] = list(
                self.instance.transcripts.values_list("pk", flat=True)
            )

    def _save_m2m(self):
        super()._save_m2m()
        self.instance.transcripts.set(self.cleaned_data["transcript_choices"])


@admin.register(Project)
class ProjectAdmin(DeletesAnnotationsDeliberately, admin.ModelAdmin):
    form = ProjectAdminForm
    list_display = ["name", "slug", "blind", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    exclude = ["transcripts"]  # picked through the form's transcript_choices instead
    inlines = [MembershipInline, TagInline]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if not request.user.is_superuser:  # the access rule, as for the model's own fields
            mine = Transcript.objects.filter(projects__in=Project.objects.owned_by(request.user))
            choices = form.base_fields["transcript_choices"]
            choices.queryset = choices.queryset.filter(pk__in=mine.values("pk"))
        return form


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


class AnnotationAdminForm(forms.ModelForm):
    """Carries the version the curator saw, so the admin cannot overwrite a newer save."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Annotation
        fields = [
            "passage",
            "tag",
            "annotator",
            "start",
            "end",
            "quote",
            "target",
            "target_passage",
            "note",
            "attributes",
            "status",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_version"].initial = self.instance.version

    def clean(self):
        data = super().clean()
        if self.instance.pk:
            current = Annotation.objects.filter(pk=self.instance.pk).values("version").first()
            if current and current["version"] != data.get("seen_version"):
                stale = StaleAnnotation.about(self.instance.pk, Annotation(**current))
                raise forms.ValidationError(
                    f"Not saved: {stale} Reload the page to see the change, then edit again."
                )
        return data


@admin.register(Annotation)
class AnnotationAdmin(GoldColumn, admin.ModelAdmin):
    form = AnnotationAdminForm
    list_display = [
        "__str__",
        "tag",
        "annotator",
        "status",
        "in_gold_column",
        "reviewed_by",
        "updated_at",
    ]
    list_filter = ["status", "tag__project", "tag", "annotator"]
    list_select_related = ["tag", "annotator", "reviewed_by"]
    search_fields = ["quote", "note"]
    raw_id_fields = ["passage", "target", "target_passage"]
    readonly_fields = ["created_at", "updated_at", "version", "reviewed_by", "reviewed_at"]
    actions = ["accept_selected", "reject_selected", "add_to_gold", "export_selected_csv"]

    def save_model(self, request, obj, form, change):
        membership = obj.tag.project.membership_of(request.user)
        if not change:
            fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
            created = Annotation.objects.create_by(membership, **fields)
            obj.pk, obj.version = created.pk, created.version
            return None
        names = [name for name in form.changed_data if name != "seen_version"]
        if not names:
            return None
        changes = {name: form.cleaned_data[name] for name in names}
        if "status" in changes:
            reviewed = changes["status"] in (Annotation.Status.ACCEPTED, Annotation.Status.REJECTED)
            changes["reviewed_by"] = request.user if reviewed else None
            changes["reviewed_at"] = timezone.now() if reviewed else None
        try:  # the form checked the version; the verb closes the gap between check and write
            obj.apply_change(membership, form.cleaned_data["seen_version"], **changes)
        except StaleAnnotation as stale:
            messages.error(request, f"Not saved: {stale}")
        return None

    def delete_model(self, request, obj):
        obj.remove(
            obj.tag.project.membership_of(request.user)
        )  # recorded, so undo and history see it

    def delete_queryset(self, request, queryset):
        for annotation in queryset.select_related("tag__project"):
            self.delete_model(request, annotation)

    @admin.action(description="Accept selected annotations (gold)", permissions=["change"])
    def accept_selected(self, request, queryset):
        count = queryset.accept(by=request.user)
        self.message_user(request, f"Accepted {count} annotation{'s' * (count != 1)}.")

    @admin.action(description="Reject selected annotations", permissions=["change"])
    def reject_selected(self, request, queryset):
        count = queryset.reject(by=request.user)
        self.message_user(request, f"Rejected {count} annotation{'s' * (count != 1)}.")

    @admin.action(description="Export selected to CSV", permissions=["view"])
    def export_selected_csv(self, request, queryset):
        # The long CSV of the export page and command: same columns, streamed.
        response = StreamingHttpResponse(Dataset.of(queryset).chunks("csv"), FORMATS["csv"][1])
        response["Content-Disposition"] = 'attachment; filename="annotations.csv"'
        return response


@admin.register(Progress)
class ProgressAdmin(WithoutSourceText, admin.ModelAdmin):
    list_display = ["user", "project", "transcript", "seen_passages", "done_at"]
    list_select_related = ["user", "project", "transcript"]


@admin.register(AnnotationEvent)
class AnnotationEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "action", "annotation", "project", "undone"]
    list_filter = ["action", "project"]
    list_select_related = ["user", "project", "annotation"]


# transcripts/ never imports annotations, so the annotation-aware deletion is added here.
admin.site.unregister(Transcript)


@admin.register(Transcript)
class TranscriptAdmin(DeletesAnnotationsDeliberately, BaseTranscriptAdmin):
    pass


@admin.register(LogEntry)
class LogEntryAdmin(admin.ModelAdmin):
    """The history: who added, changed or deleted what (deletions say how many annotations)."""

    list_display = ["action_time", "user", "content_type", "object_repr", "action_flag"]
    list_filter = ["action_flag", "content_type"]
    list_select_related = ["user", "content_type"]
    search_fields = ["object_repr", "change_message"]

    def get_queryset(self, request):
        # Entries name projects and transcripts: staff who are not superusers see their own.
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(user=request.user)

    # Read-only: a history that can be edited is not one.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Wrap whatever admin each model has (ours, transcripts/admin.py's, or one added later).
for model, path in PROJECT_PATHS.items():
    registered = type(admin.site.get_model_admin(model))
    scoped = type(f"Scoped{registered.__name__}", (ProjectScopedAdmin, registered), {})
    scoped.project_path = path
    admin.site.unregister(model)
    admin.site.register(model, scoped)
