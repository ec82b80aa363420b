"""The institution's pages of the registry (mounted at /institution/)."""

from django.urls import path

from . import filing_views, report_views, views

app_name = "institution_portal"
urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-in/<str:code>/", views.sign_in_link, name="sign_in_link"),
    path("account/", views.account, name="account"),
    path("filing/", filing_views.filing, name="filing"),
    path("filing/first-resident/", filing_views.first_resident, name="first_resident"),
    path("filing/<int:pk>/", filing_views.filing_detail, name="filing_detail"),
    path("filing/<int:pk>/receipt/", filing_views.filing_receipt, name="filing_receipt"),
    path("disclosure/", report_views.disclosure, name="disclosure"),
    path("reports/", report_views.reports, name="reports"),
    path("reports/drill-photos/<int:pk>/", report_views.drill_photo, name="drill_photo"),
]
