from django.urls import path

from . import public

app_name = "public"
urlpatterns = [
    path("institutions/", public.directory, name="directory"),
    path("institutions/export.csv", public.directory_csv, name="directory_csv"),
    path("institutions/export.json", public.directory_json, name="directory_json"),
    path("institutions/schema.json", public.schema, name="directory_schema"),
    path("institutions/data/", public.data_page, name="directory_data"),
    path("institutions/regions/", public.region_picker, name="region_picker"),
    path("institutions/<str:credit_code>/", public.institution_public, name="institution"),
]
