from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.ReportListView.as_view(), name="list"),
    path("new/", views.report_new, name="new"),
    path("missing/", views.report_missing, name="missing"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/print/", views.report_print, name="print"),
    path("<int:pk>/word/", views.report_word, name="word"),
    path("<int:pk>/excel/", views.report_excel, name="excel"),
    path("<int:pk>/<slug:step>/", views.report_step, name="step"),
]
