from django.urls import path

from . import views

app_name = "deadlines"
urlpatterns = [
    path("", views.DeadlineList.as_view(), name="list"),
    path("<int:pk>/", views.DeadlineDetail.as_view(), name="detail"),
    path("<int:pk>/waive/", views.deadline_waive, name="waive"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification-read"),
    path("notifications/read-all/", views.notification_read_all, name="notifications-read-all"),
]
