from django.urls import path

from . import views

app_name = "reconciliation"
urlpatterns = [
    path("", views.RunListView.as_view(), name="list"),
    path("upload/", views.upload, name="upload"),
    path("runs/<int:pk>/", views.RunDetailView.as_view(), name="run"),
    path("runs/<int:pk>/mapping/", views.mapping, name="mapping"),
    path("runs/<int:pk>/progress/", views.progress, name="progress"),
    path("runs/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("runs/<int:pk>/discard/", views.discard, name="discard"),
    path("runs/<int:pk>/errors.xlsx", views.error_report, name="error_report"),
    path("runs/<int:pk>/rows/", views.RowListView.as_view(), name="rows"),
    path("rows/<int:pk>/review/", views.review, name="review"),
    path("items/", views.WorkItemListView.as_view(), name="items"),
    path("items/<int:pk>/", views.WorkItemDetailView.as_view(), name="item"),
]
