"""The institution's pages of credit (mounted at /institution/): its record and its procedures."""

from django.urls import path

from . import institution_views as views

app_name = "institution_credit"
urlpatterns = [
    path("record/", views.record_home, name="record"),
    path("record/listings/", views.record_listings, name="record_listings"),
    path("objections/", views.proposal_list, name="proposal_list"),
    path("objections/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("objections/<int:pk>/object/", views.proposal_object, name="proposal_object"),
    path("objections/<int:pk>/apply-removal/", views.proposal_apply_removal, name="proposal_apply_removal"),
    path("objections/<int:pk>/decision.pdf", views.decision_pdf, name="decision_pdf"),
    path("objections/<int:pk>/documents/<int:doc>/", views.proposal_document, name="proposal_document"),
    path("objections/attachments/<int:pk>/", views.attachment, name="attachment"),
]
