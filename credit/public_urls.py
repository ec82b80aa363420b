from django.urls import path

from . import public

app_name = "public_credit"
urlpatterns = [
    path("", public.blacklist, name="list"),
    path("list.csv", public.blacklist_csv, name="list_csv"),
    path("list.json", public.blacklist_json, name="list_json"),
    path("status/", public.status, name="status_search"),
    path("status/<str:credit_code>/", public.status, name="status"),
]
