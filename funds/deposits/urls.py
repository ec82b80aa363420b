from django.urls import path

from . import views

app_name = "deposits"
urlpatterns = [
    path("", views.AccountList.as_view(), name="account_list"),
    path("accounts/new/", views.account_new, name="account_new"),
    path("accounts/<int:pk>/", views.account_detail, name="account_detail"),
    path("accounts/<int:pk>/agreement/", views.agreement_file, name="agreement"),
    path("accounts/<int:pk>/balance/", views.balance_new, name="balance_new"),
    path("accounts/<int:pk>/close/", views.account_close, name="account_close"),
    path("balances/import/", views.balance_import, name="balance_import"),
    path("checks/", views.checks_run, name="checks_run"),
    path("flags/", views.FlagList.as_view(), name="flag_list"),
    path("flags/<int:pk>/respond/", views.flag_respond, name="flag_respond"),
    path("flags/<int:pk>/review/", views.flag_review, name="flag_review"),
    path("ledger/", views.FeeList.as_view(), name="fee_list"),
    path("ledger/<int:pk>/refund/", views.fee_refund, name="fee_refund"),
    path("institutions/<int:pk>/fees/new/", views.fee_new, name="fee_new"),
    path("institutions/<int:pk>/fees/import/", views.ledger_import, name="ledger_import"),
]
