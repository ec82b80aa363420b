from django.urls import path

from . import public

app_name = "public_funds"
urlpatterns = [
    path("spot-checks/", public.round_list, name="rounds"),
    path("spot-checks/<int:pk>/", public.round_detail, name="round_detail"),
    path("spot-checks/<int:pk>/inputs.json", public.round_inputs, name="round_inputs"),
]
