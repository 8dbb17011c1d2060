from django.urls import path

from .views import deletion, imports, projects, workspace

app_name = "annotations"
urlpatterns = [
    path("", projects.project_list, name="project_list"),
    path("p/<slug:slug>/", projects.project_detail, name="project_detail"),
    path("p/<slug:slug>/t/<int:transcript_id>/", workspace.workspace, name="workspace"),
    path("p/<slug:slug>/delete/", deletion.project_delete, name="project_delete"),
    path(
        "p/<slug:slug>/t/<int:transcript_id>/delete/",
        deletion.transcript_delete,
        name="transcript_delete",
    ),
    path("p/<slug:slug>/import/", imports.transcript_import, name="transcript_import"),
]
