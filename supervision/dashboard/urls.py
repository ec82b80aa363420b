from django.urls import path

from . import views

app_name = "dashboard"
urlpatterns = [
    path("", views.dashboard, name="index"),
    path("download/<slug:key>.<str:fmt>", views.download, name="download"),
    path("indicators/", views.indicator_index, name="indicators"),
    path("indicators/<str:code>/", views.indicator_detail, name="indicator"),
]
