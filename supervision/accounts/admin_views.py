"""Pages of the system administrator (accounts) and the security administrator (posts,
lockouts, two-factor resets): thin views over ``services``, which check who may act and audit.
Anyone else gets 403 with the reason (``policy.Denied``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Max, Prefetch, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from supervision.core.models import Assignment, User
from supervision.core.policy import Denied

from . import services
from .forms import AdminAccountCreateForm, AdminPostGrantForm, AdminUserSearchForm
from .lockout import user_limit
from .roles import may_manage_accounts, may_manage_posts

PAGE_SIZE = 25
REFUSAL = "账户管理页面供系统管理员和安全管理员使用，您的岗位无权查看。"


def _require_either(request: HttpRequest) -> None:
    if not (may_manage_accounts(request.user) or may_manage_posts(request.user)):
        raise Denied(REFUSAL)


def _require_accounts(request: HttpRequest) -> None:
    if not may_manage_accounts(request.user):
        raise Denied("账户由系统管理员管理，您无权办理。")


def _require_posts(request: HttpRequest) -> None:
    if not may_manage_posts(request.user):
        raise Denied("岗位、锁定和两步验证由安全管理员办理，您无权办理。")


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {
        "may_accounts": may_manage_accounts(request.user),
        "may_posts": may_manage_posts(request.user),
        **extra,
    }


def _once(request: HttpRequest, account: User, password: str, *, created: bool) -> HttpResponse:
    response = render(
        request,
        "accounts/admin/password_once.html",
        _context(request, account=account, password=password, created=created, section="users"),
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    """账户管理: every account, searchable, with its posts."""
    _require_either(request)
    form = AdminUserSearchForm(request.GET or None)
    users = User.objects.all()
    if form.is_valid():
        q = form.cleaned_data["q"].strip()
        if q:
            users = users.filter(Q(username__icontains=q) | Q(display_name__icontains=q))
        if form.cleaned_data["status"] == "active":
            users = users.filter(is_active=True)
        elif form.cleaned_data["status"] == "inactive":
            users = users.filter(is_active=False)
    users = users.order_by("username").prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.filter(active=True)
            .select_related("department", "region")
            .order_by("pk"),
            to_attr="posts",
        )
    )
    page_obj = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "accounts/admin/user_list.html",
        _context(
            request,
            section="users",
            form=form,
            page_obj=page_obj,
            object_list=page_obj.object_list,
            paginator=page_obj.paginator,
            is_paginated=page_obj.has_other_pages(),
            querystring=params.urlencode(),
        ),
    )


@login_required
def user_new(request: HttpRequest) -> HttpResponse:
    """新建账户 (system administrator): the initial password is shown once."""
    _require_accounts(request)
    form = AdminAccountCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user, password = services.create_account(request.user, **form.cleaned_data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            return _once(request, user, password, created=True)
    return render(request, "accounts/admin/user_new.html", _context(request, form=form, section="users"))


@login_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_either(request)
    account = get_object_or_404(User, pk=pk)
    posts = account.assignments.select_related("department", "region").order_by("-active", "pk")
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return render(
        request,
        "accounts/admin/user_detail.html",
        _context(
            request,
            section="users",
            account=account,
            posts=posts,
            has_device=TOTPDevice.objects.filter(user=account).exists(),
            grant_form=AdminPostGrantForm() if may_manage_posts(request.user) else None,
        ),
    )


ACCOUNT_ACTIONS = ("reset-password", "deactivate", "activate")
POST_ACTIONS = ("grant-post", "end-post", "reset-two-factor")


@login_required
@require_POST
def user_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACCOUNT_ACTIONS + POST_ACTIONS:
        raise Http404
    if action in ACCOUNT_ACTIONS:
        _require_accounts(request)
    else:
        _require_posts(request)
    account = get_object_or_404(User, pk=pk)
    try:
        if action == "reset-password":
            password = services.reset_initial_password(request.user, account)
            return _once(request, account, password, created=False)
        if action == "deactivate":
            if account.pk == request.user.pk:
                raise ValidationError("不能停用自己正在使用的账户。")
            services.deactivate_user(request.user, account)
            messages.success(request, f"账户“{account}”已停用，其登录会话和接口令牌已失效。")
        elif action == "activate":
            services.reactivate_user(request.user, account)
            messages.success(request, f"账户“{account}”已启用。")
        elif action == "grant-post":
            form = AdminPostGrantForm(request.POST)
            if not form.is_valid():
                raise ValidationError([e for errors in form.errors.values() for e in errors])
            services.grant_post(request.user, account, **form.cleaned_data)
            messages.success(request, "岗位已分配。")
        elif action == "end-post":
            post_id = request.POST.get("post") or ""
            if not post_id.isdigit():
                raise ValidationError("请选择要结束的岗位。")
            post = get_object_or_404(Assignment, pk=post_id, user=account)
            services.end_post(request.user, post)
            messages.success(request, f"岗位“{post}”已结束。")
        else:  # reset-two-factor
            services.reset_two_factor(request.user, account)
            messages.success(request, f"已重置“{account}”的两步验证，本人下次登录时须重新设置验证器。")
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("accounts:admin_user_detail", pk=account.pk)


@login_required
def lockouts(request: HttpRequest) -> HttpResponse:
    """登录锁定: user names with recent failed sign-ins; the locked ones may be unlocked."""
    _require_posts(request)
    from axes.models import AccessAttempt

    cool_off = dt.timedelta(hours=float(getattr(settings, "AXES_COOLOFF_TIME", 0.25) or 0.25))
    since = timezone.now() - cool_off
    limit = user_limit()
    rows = list(
        AccessAttempt.objects.filter(attempt_time__gte=since)
        .exclude(username__isnull=True)
        .exclude(username="")
        .values("username")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .order_by("-last")
    )
    for row in rows:
        row["locked"] = row["failures"] >= limit
        row["until"] = row["last"] + cool_off
    return render(
        request,
        "accounts/admin/lockouts.html",
        _context(
            request,
            section="lockouts",
            rows=rows,
            limit=limit,
            cool_off_minutes=int(cool_off.total_seconds() // 60),
        ),
    )


@login_required
@require_POST
def unlock(request: HttpRequest) -> HttpResponse:
    _require_posts(request)
    username = (request.POST.get("username") or "").strip()
    if not username:
        messages.error(request, "请选择要解除锁定的用户名。")
    else:
        services.unlock(request.user, username)
        messages.success(request, f"已解除“{username}”的登录锁定，本人现在可以重新登录。")
    return redirect("accounts:admin_lockouts")
