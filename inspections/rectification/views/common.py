"""Helpers the rectification pages share: error text, form errors and the list base."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from supervision.core import policy
from supervision.core.web import Column, ScopedListView


def error_text(exc: ValidationError) -> str:
    return "；".join(str(m) for m in exc.messages)


def _form_errors(form: Any, exc: ValidationError) -> None:
    """A service's ValidationError on the form: per field where the form has it."""
    if hasattr(exc, "error_dict"):
        for field, errs in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, error_text(exc))


class _List(ScopedListView):
    template_name = "rectification/list.html"
    heading = ""
    columns: list[Column] = []

    # (model, action) of the list's "new" button, shown only to posts that could create one.
    create: tuple[type, str] | None = None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["heading"] = self.heading
        ctx["today"] = timezone.localdate()
        if self.create is not None:
            ctx["may_create"] = policy.can_ever(self.request.user, *self.create)
        return ctx
