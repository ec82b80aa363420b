from django.urls import path

from . import views

app_name = "referrals"
urlpatterns = [
    path("", views.index, name="index"),
    path("inbox/", views.InboxView.as_view(), name="inbox"),
    path("outbox/", views.OutboxView.as_view(), name="outbox"),
    path("new/", views.referral_new, name="new"),
    path("<int:pk>/", views.ReferralDetailView.as_view(), name="detail"),
    path("<int:pk>/letter/", views.letter_preview, name="letter_preview"),
    path("<int:pk>/<slug:step>/", views.referral_step, name="step"),
]
