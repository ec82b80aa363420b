"""Public pages of the framework (home, policy pages, open data, change feed) and the staff
pages that manage policy pages. Public views are cached and throttled (``web.public_page``)."""

from __future__ import annotations

import io
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from supervision.core import policy
from supervision.core.exports import SafeDictWriter
from supervision.core.scoping import get_visible_or_404

from . import services
from .feed import BadCursor, read_changes
from .forms import PolicyPageForm
from .masking import scrub
from .models import PolicyCategory, PolicyPage, PublicChange
from .registry import PublicDataset, get_dataset, public_datasets, public_feeds, public_sections
from .web import public_page

# --- public --------------------------------------------------------------------------------


@public_page
def home(request: HttpRequest) -> HttpResponse:
    """The public home: one card per registered section (directory, results, lists, policies,
    complaints, open data)."""
    return render(request, "public/home.html", {"sections": public_sections()})


def _seconds_to_next_boundary(now: Any) -> int | None:
    """Seconds until a page enters or leaves publication, so a cached list never outlives it."""
    nxt = [
        PolicyPage.objects.filter(publish_from__gt=now)
        .order_by("publish_from")
        .values_list("publish_from", flat=True)
        .first(),
        PolicyPage.objects.filter(publish_until__gt=now)
        .order_by("publish_until")
        .values_list("publish_until", flat=True)
        .first(),
    ]
    times = [t for t in nxt if t is not None]
    return max(1, int((min(times) - now).total_seconds())) if times else None


@public_page
def policy_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    qs = PolicyPage.objects.published(now).select_related("region")
    category = request.GET.get("category", "")
    if category in PolicyCategory.values:
        qs = qs.filter(category=category)
    else:
        category = ""
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    response = render(
        request,
        "public/policy_list.html",
        {
            "page_obj": page,
            "categories": PolicyCategory.choices,
            "category": category,
            "querystring": f"category={category}" if category else "",
        },
    )
    boundary = _seconds_to_next_boundary(now)
    if boundary is not None:
        response.public_max_age = boundary  # type: ignore[attr-defined]
    return response


@public_page
def policy_detail(request: HttpRequest, slug: str) -> HttpResponse:
    now = timezone.now()
    page = PolicyPage.objects.published(now).select_related("region").filter(slug=slug).first()
    if page is None:
        raise Http404("页面不存在或已过公开期")
    # Staff-written, yet public: anything shaped like an ID or mobile number is masked.
    paragraphs = [scrub(p.strip()) for p in page.body.replace("\r\n", "\n").split("\n\n") if p.strip()]
    response = render(request, "public/policy_detail.html", {"page": page, "paragraphs": paragraphs})
    if page.publish_until:
        response.public_max_age = max(1, int((page.publish_until - now).total_seconds()))  # type: ignore[attr-defined]
    return response


def dataset_schema(ds: PublicDataset, request: HttpRequest | None = None) -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of one row of a dataset, with each column's meaning."""

    def prop(c: Any) -> dict[str, Any]:
        if c.type in ("date", "date-time"):
            p: dict[str, Any] = {"type": "string", "format": c.type}
        else:
            p = {"type": c.type}
        if c.nullable:
            p["type"] = [p["type"], "null"]
        p["description"] = str(c.meaning)
        return p

    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": request.build_absolute_uri(reverse("publicity:dataset_schema", args=[ds.key]))
        if request
        else ds.key,
        "title": str(ds.title),
        "description": str(ds.description),
        "type": "object",
        "properties": {c.name: prop(c) for c in ds.columns},
        "required": [c.name for c in ds.columns],
        "additionalProperties": False,
    }


@public_page
def open_data(request: HttpRequest) -> HttpResponse:
    """The documented schema of every public dataset (HTML; ``?format=json`` for machines)."""
    datasets = list(public_datasets().values())
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "datasets": [
                    {
                        "key": ds.key,
                        "title": str(ds.title),
                        "csv": reverse("publicity:dataset_csv", args=[ds.key]),
                        "json": reverse("publicity:dataset_json", args=[ds.key]),
                        "schema": dataset_schema(ds),
                    }
                    for ds in datasets
                ],
                "changes": reverse("publicity:changes"),
            },
            json_dumps_params={"ensure_ascii": False},
        )
    in_feed = sorted(
        {"policies", *public_feeds(), *PublicChange.objects.values_list("dataset", flat=True).distinct()}
    )
    return render(request, "publicity/open_data.html", {"datasets": datasets, "in_feed": in_feed})


