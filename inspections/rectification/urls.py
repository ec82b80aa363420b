from django.urls import path

from . import attachment_views, repair_views, views

app_name = "rectification"
urlpatterns = [
    path("", views.ItemListView.as_view(), name="item_list"),
    path("notices/", views.NoticeListView.as_view(), name="notice_list"),
    path("notices/new/", views.notice_new, name="notice_new"),
    path("notices/<int:pk>/", views.NoticeDetailView.as_view(), name="notice_detail"),
    path("notices/<int:pk>/preview/", views.notice_preview, name="notice_preview"),
    path("notices/<int:pk>/issue/", views.notice_issue, name="notice_issue"),
    path("notices/<int:pk>/discard/", views.notice_discard, name="notice_discard"),
    path("items/<int:pk>/", views.item_detail, name="item_detail"),
    path("items/<int:pk>/respond/", views.item_respond, name="item_respond"),
    path("items/<int:pk>/accept/", views.item_accept, name="item_accept"),
    path("items/<int:pk>/reject/", views.item_reject, name="item_reject"),
    path("responses/<int:pk>/evidence/", views.response_evidence, name="response_evidence"),
    path("responses/attachments/<int:pk>/", attachment_views.response_attachment, name="response_attachment"),
    path("suspensions/", views.SuspensionListView.as_view(), name="suspension_list"),
    path("suspensions/<int:pk>/", views.SuspensionDetailView.as_view(), name="suspension_detail"),
    path("suspensions/<int:pk>/approve/", views.suspension_approve, name="suspension_approve"),
    path("listings/", views.ListingListView.as_view(), name="listing_list"),
    path("listings/new/<int:finding_pk>/", views.listing_new, name="listing_new"),
    path("listings/<int:pk>/", views.ListingDetailView.as_view(), name="listing_detail"),
    path("listings/<int:pk>/progress/", views.listing_progress, name="listing_progress"),
    path("listings/<int:pk>/close/", views.listing_close, name="listing_close"),
    path("penalties/", views.PenaltyListView.as_view(), name="penalty_list"),
    path("penalties/new/", views.penalty_new, name="penalty_new"),
    path("penalties/<int:pk>/", views.PenaltyDetailView.as_view(), name="penalty_detail"),
    path("penalties/<int:pk>/appeal/", views.penalty_appeal, name="penalty_appeal"),
    path(
        "penalties/<int:pk>/end-publication/",
        views.penalty_end_publication,
        name="penalty_end_publication",
    ),
    path("penalties/repair/<int:pk>/decide/", repair_views.repair_decide, name="penalty_repair_decide"),
    path("penalties/repair/attachments/<int:pk>/", repair_views.repair_attachment, name="repair_attachment"),
]
