"""Workbench pages beyond the home panel: one to-do group in full, and 已办 (work done)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from auditlog.models import LogEntry
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch
from django.utils import timezone

from .transitions import verb_label
from .workbench import TODO_LABELS, subject_url, todos_for

DONE_PAGE = 20
# auditlog's own action names are English; the page speaks Chinese.
ACTION_LABELS = {
    LogEntry.Action.CREATE: "新增",
    LogEntry.Action.UPDATE: "修改",
    LogEntry.Action.DELETE: "删除",
}
# Verbs written by infrastructure rather than a procedure's transition table.
OTHER_VERB_LABELS = {"store": "上传文件", "reconciliation_create_institutions": "核对新增机构"}


def _done_verb(entry: LogEntry, model: Any) -> str:
    """The Chinese name of what was done: the registered verb label, else the audit action;
    never the code."""
    verb = (entry.additional_data or {}).get("verb", "")
    if verb:
        if verb in OTHER_VERB_LABELS:
            return OTHER_VERB_LABELS[verb]
        label = verb_label(verb, model)
        if label != verb:
            return label
    return ACTION_LABELS.get(entry.action, "办理")


@login_required
def todo_group(request: HttpRequest, group: str) -> HttpResponse:
    """Every to-do of one group (the home panel shows the first few)."""
    if group not in TODO_LABELS:
        raise Http404("没有这类待办")
    groups = todos_for(request.user, group=group)
    return render(
        request,
        "core/todo_group.html",
        {"group_key": group, "group_label": TODO_LABELS[group], "group": groups[0] if groups else None},
    )


def _links(entries: list[LogEntry], user: Any) -> dict[int, str]:
    """The handling page of each entry's object, if it still exists and the user may see it:
    one query per object type on the page."""
    wanted: dict[Any, set[int]] = defaultdict(set)
    for e in entries:
        if e.object_pk and str(e.object_pk).isdigit():
            wanted[e.content_type].add(int(e.object_pk))
    found: dict[tuple[int, int], Any] = {}
    for ct, ids in wanted.items():
        model = ct.model_class()
        if model is None:
            continue
        manager: Any = model._default_manager
        try:
            qs = manager.visible_to(user) if hasattr(manager, "visible_to") else None
        except AttributeError:  # a model whose scope is not declared: no link rather than an error
            qs = None
        if qs is None:
            continue  # objects without a read scope (configuration …) get no link
        for pk, obj in qs.in_bulk(list(ids)).items():
            found[(ct.pk, pk)] = obj
    out: dict[int, str] = {}
    for e in entries:
        obj = found.get((e.content_type_id, int(e.object_pk))) if str(e.object_pk).isdigit() else None
        if obj is not None:
            try:
                out[e.pk] = subject_url(obj)
            except NoReverseMatch:  # a page that cannot be named is shown without a link
                out[e.pk] = ""
    return out


@login_required
def done(request: HttpRequest) -> HttpResponse:
    """已办: what this user did, newest first, from the audit trail (every service write is one
    entry with its actor and verb)."""
    entries = (
        LogEntry.objects.filter(actor=request.user)
        .select_related("content_type")
        .order_by("-timestamp", "-pk")
    )
    paginator = Paginator(entries, DONE_PAGE)
    page_obj = paginator.get_page(request.GET.get("page"))
    rows = list(page_obj.object_list)
    links = _links(rows, request.user)
    items = []
    for e in rows:
        model = e.content_type.model_class()
        items.append(
            {
                "when": timezone.localtime(e.timestamp).strftime("%Y-%m-%d %H:%M"),
                "kind": str(model._meta.verbose_name) if model else e.content_type.name,
                "what": e.object_repr,
                "verb": _done_verb(e, model),
                "url": links.get(e.pk, ""),
            }
        )
    return render(
        request,
        "core/workbench_done.html",
        {"items": items, "page_obj": page_obj, "paginator": paginator, "total": paginator.count},
    )
