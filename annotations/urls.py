from django.urls import path

from . import views

app_name = "annotations"
urlpatterns = [
    path("", views.project_list, name="project_list"),
    path("p/<slug:slug>/", views.project_detail, name="project_detail"),
    path("p/<slug:slug>/t/<int:transcript_id>/", views.workspace, name="workspace"),
]
