from django.urls import path

from . import views

app_name = "countyadmin"
urlpatterns = [
    path("", views.home, name="home"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_new, name="user_new"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/<slug:action>/", views.user_action, name="user_action"),
    path("titles/", views.titles, name="titles"),
    path("titles/<str:region_code>/<slug:department_code>/", views.title_edit, name="title_edit"),
]
