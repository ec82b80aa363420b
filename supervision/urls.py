"""URL map. Each app contributes ``urls.py`` (staff pages), ``api.register(router)`` and,
where the documents ask for publicity, ``public_urls.py`` under /public/."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from credit import api as credit_api
from funds import api as funds_api
from funds.deposits import api as deposits_api
from funds.fundraising import api as fundraising_api
from inspections import api as inspections_api
from inspections.complaints import api as complaints_api
from inspections.rectification import api as rectification_api
from institutions import api as institutions_api
from institutions.reconciliation import api as reconciliation_api
from supervision.accounts import api as accounts_api
from supervision.campaigns import api as campaigns_api
from supervision.core import api as core_api
from supervision.core import institution_menu, regionpicker, workbench_views
from supervision.core import views as core_views
from supervision.core.health import healthz
from supervision.dashboard import views as dashboard_views
from supervision.deadlines import api as deadlines_api
from supervision.evaluation import api as evaluation_api
from supervision.indicators import api as indicators_api
from supervision.referrals import api as referrals_api
from supervision.reports import api as reports_api
from supervision.workcal import api as workcal_api

router = DefaultRouter()
for module in (
    core_api,
    workcal_api,
    deadlines_api,
    referrals_api,
    indicators_api,
    campaigns_api,
    institutions_api,
    reconciliation_api,
    credit_api,
    inspections_api,
    complaints_api,
    rectification_api,
    funds_api,
    deposits_api,
    fundraising_api,
    reports_api,
    evaluation_api,
):
    module.register(router)

api_v1 = [
    path("auth/token/", core_api.ObtainTokenView.as_view(), name="api-token"),
    path("auth/logout/", accounts_api.LogoutView.as_view(), name="api-logout"),
    path("auth/logout-all/", accounts_api.LogoutAllView.as_view(), name="api-logout-all"),
    path("auth/tokens/", accounts_api.TokenListView.as_view(), name="api-tokens"),
    path("auth/tokens/<str:token_key>/", accounts_api.TokenRevokeView.as_view(), name="api-token-revoke"),
    *workcal_api.urlpatterns,
    path("", include(router.urls)),
]

urlpatterns = [
    # The first page by role: leaders get the dashboard (领导驾驶舱), everyone else the workbench.
    path("", dashboard_views.home, name="home"),
    path("dashboard/", include("supervision.dashboard.urls")),
    path("workbench/", core_views.workbench, name="workbench"),
    path("workbench/done/", workbench_views.done, name="workbench_done"),
    path("workbench/todos/<slug:group>/", workbench_views.todo_group, name="workbench_todos"),
    path("regions/", core_views.region_list, name="regions"),
    path("regions/picker/children/", regionpicker.staff_children, name="region-picker"),
    path("public/regions/children/", regionpicker.public_children, name="region-picker-public"),
    path("regions/<str:code>/", core_views.region_detail, name="region"),
    path("healthz/", healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("supervision.accounts.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("deadlines/", include("supervision.deadlines.urls")),
    path("documents/", include("supervision.documents.urls")),
    path("county-admin/", include("supervision.countyadmin.urls")),
    path("audit/", include("supervision.audit.urls")),
    path("referrals/", include("supervision.referrals.urls")),
    path("reports/", include("supervision.reports.urls")),
    path("evaluation/", include("supervision.evaluation.urls")),
    path("campaigns/", include("supervision.campaigns.urls")),
    # The institution's side (机构端, issue 17): its home and menu; each app's institution pages.
    path("institution/", institution_menu.institution_home, name="institution_home"),
    path("institution/", include("institutions.portal.urls")),
    path("institution/", include("inspections.rectification.institution_urls")),
    path("institution/", include("credit.institution_urls")),
    path("institutions/reconciliation/", include("institutions.reconciliation.urls")),
    path("institutions/", include("institutions.urls")),
    path("credit/", include("credit.urls")),
    path("funds/deposits/", include("funds.deposits.urls")),
    path("funds/fundraising/", include("funds.fundraising.urls")),
    path("funds/", include("funds.urls")),
    path("inspections/complaints/", include("inspections.complaints.urls")),
    path("inspections/rectification/", include("inspections.rectification.urls")),
    path("inspections/", include("inspections.urls")),
    path("public/complaints/", include("inspections.complaints.public_urls")),
    path("public/rectification/", include("inspections.rectification.public_urls")),
    path("public/", include("supervision.publicity.urls")),
    path("public/", include("institutions.public_urls")),
    path("public/inspections/", include("inspections.public_urls")),
    path("public/credit/", include("credit.public_urls")),
    path("public/funds/", include("funds.public_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
# No route serves MEDIA_URL, not even under DEBUG: every upload lives in the private file store
# (supervision/files) and is downloaded only through the view of the object that owns it.

# Chinese error pages with the navigation and a way back (staff or public frame by path).
handler403 = "supervision.core.errors.permission_denied"
handler404 = "supervision.core.errors.page_not_found"
handler500 = "supervision.core.errors.server_error"
