"""The transcript admin, aware of annotations: on the change page, per project, their count and
the links to the workspace, the annotation list and the adjudication view. (transcripts/ never
imports annotations, so this is added here.)

The list shows no annotation count: counting a transcript's annotations reads all of them (64,000
rows a transcript, 12-18 s for the list of 17 transcripts at 1.1M annotations on PostgreSQL), so
the count is on the change page, for one transcript."""

from django.contrib import admin
from django.db.models import Count
from django.urls import reverse

from transcripts.admin import TranscriptAdmin as BaseTranscriptAdmin
from transcripts.models import Transcript

from ..models import Annotation, Project
from .projects import DeletesAnnotationsDeliberately

admin.site.unregister(Transcript)


def adjudication_url(project, transcript) -> str:
    return reverse("admin:annotations_adjudicate", args=[project.slug, transcript.pk])


@admin.register(Transcript)
class TranscriptAdmin(DeletesAnnotationsDeliberately, BaseTranscriptAdmin):
    def turns_context(self, request, transcript) -> dict:
        # Only projects the user curates: a transcript shared with another team does not
        # reveal how much that team tagged.
        projects = Project.objects.curated_by(request.user).filter(transcripts=transcript)
        counts = dict(
            Annotation.objects.filter(passage__transcript=transcript, tag__project__in=projects)
            .values("tag__project")
            .annotate(n=Count("pk"))
            .values_list("tag__project", "n")
        )
        changelist = reverse("admin:annotations_annotation_changelist")
        links = [
            {
                "project": project,
                "annotations": counts.get(project.pk, 0),
                "workspace": reverse("annotations:workspace", args=[project.slug, transcript.pk]),
                "annotation_list": f"{changelist}?project={project.pk}&transcript={transcript.pk}",
                "adjudicate": adjudication_url(project, transcript),
            }
            for project in projects.order_by("name")
        ]
        return super().turns_context(request, transcript) | {"project_links": links}
