"""The POSTed workflow step of a ``Submission`` (reports and the 004 evaluation): edit, refresh,
submit, approve and return, from the object's page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from supervision.core import policy

from .submission import STEP_LABELS
from .webutils import error_text

# step -> the write-policy action it needs
STEPS = {"edit": "fill", "refresh": "fill", "submit": "submit", "approve": "review", "return": "review"}


def submission_step(
    request: HttpRequest,
    step: str,
    fetch: Callable[[], Any],
    *,
    edit_form: type,
    edit_invalid: str,
    edit: Callable[[Any, Any, dict[str, Any]], Any],
    refresh: Callable[..., Any],
    submit: Callable[..., Any],
    approve: Callable[..., Any],
    return_: Callable[..., Any],
) -> HttpResponse:
    """404 for an unknown step; the object (``fetch``) judged by the write policy; the step's
    service (``edit`` with the edit form's cleaned data); its ValidationError as the page's error
    message; back to the object."""
    if step not in STEPS:
        raise Http404("未找到")
    obj = fetch()
    policy.require(request.user, obj, STEPS[step])
    user = request.user
    try:
        if step == "edit":
            form = edit_form(request.POST)
            if not form.is_valid():
                messages.error(request, edit_invalid)
                return redirect(obj)
            edit(obj, user, form.cleaned_data)
        elif step == "refresh":
            refresh(obj, actor=user)
        elif step == "submit":
            submit(obj, actor=user)
        elif step == "approve":
            approve(obj, actor=user)
        else:
            return_(obj, actor=user, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect(obj)
    messages.success(request, "已保存。" if step == "edit" else f"已{STEP_LABELS[step]}。")
    return redirect(obj)
