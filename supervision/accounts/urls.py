from django.urls import path

from . import admin_views, views

app_name = "accounts"

urlpatterns = [
    path("password/", views.password_change, name="password_change"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/revoke/", views.token_revoke, name="token_revoke"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("two-factor/disable/", views.two_factor_disable, name="two_factor_disable"),
    # 三员: the system administrator (accounts) and the security administrator (posts, lockouts)
    path("admin/users/", admin_views.user_list, name="admin_users"),
    path("admin/users/new/", admin_views.user_new, name="admin_user_new"),
    path("admin/users/<int:pk>/", admin_views.user_detail, name="admin_user_detail"),
    path("admin/users/<int:pk>/<slug:action>/", admin_views.user_action, name="admin_user_action"),
    path("admin/lockouts/", admin_views.lockouts, name="admin_lockouts"),
    path("admin/lockouts/unlock/", admin_views.unlock, name="admin_unlock"),
]
