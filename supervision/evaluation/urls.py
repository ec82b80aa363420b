from django.urls import path

from . import views

app_name = "evaluation"
urlpatterns = [
    path("", views.EvaluationListView.as_view(), name="list"),
    path("new/", views.evaluation_new, name="new"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence_file"),
    path("<int:pk>/", views.evaluation_detail, name="detail"),
    path("<int:pk>/word/", views.evaluation_word, name="word"),
    path("<int:pk>/excel/", views.evaluation_excel, name="excel"),
    path("<int:pk>/rows/<str:number>/", views.entry_edit, name="entry"),
    path("<int:pk>/<slug:step>/", views.evaluation_step, name="step"),
]
