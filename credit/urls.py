from django.urls import path

from . import views

app_name = "credit"
urlpatterns = [
    path("", views.index, name="index"),
    path("records/", views.RecordListView.as_view(), name="record_list"),
    path("grades/", views.GradeListView.as_view(), name="grade_list"),
    path("proposals/", views.ProposalListView.as_view(), name="proposal_list"),
    path("proposals/<int:pk>/", views.ProposalDetailView.as_view(), name="proposal_detail"),
    path("proposals/<int:pk>/decision.pdf", views.decision_pdf, name="decision_pdf"),
    path("proposals/attachments/<int:pk>/", views.proposal_attachment, name="proposal_attachment"),
    path("proposals/<int:pk>/<slug:step>/", views.proposal_step, name="proposal_step"),
    path("institution/<str:credit_code>/", views.profile, name="profile"),
    path("institution/<str:credit_code>/propose/", views.proposal_new, name="proposal_new"),
]
