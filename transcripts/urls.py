from django.urls import path

from . import views

app_name = "transcripts"
urlpatterns = [
    path("<int:pk>/", views.transcript_detail, name="detail"),
]
