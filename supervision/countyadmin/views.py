"""County administration pages (县级管理员): thin views over ``services``; out of scope → 404,
refused by the policy → 403 with the reason."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.shortcuts import render as django_render
from django.views.decorators.http import require_POST

from supervision.core import policy
from supervision.core.department_titles import DepartmentTitle, department_title
from supervision.core.models import Assignment, Department, Region, User

from . import services
from .forms import AccountCreateForm, PostGrantForm, TitleForm, UserSearchForm
from .sections import sections

PAGE_SIZE = 25


def render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """Every county-admin page shows the registered sections in its navigation."""
    return django_render(request, template, {"admin_sections": sections(), **context})


def _require_admin(request: HttpRequest) -> list[Region]:
    regions = services.admin_regions(request.user)
    if not regions:
        raise policy.Denied("辖区管理页面供县级管理员岗位使用，您的岗位无权办理。")
    return regions


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _once(request: HttpRequest, user: User, password: str, *, created: bool) -> HttpResponse:
    """The one-time initial password, shown on this response only (never stored in clear)."""
    response = render(
        request, "countyadmin/password_once.html", {"account": user, "password": password, "created": created}
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    regions = _require_admin(request)
    users = services.users_in_scope(request.user)
    return render(
        request,
        "countyadmin/home.html",
        {
            "regions": regions,
            "user_count": users.count(),
            "inactive_count": users.filter(is_active=False).count(),
            "sections": sections(),
        },
    )


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    form = UserSearchForm(request.GET or None)
    users = services.users_in_scope(request.user)
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
            queryset=Assignment.objects.select_related("department", "region").order_by("-active", "pk"),
            to_attr="posts",
        )
    )
    page_obj = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "countyadmin/user_list.html",
        {
            "form": form,
            "page_obj": page_obj,
            "object_list": page_obj.object_list,
            "paginator": page_obj.paginator,
            "is_paginated": page_obj.has_other_pages(),
            "querystring": _querystring(request),
        },
    )


def _querystring(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _user(request: HttpRequest, pk: int) -> User:
    return get_object_or_404(services.users_in_scope(request.user), pk=pk)


@login_required
def user_new(request: HttpRequest) -> HttpResponse:
    regions = _require_admin(request)
    form = AccountCreateForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, password = services.account_create(
                request.user,
                username=data["username"],
                display_name=data["display_name"],
                phone=data["phone"],
                department=data["department"],
                region=data["region"],
                role=data["role"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            return _once(request, user, password, created=True)
    return render(request, "countyadmin/user_new.html", {"form": form})


@login_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    regions = _require_admin(request)
    account = _user(request, pk)
    posts = account.assignments.select_related("department", "region").order_by("-active", "pk")
    return render(
        request,
        "countyadmin/user_detail.html",
        {"account": account, "posts": posts, "grant_form": PostGrantForm(regions=regions)},
    )


@login_required
@require_POST
def user_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    regions = _require_admin(request)
    account = _user(request, pk)
    try:
        if action == "reset-password":
            return _once(request, account, services.password_reset(request.user, account), created=False)
        if action == "deactivate":
            services.account_set_active(request.user, account, False)
            messages.success(request, f"账户“{account}”已停用，其登录会话和接口令牌已失效。")
        elif action == "activate":
            services.account_set_active(request.user, account, True)
            messages.success(request, f"账户“{account}”已启用。")
        elif action == "grant-post":
            form = PostGrantForm(request.POST, regions=regions)
            if not form.is_valid():
                raise ValidationError([e for errors in form.errors.values() for e in errors])
            services.post_grant(request.user, account, **form.cleaned_data)
            messages.success(request, "岗位已增加。")
        elif action == "end-post":
            post_id = request.POST.get("post") or ""
            if not post_id.isdigit():
                raise ValidationError("请选择要结束的岗位。")
            post = get_object_or_404(Assignment, pk=post_id, user=account)
            services.post_end(request.user, post)
            messages.success(request, f"岗位“{post}”已结束。")
        else:
            raise Http404
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("countyadmin:user_detail", pk=account.pk)


def _title_region(request: HttpRequest, regions: list[Region]) -> Region:
    code = request.GET.get("region") or ""
    for region in regions:
        if region.code == code:
            return region
    if code:
        chosen = Region.objects.filter(code=code).first()
        if chosen is not None and any(r.contains(chosen) for r in regions):
            return chosen
        raise Http404("未找到或无权查看")
    return regions[0]


@login_required
def titles(request: HttpRequest) -> HttpResponse:
    regions = _require_admin(request)
    region = _title_region(request, regions)
    rows = {t.department_id: t for t in DepartmentTitle.objects.filter(region=region)}
    departments: list[dict[str, Any]] = []
    for dept in Department.objects.all():
        title = department_title(dept, region) if dept.pk not in rows else None
        row = rows.get(dept.pk)
        departments.append(
            {
                "department": dept,
                "row": row,
                "name": row.official_name if row else title.name,  # type: ignore[union-attr]
                "may_edit": policy.can(request.user, row, "edit")
                if row
                else policy.can(request.user, DepartmentTitle, "edit", department=dept, region=region),
            }
        )
    departments.sort(key=lambda d: (d["row"] is None, d["department"].code))
    return render(
        request,
        "countyadmin/titles.html",
        {"region": region, "regions": regions, "departments": departments},
    )


@login_required
def title_edit(request: HttpRequest, region_code: str, department_code: str) -> HttpResponse:
    regions = _require_admin(request)
    region = get_object_or_404(Region, code=region_code)
    if not any(r.contains(region) for r in regions):
        raise Http404("未找到或无权查看")
    department = get_object_or_404(Department, code=department_code)
    row = DepartmentTitle.objects.filter(department=department, region=region).first()
    if row is None:
        fallback = department_title(department, region)
        row = DepartmentTitle(
            department=department,
            region=region,
            official_name=fallback.name,
            abbreviation=fallback.abbreviation,
        )
    policy.require(
        request.user, row if row.pk else DepartmentTitle, "edit", department=department, region=region
    )
    form = TitleForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        try:
            services.title_save(request.user, department=department, region=region, **form.cleaned_data)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, f"已保存：{form.cleaned_data['official_name']}")
            return redirect(f"/county-admin/titles/?region={region.code}")
    return render(
        request, "countyadmin/title_edit.html", {"form": form, "region": region, "department": department}
    )
