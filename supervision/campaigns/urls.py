from django.urls import path

from . import roster_views, views

app_name = "campaigns"
urlpatterns = [
    path("", views.CampaignList.as_view(), name="list"),
    path("new/", views.campaign_new, name="new"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/edit/", views.campaign_edit, name="edit"),
    path("<int:pk>/launch/", views.campaign_step, {"step": "launch"}, name="launch"),
    path("<int:pk>/close/", views.campaign_step, {"step": "close"}, name="close"),
    path("<int:pk>/phases/new/", views.phase_new, name="phase_new"),
    path("<int:pk>/tasks/new/", views.task_new, name="task_new"),
    path("tasks/", views.TaskList.as_view(), name="tasks"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment"),
    path("assignments/<int:pk>/submit/", views.assignment_submit, name="submit"),
    path("assignments/<int:pk>/review/", views.assignment_review, name="review"),
    path("submissions/<int:pk>/file/", views.submission_file, name="submission_file"),
    path("liaisons/", roster_views.LiaisonList.as_view(), name="liaisons"),
    path("liaisons/new/", roster_views.liaison_new, name="liaison_new"),
    path("training-quotas/", roster_views.QuotaList.as_view(), name="quotas"),
]
