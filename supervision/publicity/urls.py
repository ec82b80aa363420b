from django.urls import path

from . import views

app_name = "publicity"
urlpatterns = [
    path("", views.home, name="home"),
    path("policies/", views.policy_list, name="policy_list"),
    path("policies/<str:slug>/", views.policy_detail, name="policy_detail"),
    path("api/schema/", views.open_data, name="open_data"),
    path("api/changes/", views.changes, name="changes"),
    path("api/<slug:key>.csv", views.dataset_csv, name="dataset_csv"),
    path("api/<slug:key>.json", views.dataset_json, name="dataset_json"),
    path("api/<slug:key>.schema.json", views.dataset_schema_view, name="dataset_schema"),
    # Staff management of policy pages (login required, never cached). Under /public/manage/
    # because the project mounts this app only under /public/.
    path("manage/policies/", views.manage_list, name="manage_policy_list"),
    path("manage/policies/new/", views.manage_edit, name="manage_policy_create"),
    path("manage/policies/<int:pk>/", views.manage_edit, name="manage_policy_edit"),
    path("manage/policies/<int:pk>/withdraw/", views.manage_withdraw, name="manage_policy_withdraw"),
]
