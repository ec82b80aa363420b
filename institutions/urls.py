from django.urls import path

from . import views
from .portal import report_views
from .portal import staff_views as account_views

app_name = "institutions"
urlpatterns = [
    path("", views.InstitutionListView.as_view(), name="list"),
    path("restrictions/", views.RestrictionListView.as_view(), name="restrictions"),
    path("new/", views.InstitutionCreateView.as_view(), name="create"),
    path("<int:pk>/", views.InstitutionDetailView.as_view(), name="detail"),
    path("<int:pk>/file/<slug:key>/", views.institution_file_tab, name="file_tab"),
    path("<int:pk>/edit/", views.InstitutionEditView.as_view(), name="edit"),
    path("<int:pk>/filing/", views.FilingCreateView.as_view(), name="filing"),
    path("<int:pk>/filing/change/", views.ChangeFilingView.as_view(), name="filing_change"),
    path("filings/<int:pk>/certificate/", views.filing_certificate, name="filing_certificate"),
    path("<int:pk>/onsite-check/", views.OnsiteCheckCreateView.as_view(), name="onsite_check"),
    path("<int:pk>/discover-unfiled/", views.DiscoverUnfiledView.as_view(), name="discover_unfiled"),
    path("<int:pk>/register/", views.RegisterView.as_view(), name="register"),
    path("<int:pk>/appointment/", views.AppointmentView.as_view(), name="appointment"),
    path("<int:pk>/staff/new/", views.StaffCreateView.as_view(), name="staff_create"),
    path("<int:pk>/rating/", views.GradeRatingView.as_view(), name="rating"),
    path("<int:pk>/drill/", views.DrillCreateView.as_view(), name="drill"),
    path("<int:pk>/plan/", views.EmergencyPlanCreateView.as_view(), name="plan"),
    path("<int:pk>/incident/", views.IncidentReportView.as_view(), name="incident"),
    path("<int:pk>/training/", views.TrainingRecordView.as_view(), name="training"),
    path("<int:pk>/suspend/", views.SuspendView.as_view(), name="suspend"),
    path("<int:pk>/terminate/", views.TerminateView.as_view(), name="terminate"),
    path("<int:pk>/status/<slug:action>/", views.StatusActionView.as_view(), name="status_action"),
    # Institution accounts (机构端), opened by civil affairs from the institution page.
    path("<int:pk>/accounts/new/", account_views.AccountCreateView.as_view(), name="account_new"),
    path("accounts/<int:pk>/code/", account_views.account_code, name="account_code"),
    path("accounts/<int:pk>/disable/", account_views.account_disable, name="account_disable"),
    path("disclosure-changes/<int:pk>/decide/", report_views.disclosure_decide, name="disclosure_decide"),
]
