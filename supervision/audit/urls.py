from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.AuditLogList.as_view(), name="list"),
    path("reveal/<slug:slug>/<int:pk>/", views.reveal, name="reveal"),
]
