from django.urls import path

from . import views

app_name = "funds"
urlpatterns = [
    path("", views.ClaimListView.as_view(), name="claim_list"),
    path("claims/new/", views.claim_new, name="claim_new"),
    path("claims/<int:pk>/", views.ClaimDetailView.as_view(), name="claim_detail"),
    path("claims/<int:pk>/lines/", views.claim_add_line, name="claim_add_line"),
    path("claims/<int:pk>/import/", views.claim_import, name="claim_import"),
    path("claims/<int:pk>/submit/", views.claim_submit, name="claim_submit"),
    path("claims/<int:pk>/review/", views.claim_review, name="claim_review"),
    path("claims/<int:pk>/approve/", views.claim_approve, name="claim_approve"),
    path("claims/<int:pk>/pay/", views.claim_pay, name="claim_pay"),
    path("claims/<int:pk>/recover/", views.claim_recover, name="claim_recover"),
    path("imports/<int:pk>/", views.BatchDetailView.as_view(), name="batch_detail"),
    path("imports/<int:pk>/apply/", views.batch_apply, name="batch_apply"),
    path("imports/<int:pk>/discard/", views.batch_discard, name="batch_discard"),
    path("status-lists/", views.status_import, name="status_import"),
    path("programmes/", views.ProgrammeListView.as_view(), name="programme_list"),
    path("programmes/new/", views.programme_edit, name="programme_new"),
    path("programmes/<int:pk>/", views.programme_edit, name="programme_edit"),
    path("flags/", views.FlagListView.as_view(), name="flag_list"),
    path("flags/<int:pk>/", views.FlagDetailView.as_view(), name="flag_detail"),
    path("flags/<int:pk>/review/", views.flag_review, name="flag_review"),
    path("spot-checks/", views.RoundListView.as_view(), name="round_list"),
    path("spot-checks/open/", views.round_open, name="round_open"),
    path("spot-checks/<int:pk>/", views.RoundDetailView.as_view(), name="round_detail"),
    path("spot-checks/<int:pk>/commit/", views.round_commit, name="round_commit"),
    path("spot-checks/<int:pk>/draw/", views.round_draw, name="round_draw"),
    path("spot-check-items/<int:pk>/check/", views.item_check, name="item_check"),
    path("spot-check-items/<int:pk>/report/", views.item_report, name="item_report"),
    path("recovery/", views.RecoveryListView.as_view(), name="recovery_list"),
    path("recovery/<int:pk>/", views.RecoveryDetailView.as_view(), name="recovery_detail"),
    path("recovery/<int:pk>/repay/", views.recovery_repay, name="recovery_repay"),
    path("recovery/<int:pk>/penalty/", views.recovery_penalty, name="recovery_penalty"),
]
