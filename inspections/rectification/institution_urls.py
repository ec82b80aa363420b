"""The institution's pages of rectification and inspections (mounted at /institution/)."""

from django.urls import path

from . import institution_views as views

app_name = "institution_notices"
urlpatterns = [
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/pdf/", views.notice_pdf, name="notice_pdf"),
    path("notices/<int:pk>/acknowledge/", views.notice_acknowledge, name="notice_acknowledge"),
    path("notices/items/<int:pk>/", views.item_detail, name="item_detail"),
    path("notices/items/<int:pk>/report/", views.item_report, name="item_report"),
    path("notices/responses/<int:pk>/evidence/", views.response_evidence, name="response_evidence"),
    path("notices/attachments/<int:pk>/", views.attachment, name="attachment"),
    path("record/inspections/", views.record_inspections, name="record_inspections"),
    path("record/penalties/<int:pk>/repair/", views.penalty_repair_apply, name="penalty_repair_apply"),
    path("record/repair-attachments/<int:pk>/", views.repair_attachment, name="repair_attachment"),
]