def _dataset_or_404(key: str) -> PublicDataset:
    ds = get_dataset(key)
    if ds is None:
        raise Http404("数据集不存在")
    return ds


def _rows(ds: PublicDataset) -> list[dict[str, Any]]:
    names = ds.column_names
    return [{n: row.get(n) for n in names} for row in ds.rows()]


@public_page
def dataset_csv(request: HttpRequest, key: str) -> HttpResponse:
    ds = _dataset_or_404(key)
    buf = io.StringIO()
    buf.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with a BOM
    writer = SafeDictWriter(buf, fieldnames=ds.column_names)
    writer.writeheader()
    writer.writerows(_rows(ds))
    response = HttpResponse(buf.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{ds.key}.csv"'
    return response


@public_page
def dataset_json(request: HttpRequest, key: str) -> HttpResponse:
    ds = _dataset_or_404(key)
    rows = _rows(ds)
    body = {
        "dataset": ds.key,
        "schema": reverse("publicity:dataset_schema", args=[ds.key]),
        "generated_at": timezone.now().isoformat(),
        "count": len(rows),
        "results": rows,
    }
    return HttpResponse(json.dumps(body, ensure_ascii=False, default=str), content_type="application/json")


@public_page
def dataset_schema_view(request: HttpRequest, key: str) -> HttpResponse:
    ds = _dataset_or_404(key)
    return JsonResponse(dataset_schema(ds, request), json_dumps_params={"ensure_ascii": False})


@public_page
def changes(request: HttpRequest) -> HttpResponse:
    """``/public/api/changes/?since=<ISO datetime | cursor>&limit=N``: the changes after
    ``since`` in order, with ``next`` while more remain and ``cursor`` to resume later."""
    try:
        limit = int(request.GET.get("limit", 100))
    except ValueError:
        limit = 100
    try:
        items, nxt, resume = read_changes(request.GET.get("since", ""), limit)
    except BadCursor as exc:
        return JsonResponse({"detail": str(exc)}, status=400, json_dumps_params={"ensure_ascii": False})

    def link(token: str) -> str:
        return f"{reverse('publicity:changes')}?since={token}&limit={limit}"

    response = JsonResponse(
        {"results": items, "next": link(nxt) if nxt else None, "cursor": resume},
        json_dumps_params={"ensure_ascii": False},
    )
    # the tail of the feed moves with every change: never serve it from the page cache
    response.public_max_age = 0 if nxt is None else 60  # type: ignore[attr-defined]
    return response


# --- staff: manage policy pages --------------------------------------------------------------


def _require_manager(request: HttpRequest) -> None:
    """The management pages exist only for those who manage policy pages somewhere
    (``PolicyPage.write_rules``): anyone else gets the same 404 as for a missing page."""
    if not services.can_manage_policies(request.user):
        raise Http404("未找到或无权查看")


@login_required
def manage_list(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    qs = PolicyPage.objects.visible_to(request.user).select_related("region")
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "publicity/policy_manage_list.html", {"page_obj": page, "now": timezone.now()})


@login_required
@require_http_methods(["GET", "POST"])
def manage_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _require_manager(request)
    page = None
    if pk is not None:
        page = get_visible_or_404(PolicyPage.objects.all(), request.user, pk=pk)
    if request.method == "POST" and page is not None:
        policy.require(request.user, page, "manage")  # before the form is read
    form = PolicyPageForm(request.POST or None, instance=page, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in services.POLICY_FIELDS if k in form.cleaned_data}
        try:
            if page is None:
                page = services.policy_page_create(actor=request.user, **data)
            else:
                page = services.policy_page_update(page, actor=request.user, **data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errs in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errs)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(request, "已保存。")
            return redirect("publicity:manage_policy_list")
    return render(request, "publicity/policy_form.html", {"form": form, "page": page})


@login_required
@require_http_methods(["POST"])
def manage_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    page = get_visible_or_404(PolicyPage.objects.all(), request.user, pk=pk)
    policy.require(request.user, page, "manage")
    services.policy_page_withdraw(page, actor=request.user)
    messages.success(request, "已撤下，公众页面不再显示。")
    return redirect("publicity:manage_policy_list")
