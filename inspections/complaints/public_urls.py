from django.urls import path

from . import public

app_name = "public_complaints"
urlpatterns = [
    path("", public.complaint_form, name="form"),
    path("track/", public.track, name="track"),
    path("track/<str:code>/", public.status, name="status"),
    path("track/<str:code>/print/", public.receipt, name="receipt"),
]
