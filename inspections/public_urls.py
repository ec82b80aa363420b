from django.urls import path

from . import public

app_name = "public_inspections"
urlpatterns = [
    path("", public.index, name="index"),
    path("draws/", public.draw_list, name="draws"),
    path("draws/<int:pk>/", public.draw_detail, name="draw_detail"),
    path("draws/<int:pk>/inputs.json", public.draw_inputs, name="draw_inputs"),
    path("results/", public.result_list, name="results"),
    path("results/<int:pk>/", public.result_detail, name="result_detail"),
]
