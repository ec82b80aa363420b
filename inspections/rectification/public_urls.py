from django.urls import path

from . import public

app_name = "public_rectification"
urlpatterns = [
    path("", public.results, name="results"),
    path("penalties/", public.penalties, name="penalties"),
]
