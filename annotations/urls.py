from django.urls import path

from .views import (
    agreement,
    annotating,
    deletion,
    export,
    imports,
    members,
    projects,
    structure,
    workspace,
)

app_name = "annotations"
urlpatterns = [
    path("", projects.project_list, name="project_list"),
    path("p/<slug:slug>/", projects.project_detail, name="project_detail"),
    path("p/<slug:slug>/tags.css", workspace.tag_styles, name="tag_styles"),
    path("p/<slug:slug>/members/", members.member_list, name="member_list"),
    path("p/<slug:slug>/members/<int:member_id>/", members.member_change, name="member_change"),
    path("p/<slug:slug>/layers/", members.layers_toggle, name="layers_toggle"),
    path("p/<slug:slug>/assignments/", members.assignments_update, name="assignments_update"),
    path("p/<slug:slug>/work/", members.work_next, name="work_next"),
    path("p/<slug:slug>/agreement/", agreement.project_agreement_view, name="project_agreement"),
    path("p/<slug:slug>/t/<int:transcript_id>/", workspace.workspace, name="workspace"),
    path("p/<slug:slug>/delete/", deletion.project_delete, name="project_delete"),
    path(
        "p/<slug:slug>/t/<int:transcript_id>/delete/",
        deletion.transcript_delete,
        name="transcript_delete",
    ),
    path(
        "p/<slug:slug>/t/<int:transcript_id>/progress/",
        workspace.progress_update,
        name="progress_update",
    ),
    path(
        "p/<slug:slug>/t/<int:transcript_id>/annotations/",
        annotating.annotation_create,
        name="annotation_create",
    ),
    path(
        "p/<slug:slug>/t/<int:transcript_id>/structure/",
        structure.structure_editor,
        name="structure_editor",
    ),
    path("p/<slug:slug>/t/<int:transcript_id>/undo/", annotating.undo, name="undo"),
    path("p/<slug:slug>/t/<int:transcript_id>/redo/", annotating.redo, name="redo"),
    path(
        "p/<slug:slug>/a/<int:annotation_id>/",
        annotating.annotation_detail,
        name="annotation_detail",
    ),
    path(
        "p/<slug:slug>/a/<int:annotation_id>/delete/",
        annotating.annotation_delete,
        name="annotation_delete",
    ),
    path("p/<slug:slug>/import/", imports.transcript_import, name="transcript_import"),
    path("p/<slug:slug>/export/", export.project_export, name="project_export"),
]
