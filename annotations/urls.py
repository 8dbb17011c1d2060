from django.urls import path

from .views import export, imports, projects, workspace

app_name = "annotations"
urlpatterns = [
    path("", projects.project_list, name="project_list"),
    path("p/<slug:slug>/", projects.project_detail, name="project_detail"),
    path("p/<slug:slug>/t/<int:transcript_id>/", workspace.workspace, name="workspace"),
    path("p/<slug:slug>/import/", imports.transcript_import, name="transcript_import"),
    path("p/<slug:slug>/export/", export.project_export, name="project_export"),
]
