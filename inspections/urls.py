from django.urls import path

from . import inspector_admin, views

app_name = "inspections"
urlpatterns = [
    path("", views.InspectionListView.as_view(), name="inspection_list"),
    path("new/", views.inspection_create, name="inspection_create"),
    path("overview/", views.overview, name="overview"),
    path("<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("<int:pk>/checklist/", views.checklist, name="checklist"),
    path("<int:pk>/<str:action>/", views.inspection_action, name="inspection_action"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence_file"),
    path("items/", views.ItemListView.as_view(), name="item_list"),
    path("objects/", views.ObjectDirectoryView.as_view(), name="object_list"),
    path("inspectors/", views.InspectorListView.as_view(), name="inspector_list"),
    path("inspectors/new/", inspector_admin.inspector_new, name="inspector_new"),
    path("inspectors/<int:pk>/edit/", inspector_admin.inspector_edit, name="inspector_edit"),
    path("plans/", views.PlanListView.as_view(), name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.PlanDetailView.as_view(), name="plan_detail"),
    path("plans/<int:pk>/coverage/", views.CoverageView.as_view(), name="coverage"),
    path("plans/<int:pk>/draw/", views.draw_create, name="draw_create"),
    path("draws/<int:pk>/", views.DrawDetailView.as_view(), name="draw_detail"),
    path("draws/<int:pk>/<str:action>/", views.draw_action, name="draw_action"),
    path("findings/", views.FindingListView.as_view(), name="finding_list"),
    path("findings/new/", views.finding_create, name="finding_create"),
    path("findings/<int:pk>/", views.FindingDetailView.as_view(), name="finding_detail"),
    path("findings/list/<str:kind>/", views.FindingListView.as_view(), name="finding_list_kind"),
]
