from django.urls import path

from . import views

app_name = "complaints"
urlpatterns = [
    path("", views.ComplaintList.as_view(), name="list"),
    path("hotline/", views.hotline_intake, name="hotline"),
    path("from-referral/", views.referral_intake, name="from_referral"),
    path("<int:pk>/", views.complaint_detail, name="detail"),
    path("<int:pk>/photos/<int:photo>/", views.complaint_photo, name="photo"),
    path("<int:pk>/reassign/", views.complaint_reassign, name="reassign"),
    path("<int:pk>/merge/", views.complaint_merge, name="merge"),
    path("<int:pk>/reply/", views.complaint_reply, name="reply"),
    path("<int:pk>/inspect/", views.complaint_inspect, name="inspect"),
    path("<int:pk>/<slug:step>/", views.complaint_step, name="step"),
]
