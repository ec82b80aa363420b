from django.urls import path

from . import views

app_name = "fundraising"
urlpatterns = [
    path("", views.RiskList.as_view(), name="risk_list"),
    path("new/", views.risk_new, name="risk_new"),
    path("<int:pk>/", views.risk_detail, name="risk_detail"),
    path("<int:pk>/evidence/", views.evidence_new, name="evidence_new"),
    path("<int:pk>/refer/", views.risk_refer, name="risk_refer"),
    path("<int:pk>/close/", views.risk_close, name="risk_close"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence_file"),
    path("screening/new/", views.screening_new, name="screening_new"),
    path("coverage/", views.coverage, name="coverage"),
]
